"""State after converge: nodes online, services, firewall, one shared authkey."""

import xml.etree.ElementTree as ET

import labkit
import pytest
from remote_lab import (
    ALL_HOSTS,
    AUTHKEY,
    CLUSTER,
    NODE,
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
    assert nodes["remote1"]["type"] == "remote"
    assert nodes["guest1"]["type"] == "remote"
    assert nodes["guest1"]["id_as_resource"] == "guest1-vm"


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


def test_resource_runs_on_remote_node(node1):
    """A Dummy resource with a location constraint to remote1 runs there."""
    if node1.run("crm_resource --resource remote1-dummy --query-xml").rc != 0:
        node1.check_output(
            "cibadmin --create --scope resources --xml-text "
            '\'<primitive id="remote1-dummy" class="ocf" provider="pacemaker" type="Dummy">'
            '<operations><op id="remote1-dummy-monitor-interval-10s" name="monitor" interval="10s"/>'
            "</operations></primitive>'"
        )
        node1.check_output(
            "cibadmin --create --scope constraints --xml-text "
            '\'<rsc_location id="location-remote1-dummy-remote1-INFINITY" rsc="remote1-dummy" '
            'node="remote1" score="INFINITY"/>\''
        )

    def located():
        out = node1.run("crm_resource --resource remote1-dummy --locate").stdout
        return "running on: remote1" in out

    assert wait_until(located, timeout=90), node1.run("crm_mon -1").stdout
    # and the agent really runs on the remote host (Dummy's state file)
    assert (
        host("remote1")
        .run("ls /run/Dummy-remote1-dummy.state /run/resource-agents/Dummy-remote1-dummy.state")
        .stdout
    )


def test_standby_moves_resources_away_and_back():
    """standby: the check-mode preview says remote1-dummy moves off remote1,
    applying it moves it, a rerun changes nothing, and standby=false brings
    it back. maintenance: nothing moves or stops."""
    module, node = "hacluster.pacemaker.pacemaker_remote_node", {"name": "remote1"}
    assert where("remote1-dummy") == {"remote1"}
    preview = run_module(module, dict(node, standby=True), check=True)
    assert preview["changed"], preview
    moved = [a for a in preview["preview"] if a["resource"] == "remote1-dummy"]
    assert moved and moved[0]["action"] in ("move", "stop"), preview["preview"]
    assert where("remote1-dummy") == {"remote1"}  # check mode touched nothing
    applied = run_module(module, dict(node, standby=True))
    assert applied["changed"] and applied["nodes"][0]["standby"] is True
    assert wait_until(lambda: where("remote1-dummy") - {"remote1"}, 90), where("remote1-dummy")
    assert "remote1" not in where("remote1-dummy")
    again = run_module(module, dict(node, standby=True))
    assert not again["changed"]
    assert again["cib_version_after"] == again["cib_version_before"]
    back = run_module(module, dict(node, standby=False))
    assert back["changed"] and back["nodes"][0]["standby"] is False
    assert wait_until(lambda: where("remote1-dummy") == {"remote1"}, 90)

    maintenance = run_module(module, dict(node, maintenance=True))
    assert maintenance["changed"] and maintenance["nodes"][0]["maintenance"] is True
    mon = crm_mon().find("nodes/node[@name='remote1']")
    assert mon.get("maintenance") == "true", ET.tostring(mon)
    assert where("remote1-dummy") == {"remote1"}
    assert run_module(module, dict(node, maintenance=False))["changed"]
    assert crm_mon().find("nodes/node[@name='remote1']").get("maintenance") == "false"
    assert where("remote1-dummy") == {"remote1"}
