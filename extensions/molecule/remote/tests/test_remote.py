"""State after converge: nodes online, services, firewall, one shared authkey."""

import xml.etree.ElementTree as ET

import labkit
import pytest
from remote_lab import (
    ALL_HOSTS,
    AUTHKEY,
    CLUSTER,
    GUEST,
    GUEST_RESOURCE,
    NODE,
    REMOTE,
    REMOTE_DUMMY,
    REMOTE_HOSTS,
    crm_mon,
    fingerprints,
    host,
    run_module,
    wait_online,
    wait_until,
    where,
)


def test_remote_and_guest_nodes_online():
    assert wait_online(ALL_HOSTS, timeout=120)


def test_node_types():
    nodes = labkit.monitor(NODE).nodes
    assert nodes[REMOTE]["type"] == "remote"
    assert nodes[GUEST]["type"] == "remote"
    assert nodes[GUEST]["id_as_resource"] == GUEST_RESOURCE


@pytest.mark.parametrize("name", REMOTE_HOSTS)
def test_services(name):
    h = host(name)
    assert h.service("pacemaker_remote").is_running
    assert h.service("pacemaker_remote").is_enabled
    assert h.service("pcsd").is_running
    assert h.service("pcsd").is_enabled


@pytest.mark.parametrize("name", REMOTE_HOSTS)
def test_firewall(name):
    h = host(name)
    for perm in ("", "--permanent "):
        service = h.run(f"firewall-cmd {perm}--query-service=high-availability")
        port = h.run(f"firewall-cmd {perm}--query-port=3121/tcp")
        assert service.rc == 0 or port.rc == 0, f"{name}: 3121/tcp not open ({perm or 'runtime'})"


def test_authkey_same_everywhere():
    fps = fingerprints()
    assert len(set(fps.values())) == 1, fps


@pytest.mark.parametrize("name", ALL_HOSTS)
def test_authkey_file(name):
    f = host(name).file(AUTHKEY)
    assert f.user == "hacluster"
    assert f.group == "haclient"
    # pcs cluster setup wrote the cluster nodes' key 0400: at least as strict as
    # the role's 0640, so it is kept (no churn); the role wrote the others 0640
    assert f.mode == (0o400 if name in CLUSTER else 0o640)
    assert f.size >= 32


def test_resource_runs_on_remote_node(first_node):
    """A Dummy resource (remote1-dummy) with a location constraint to the
    remote node (remote1) runs there."""
    if first_node.run(f"crm_resource --resource {REMOTE_DUMMY} --query-xml").rc != 0:
        first_node.check_output(
            "cibadmin --create --scope resources --xml-text "
            f'\'<primitive id="{REMOTE_DUMMY}" class="ocf" provider="pacemaker" type="Dummy">'
            f'<operations><op id="{REMOTE_DUMMY}-monitor-interval-10s" name="monitor" interval="10s"/>'
            "</operations></primitive>'"
        )
        first_node.check_output(
            "cibadmin --create --scope constraints --xml-text "
            f'\'<rsc_location id="location-{REMOTE_DUMMY}-{REMOTE}-INFINITY" rsc="{REMOTE_DUMMY}" '
            f'node="{REMOTE}" score="INFINITY"/>\''
        )

    def located():
        out = first_node.run(f"crm_resource --resource {REMOTE_DUMMY} --locate").stdout
        return f"running on: {REMOTE}" in out

    assert wait_until(located, timeout=90), first_node.run("crm_mon -1").stdout
    # and the agent really runs on the remote host (Dummy's state file)
    assert (
        host(REMOTE)
        .run(f"ls /run/Dummy-{REMOTE_DUMMY}.state /run/resource-agents/Dummy-{REMOTE_DUMMY}.state")
        .stdout
    )


def test_standby_moves_resources_away_and_back():
    """standby: the check-mode preview says remote1-dummy moves off remote1,
    applying it moves it, a rerun changes nothing, and standby=false brings
    it back. maintenance: nothing moves or stops."""
    module, node = "hacluster.pacemaker.pacemaker_remote_node", {"name": REMOTE}
    assert where(REMOTE_DUMMY) == {REMOTE}
    preview = run_module(module, dict(node, standby=True), check=True)
    assert preview["changed"], preview
    moved = [a for a in preview["preview"] if a["resource"] == REMOTE_DUMMY]
    assert moved and moved[0]["action"] in ("move", "stop"), preview["preview"]
    assert where(REMOTE_DUMMY) == {REMOTE}  # check mode touched nothing
    applied = run_module(module, dict(node, standby=True))
    assert applied["changed"] and applied["nodes"][0]["standby"] is True
    assert wait_until(lambda: where(REMOTE_DUMMY) - {REMOTE}, 90), where(REMOTE_DUMMY)
    assert REMOTE not in where(REMOTE_DUMMY)
    again = run_module(module, dict(node, standby=True))
    assert not again["changed"]
    assert again["cib_version_after"] == again["cib_version_before"]
    back = run_module(module, dict(node, standby=False))
    assert back["changed"] and back["nodes"][0]["standby"] is False
    assert wait_until(lambda: where(REMOTE_DUMMY) == {REMOTE}, 90)

    maintenance = run_module(module, dict(node, maintenance=True))
    assert maintenance["changed"] and maintenance["nodes"][0]["maintenance"] is True
    mon = crm_mon().find(f"nodes/node[@name='{REMOTE}']")
    assert mon.get("maintenance") == "true", ET.tostring(mon)
    assert where(REMOTE_DUMMY) == {REMOTE}
    assert run_module(module, dict(node, maintenance=False))["changed"]
    assert crm_mon().find(f"nodes/node[@name='{REMOTE}']").get("maintenance") == "false"
    assert where(REMOTE_DUMMY) == {REMOTE}
