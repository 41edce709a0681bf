"""Key rotation where Pacemaker reads the authkey once per process (3.0.2 and
later, issue 26), forced on the lab's own version with
pacemaker_remote_authkey_reload=restart (the lab runs 3.0.0, which re-reads
the key at each connection: the forced path is the one 3.0.2 takes). Every
pacemaker-remoted and every cluster node's pacemaker-controld must then run
since the new key was written; nothing may move or restart (measured: where
each resource runs, and its Dummy state file, written at each start); no
fence (conftest.py); no maintenance mode left; a further run changes nothing.
A reload cut off in maintenance mode is finished by the rerun.

Runs after test_zz_authkey_lifecycle.py (file order) on the converged lab."""

import labkit
import pytest
from remote_lab import (
    ALL_HOSTS,
    CLUSTER,
    INVENTORY,
    NODE,
    REMOTE_HOSTS,
    default_suite_only,
    fingerprints,
    maintenance_marker,
    run_playbook,
    stale_daemons,
    wait_online,
)

pytestmark = [default_suite_only]
FORCED = ("pacemaker_remote_authkey_reload=restart",)
ROTATE = ("pacemaker_remote_authkey_rotate=true",) + FORCED
PLACED = {"zk-on-%s" % h: h for h in REMOTE_HOSTS + CLUSTER[1:]}


@pytest.fixture(scope="module", autouse=True)
def resources():
    for rsc, where in PLACED.items():
        labkit.sh(NODE, "pcs resource create %s ocf:pacemaker:Dummy op monitor interval=10s" % rsc)
        labkit.sh(NODE, "pcs constraint location %s prefers %s=100" % (rsc, where))
    assert labkit.wait_until(lambda: placement() == PLACED, 120), placement()
    yield
    for rsc in PLACED:
        labkit.sh(NODE, "pcs resource delete %s" % rsc, timeout=120)


def placement():
    return {rsc: next(iter(labkit.where(NODE, rsc)), None) for rsc in PLACED}


def started_at():
    """{resource: the change time of its Dummy state file}: Dummy writes it
    at each start, so an unchanged time means not restarted."""
    out = {}
    for rsc, where in PLACED.items():
        path = "/run/Dummy-%s.state" % rsc  # ocf:pacemaker:Dummy, HA_VARRUN
        out[rsc] = labkit.sh(where, "stat -c %%Z %s" % path).strip()
    return out


def reloaded(old_key, before):
    keys = fingerprints()
    assert len(set(keys.values())) == 1 and old_key not in keys.values(), keys
    assert stale_daemons() == dict.fromkeys(ALL_HOSTS, []), stale_daemons()
    assert not maintenance_marker()
    assert wait_online(ALL_HOSTS, timeout=240), labkit.online_nodes(NODE)
    assert placement() == PLACED
    assert started_at() == before, "a resource was restarted"
    again = run_playbook(*FORCED)
    assert again.ok and not any(again.changed().values()), again.changed_tasks()


def admins_maintenance():
    return [
        (nv.get("id"), nv.get("value"))
        for nv in labkit.cib(NODE, "crm_config").iter("nvpair")
        if nv.get("name") == "maintenance-mode"
    ]


def test_forced_reload_restarts_every_daemon_and_moves_nothing():
    """With an admin's maintenance-mode=false in the CIB, as pcs writes it
    when maintenance ends: the role's switch must still put the cluster in
    maintenance mode (before, crm_attribute added it after the admin's,
    where Pacemaker ignores it, and the restarts moved resources)."""
    labkit.sh(NODE, "pcs property set maintenance-mode=false")
    admins = admins_maintenance()
    assert [value for _id, value in admins] == ["false"], admins
    try:
        old_key, before = set(fingerprints().values()).pop(), started_at()
        result = run_playbook(*ROTATE)
        assert result.ok, result.tail()
        restarted = [t for t, _h in result.changed_tasks() if "holds an older key" in t]
        assert restarted, result.changed_tasks()
        reloaded(old_key, before)
        assert admins_maintenance() == admins  # the admin's setting, untouched
    finally:
        labkit.sh(NODE, "pcs property unset maintenance-mode")


def test_reload_cut_off_in_maintenance_is_finished_by_the_rerun():
    old_key, before = set(fingerprints().values()).pop(), started_at()
    labkit.play_interrupted(
        "remote_nodes.yml", INVENTORY, "Put the cluster in maintenance mode", ROTATE
    )
    assert maintenance_marker()
    assert any(stale_daemons().values())
    result = run_playbook(*FORCED)
    assert result.ok, result.tail()
    reloaded(old_key, before)
