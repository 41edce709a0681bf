"""State after converge: nodes online, services, firewall, one shared authkey."""

import pytest
from remote_lab import ALL_HOSTS, AUTHKEY, REMOTE_HOSTS, fingerprints, lab, wait_online, wait_until


def test_remote_and_guest_nodes_online():
    assert wait_online(["node1", "node2", "remote1", "guest1"], timeout=120)


def test_node_types(node1):
    from remote_lab import crm_mon

    nodes = {n.get("name"): n for n in crm_mon().iterfind("nodes/node")}
    assert nodes["remote1"].get("type") == "remote"
    assert nodes["guest1"].get("type") == "remote"
    assert nodes["guest1"].get("id_as_resource") == "guest1-vm"


@pytest.mark.parametrize("name", REMOTE_HOSTS)
def test_services(name):
    h = lab(name)
    assert h.service("pacemaker_remote").is_running
    assert h.service("pacemaker_remote").is_enabled
    assert h.service("pcsd").is_running
    assert h.service("pcsd").is_enabled


@pytest.mark.parametrize("name", REMOTE_HOSTS)
def test_firewall(name):
    h = lab(name)
    for perm in ("", "--permanent "):
        service = h.run(f"firewall-cmd {perm}--query-service=high-availability")
        port = h.run(f"firewall-cmd {perm}--query-port=3121/tcp")
        assert service.rc == 0 or port.rc == 0, f"{name}: 3121/tcp not open ({perm or 'runtime'})"


def test_authkey_same_everywhere():
    fps = fingerprints()
    assert len(set(fps.values())) == 1, fps


@pytest.mark.parametrize("name", ALL_HOSTS)
def test_authkey_file(name):
    f = lab(name).file(AUTHKEY)
    assert f.user == "hacluster"
    assert f.group == "haclient"
    # pcs cluster setup wrote the cluster nodes' key 0400: at least as strict as
    # the role's 0640, so it is kept (no churn); the role wrote the others 0640
    assert f.mode == (0o400 if name.startswith("node") else 0o640)
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
        lab("remote1")
        .run("ls /run/Dummy-remote1-dummy.state /run/resource-agents/Dummy-remote1-dummy.state")
        .stdout
    )
