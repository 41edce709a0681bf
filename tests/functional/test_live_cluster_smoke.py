"""Smoke test of the live-cluster harness: a remote node on 127.0.0.1:3122 comes online."""

from __future__ import annotations

import subprocess
import time

import pytest

REMOTE_ID = "smoke-remote"


def _cib(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["cibadmin", *args], capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.live
def test_cluster_node_online(live_cluster):
    nodes = live_cluster.node_states()
    me = nodes[live_cluster.node_name]
    assert me["online"] == "true"
    assert me["type"] == "member"
    dc = live_cluster.crm_mon_xml().find("./summary/current_dc")
    assert dc.get("present") == "true" and dc.get("name") == live_cluster.node_name
    opts = live_cluster.crm_mon_xml().find("./summary/cluster_options")
    assert opts.get("stonith-enabled") == "false"


@pytest.mark.live
def test_remote_node_goes_online(live_cluster):
    ia = f"{REMOTE_ID}-instance_attributes"
    primitive = f"""
<primitive class="ocf" provider="pacemaker" type="remote" id="{REMOTE_ID}">
  <instance_attributes id="{ia}">
    <nvpair id="{ia}-server" name="server" value="{live_cluster.remote_host}"/>
    <nvpair id="{ia}-port" name="port" value="{live_cluster.remote_port}"/>
  </instance_attributes>
  <operations>
    <op id="{REMOTE_ID}-monitor-interval-60s" name="monitor" interval="60s" timeout="30s"/>
  </operations>
</primitive>"""
    created = _cib("--create", "--scope", "resources", "--xml-text", primitive)
    assert created.returncode == 0, created.stderr
    try:
        t0 = time.monotonic()
        waited = live_cluster.wait_node_online(REMOTE_ID, timeout=60)
        print(f"remote node {REMOTE_ID} online after {waited:.1f}s")
        node = live_cluster.node_states()[REMOTE_ID]
        assert node["type"] == "remote"
        assert time.monotonic() - t0 < 60
    finally:
        deleted = _cib(
            "--delete", "--scope", "resources", "--xml-text", f'<primitive id="{REMOTE_ID}"/>'
        )
        assert deleted.returncode == 0, deleted.stderr
        # Pacemaker keeps a remote node's entry until it is removed explicitly.
        subprocess.run(
            ["crm_node", "--force", "--remove", REMOTE_ID],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    live_cluster.wait_node_gone(REMOTE_ID, timeout=60)
