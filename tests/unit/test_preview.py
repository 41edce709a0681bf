"""What-if preview: Pacemaker's scheduler (crm_simulate) on a copy of a CIB
with a status section, recorded from simulated transitions."""

import subprocess

import pytest
from cibfiles import new_cib, tool

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _nodes, _tickets

DUMMY = '<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>'


def simulate(src, dst, *flags):
    subprocess.run(
        [
            "crm_simulate",
            "--xml-file",
            str(src),
            "--simulate",
            "--quiet",
            "--save-output",
            str(dst),
            *flags,
        ],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def running(tmp_path):
    """n1 online, remote node rh1 online and running web (location prefers rh1),
    db bound to ticket T1 (granted) running on n1: a status section made by
    Pacemaker's own simulator."""
    path = new_cib(tmp_path / "cib.xml", DUMMY % "web", DUMMY % "db")
    tool(
        path,
        "crm_attribute",
        "--type",
        "crm_config",
        "--name",
        "no-quorum-policy",
        "--update",
        "ignore",
    )
    tool(
        path, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>'
    )
    # what the cluster records once the remote node has joined (crm_simulate
    # would otherwise invent a plain cluster node for --node-up rh1)
    tool(
        path,
        "cibadmin",
        "--create",
        "--scope",
        "nodes",
        "--xml-text",
        '<node id="rh1" uname="rh1" type="remote"/>',
    )
    _cib.Cib(str(path)).transaction(
        lambda p: (
            _nodes.plan_remote_nodes(
                p, [{"name": "rh1", "server": "192.0.2.5", "state": "present"}], None
            ),
            _tickets.plan_tickets(
                p,
                [
                    {
                        "name": "T1",
                        "state": "present",
                        "constraints": [{"resource": "db", "loss_policy": "stop"}],
                    }
                ],
                None,
                bypass_booth=True,
            ),
        )
    )
    tool(path, "crm_ticket", "--ticket", "T1", "--grant", "--force")
    tool(
        path,
        "cibadmin",
        "--create",
        "--scope",
        "constraints",
        "--xml-text",
        '<rsc_location id="web-on-rh1" rsc="web" node="rh1" score="100"/>',
    )
    steps = [("--node-up", "n1"), (), ("--node-up", "rh1"), ()]
    current = path
    for i, flags in enumerate(steps):
        nxt = tmp_path / ("step%d.xml" % i)
        simulate(current, nxt, *flags)
        current = nxt
    path.write_bytes(current.read_bytes())
    status = tool(path, "crm_mon", "--one-shot", "--output-as=xml").stdout
    assert 'name="rh1"' in status and 'online="true"' in status
    return path


def test_removing_a_remote_node_reports_its_resource_moving(running):
    content = running.read_bytes()
    result = _cib.Cib(str(running)).transaction(
        lambda p: _nodes.plan_remote_nodes(p, [{"name": "rh1", "state": "absent"}], None),
        check_mode=True,
        preview=True,
    )
    assert {"action": "move", "resource": "web", "source": "rh1", "dest": "n1"} in result.preview
    assert running.read_bytes() == content


def test_revoking_a_ticket_reports_bound_resources_stopping(running):
    result = _cib.Cib(str(running)).transaction(
        lambda p: _tickets.plan_tickets(
            p, [{"name": "T1", "grant": "revoked", "state": "present"}], None, bypass_booth=True
        ),
        check_mode=True,
        preview=True,
    )
    stops = [a for a in result.preview if a["action"] == "stop"]
    assert [a["resource"] for a in stops] == ["db"]


def test_no_op_change_reports_nothing(running):
    result = _cib.Cib(str(running)).transaction(
        lambda p: _nodes.plan_remote_nodes(
            p, [{"name": "rh1", "server": "192.0.2.5", "state": "present"}], None
        ),
        check_mode=True,
        preview=True,
    )
    assert not result.changed and result.preview is None


def test_preview_that_pacemaker_cannot_compute_is_a_warning(tmp_path):
    """A CIB written by a newer Pacemaker (a schema this crm_simulate does not
    know): check mode still predicts the change, and says why there is no preview."""
    path = new_cib(tmp_path / "cib.xml", DUMMY % "web")
    path.write_text(
        path.read_text().replace('validate-with="pacemaker-', 'validate-with="pacemaker-9')
    )
    before = path.read_bytes()
    result = _cib.Cib(str(path)).transaction(
        lambda plan: _nodes.plan_remote_nodes(plan, [{"name": "rh1", "state": "present"}]),
        check_mode=True,
        preview=True,
    )
    assert result.changed and result.preview is None
    assert any(
        w.startswith("preview: Pacemaker's scheduler could not") for w in result.plan.warnings
    )
    assert path.read_bytes() == before


def test_moving_a_ticket_away_reports_bound_resources_stopping(running):
    """booth_ticket move=true run at the holder: booth revokes it here."""
    result = _cib.Cib(str(running)).transaction(
        lambda p: _tickets.plan_tickets(
            p, [{"name": "T1", "grant": "granted", "site": "192.0.2.200", "state": "present"}], None
        ),
        check_mode=True,
        preview=True,
    )
    assert [a["resource"] for a in result.preview if a["action"] == "stop"] == ["db"]
