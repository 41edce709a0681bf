"""Rolling upgrade / restart of pacemaker_remote (playbooks/remote_nodes_upgrade.yml),
one node at a time: with nothing to upgrade nothing happens; a rolling restart
takes remote1 (connection disabled first, as the RHEL 8 guide says) and guest1
(graceful stop) out and back, leaves no failed action, and what the converge
playbook built shows no change afterwards.

Runs after the authkey tests (file order) on the converged labkit."""

import pytest
from remote_lab import (
    ALL_HOSTS,
    GUEST,
    NODE,
    REMOTE,
    REMOTE_DUMMY,
    REMOTE_HOSTS,
    cib_epoch,
    crm_mon,
    default_suite_only,
    host,
    run_playbook,
    wait_online,
    where,
)

pytestmark = default_suite_only

UPGRADE = "remote_nodes_upgrade.yml"
RESTART = "pacemaker_remote_upgrade_restart=true"


def started_at(name):
    """When pacemaker_remote last started (systemd's monotonic timestamp)."""
    return host(name).check_output(
        "systemctl show -p ActiveEnterTimestampMonotonic --value pacemaker_remote"
    )


@pytest.fixture(scope="module")
def before():
    assert wait_online(ALL_HOSTS, timeout=120)
    return {
        "epoch": cib_epoch(),
        "started": {h: started_at(h) for h in REMOTE_HOSTS},
        "dummy": where(REMOTE_DUMMY),
    }


def test_nothing_to_upgrade_changes_nothing(before):
    for check in (True, False):
        result = run_playbook(playbook=UPGRADE, check=check)
        assert result.ok, result.tail()
        assert set(result.stats) == set(REMOTE_HOSTS), result.stats
        assert not any(result.changed().values()), result.changed()
    assert cib_epoch() == before["epoch"]
    assert {h: started_at(h) for h in REMOTE_HOSTS} == before["started"]


def test_check_mode_predicts_a_rolling_restart(before):
    result = run_playbook(RESTART, playbook=UPGRADE, check=True)
    assert result.ok, result.tail()
    assert all(n >= 1 for n in result.changed().values()), result.changed()
    assert cib_epoch() == before["epoch"]
    assert {h: started_at(h) for h in REMOTE_HOSTS} == before["started"]


def test_rolling_restart_takes_each_node_out_and_back(before):
    result = run_playbook(RESTART, playbook=UPGRADE)
    assert result.ok, result.tail()
    # one node at a time, the remote node's connection disabled and given back
    hosts = [h for _task, h in result.order()]
    assert hosts.index(REMOTE) < hosts.index(GUEST)
    assert any("Disable the remote node's connection" in t for t, _h in result.order())
    for h in REMOTE_HOSTS:
        assert started_at(h) != before["started"][h], h  # really restarted
    assert wait_online(ALL_HOSTS, timeout=60)
    mon = crm_mon()
    assert not mon.findall("failures/failure"), [f.attrib for f in mon.iterfind("failures/failure")]
    assert where(REMOTE_DUMMY) == before["dummy"]
    # target-role went as it came (crm_resource --get-parameter exits 0 either way)
    target_role = f"//primitive[@id='{REMOTE}']/meta_attributes/nvpair[@name='target-role']"
    assert host(NODE).run('cibadmin --query --xpath "%s"' % target_role).rc != 0
    verify = host(NODE).run("crm_verify --live-check")
    assert verify.rc == 0, verify.stdout + verify.stderr


def test_converge_after_the_restart_changes_nothing():
    before = cib_epoch()
    result = run_playbook()
    assert result.ok, result.tail()
    assert not any(result.changed().values()), result.changed()
    assert cib_epoch() == before
