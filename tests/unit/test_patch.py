"""Our format-2 patches, applied by Pacemaker itself (cibadmin --patch), give
exactly the planned configuration, like crm_diff's do."""

import copy
import shutil

import pytest
from cibfiles import canonical, config_of, new_cib, tool
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import (
    _booth,
    _cib,
    _nodes,
    _patch,
    _tickets,
)

DUMMY = '<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>'


@pytest.fixture
def rich(tmp_path):
    path = new_cib(
        tmp_path / "cib.xml",
        DUMMY % "vm1",
        '<primitive id="vm2" class="ocf" provider="pacemaker" type="Dummy"><meta_attributes '
        'id="vm2-meta_attributes"><nvpair id="vm2-meta_attributes-target-role" '
        'name="target-role" value="Started"/></meta_attributes></primitive>',
        '<group id="grp"><primitive id="g1" class="ocf" provider="pacemaker" type="Dummy"/></group>',
    )
    cib = _cib.Cib(str(path))
    cib.transaction(
        lambda p: _nodes.plan_remote_nodes(
            p,
            [
                {"name": "rh1", "server": "192.0.2.5", "state": "present"},
                {"name": "rh2", "server": "192.0.2.6", "port": 3122, "state": "present"},
            ],
            None,
        )
    )
    for xml in (
        '<rsc_location id="loc-rh1" rsc="rh1" node="n1" score="100"/>',
        '<rsc_colocation id="col-set" score="INFINITY"><resource_set id="s1">'
        '<resource_ref id="rh1"/><resource_ref id="vm1"/></resource_set></rsc_colocation>',
    ):
        tool(path, "cibadmin", "--create", "--scope", "constraints", "--xml-text", xml)
    return path


def check(path, planner):
    """Plan, then apply our patch and crm_diff's to two copies with cibadmin."""
    current = _cib.Cib(str(path)).read()
    work = copy.deepcopy(current)
    plan = _cib.Plan(work)
    planner(plan)
    assert not plan.errors, plan.errors
    work.set("epoch", str(int(current.get("epoch")) + 1))
    work.set("num_updates", "0")
    ours = _patch.build(current, work, plan.touched_ids())
    assert ours is not None, "fell back to crm_diff"
    results = []
    for name, diff in (("ours", ours), ("crm_diff", _cib.Cib(str(path))._crm_diff(current, work))):
        target = path.with_name("%s.xml" % name)
        shutil.copy(path, target)
        proc = tool(target, "cibadmin", "--patch", "--xml-pipe", data=diff, check=False)
        assert proc.returncode == 0, "%s patch refused: %s\n%s" % (name, proc.stderr, diff)
        results.append(canonical(config_of(target)))
    assert results[0] == canonical(work.find("configuration"))
    assert results[0] == results[1]
    return ours


CASES = {
    "add remote": lambda p: _nodes.plan_remote_nodes(
        p, [{"name": "rh3", "state": "present"}], None
    ),
    "guest on a resource with meta": lambda p: _nodes.plan_guest_nodes(
        p,
        [{"name": "gh1", "resource": "vm2", "remote_addr": "192.0.2.9", "state": "present"}],
        None,
    ),
    "guest on a bare resource": lambda p: _nodes.plan_guest_nodes(
        p, [{"name": "gh2", "resource": "vm1", "remote_port": 3123, "state": "present"}], None
    ),
    "repair an nvpair and an op": lambda p: _nodes.plan_remote_nodes(
        p,
        [
            {
                "name": "rh2",
                "server": "192.0.2.66",
                "port": 3124,
                "reconnect_interval": "30s",
                "operations": [{"name": "monitor", "interval": "20s", "timeout": "10s"}],
                "meta_attributes": {"target-role": "Stopped"},
                "state": "present",
            }
        ],
        None,
    ),
    "remove a remote with its constraints": lambda p: _nodes.plan_remote_nodes(
        p, [{"name": "rh1", "state": "absent"}], None
    ),
    "guest with default address": lambda p: _nodes.plan_guest_nodes(
        p, [{"name": "gh9", "resource": "vm2", "state": "present"}], None
    ),
    "ticket constraints and a loss-policy change": lambda p: _tickets.plan_tickets(
        p,
        [
            {
                "name": "T1",
                "constraints": [{"resource": "vm1", "loss_policy": "stop"}, {"resource": "grp"}],
                "state": "present",
            }
        ],
        None,
    ),
    "booth site group": lambda p: _booth.plan_site_group(
        p, "booth", "/etc/booth/booth.conf", "192.0.2.100"
    ),
    "batch of 200 remotes": lambda p: _nodes.plan_remote_nodes(
        p,
        [{"name": "b%d" % i, "server": "10.3.0.%d" % i, "state": "present"} for i in range(200)],
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_patch_equals_plan(rich, name):
    check(rich, CASES[name])


def test_successive_changes(rich):
    """Each change on top of the previous one, applied for real in between."""
    steps = [
        lambda p: _tickets.plan_tickets(
            p,
            [
                {
                    "name": "T1",
                    "constraints": [
                        {"resource": "vm1", "loss_policy": "stop"},
                        {"resource": "rh2"},
                    ],
                    "state": "present",
                }
            ],
            None,
        ),
        lambda p: _tickets.plan_tickets(
            p,
            [
                {
                    "name": "T1",
                    "constraints": [{"resource": "vm1", "loss_policy": "freeze"}],
                    "exclusive_constraints": True,
                    "release_resources": True,
                    "state": "present",
                }
            ],
            None,
        ),
        lambda p: _nodes.plan_remote_nodes(p, [{"name": "rh2", "state": "absent"}], None),
        lambda p: _nodes.plan_guest_nodes(
            p, [{"name": "gh1", "resource": "g1", "state": "present"}], None
        ),
        lambda p: _nodes.plan_guest_nodes(p, [{"name": "gh1", "state": "absent"}], None),
        lambda p: _tickets.plan_tickets(
            p, [{"name": "T1", "state": "absent", "release_resources": True}], None
        ),
    ]
    for step in steps:
        check(rich, step)
        assert _cib.Cib(str(rich)).transaction(step).changed


def test_untracked_change_falls_back(rich):
    current = _cib.Cib(str(rich)).read()
    work = copy.deepcopy(current)
    work.find("configuration/resources/primitive").set("description", "sneaky")
    assert _patch.build(current, work, []) is None


def test_engine_uses_it_live_style(rich, monkeypatch):
    """Force the patch path (as on a live cluster) through the whole engine."""
    monkeypatch.setattr(_cib, "_schema", lambda name: None)
    calls = []
    real = _cib.Cib._crm_diff
    monkeypatch.setattr(
        _cib.Cib, "_crm_diff", lambda self, o, n: calls.append(1) or real(self, o, n)
    )
    result = _cib.Cib(str(rich)).transaction(CASES["remove a remote with its constraints"])
    assert result.changed and not calls
    assert not etree.parse(str(rich)).xpath("//primitive[@id='rh1']")
