"""Rolling upgrade / restart of pacemaker_remote (playbooks/remote_nodes_upgrade.yml),
one node at a time: with nothing to upgrade nothing happens; a rolling restart
takes remote1 (connection disabled first, as the RHEL 8 guide says) and guest1
(graceful stop) out and back, leaves no failed action, and what the converge
playbook built shows no change afterwards.

Runs after the authkey tests (file order) on the converged lab."""

import re

import pytest
from remote_lab import (
    REMOTE_HOSTS,
    ROOT,
    cib_epoch,
    default_suite_only,
    crm_mon,
    lab,
    recap,
    run_playbook,
    wait_online,
)

pytestmark = default_suite_only

UPGRADE = ROOT / "playbooks" / "remote_nodes_upgrade.yml"
RESTART = "pacemaker_remote_upgrade_restart=true"


def started_at(host):
    """When pacemaker_remote last started (systemd's monotonic timestamp)."""
    return lab(host).check_output(
        "systemctl show -p ActiveEnterTimestampMonotonic --value pacemaker_remote"
    )


def where(resource):
    out = lab("node1").run("crm_resource --resource %s --locate" % resource).stdout
    return set(re.findall(r"running on: (\S+)", out))


@pytest.fixture(scope="module")
def before():
    assert wait_online(("node1", "node2") + REMOTE_HOSTS, timeout=120)
    return {
        "epoch": cib_epoch(),
        "started": {h: started_at(h) for h in REMOTE_HOSTS},
        "dummy": where("remote1-dummy"),
    }


def test_nothing_to_upgrade_changes_nothing(before):
    for check in (True, False):
        result = run_playbook(playbook=UPGRADE, check=check)
        assert result.returncode == 0, result.stdout[-3000:]
        counts = recap(result)
        assert set(counts) == set(REMOTE_HOSTS), counts
        assert all(c["changed"] == 0 for c in counts.values()), counts
    assert cib_epoch() == before["epoch"]
    assert {h: started_at(h) for h in REMOTE_HOSTS} == before["started"]


def test_check_mode_predicts_a_rolling_restart(before):
    result = run_playbook(RESTART, playbook=UPGRADE, check=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert all(c["changed"] >= 1 for c in recap(result).values()), recap(result)
    assert cib_epoch() == before["epoch"]
    assert {h: started_at(h) for h in REMOTE_HOSTS} == before["started"]


def test_rolling_restart_takes_each_node_out_and_back(before):
    result = run_playbook(RESTART, playbook=UPGRADE)
    assert result.returncode == 0, result.stdout[-3000:]
    out = result.stdout
    # one node at a time, remote1's connection disabled and given back
    assert out.index("[remote1]") < out.index("[guest1]")
    assert "Disable the remote node's connection" in out
    for h in REMOTE_HOSTS:
        assert started_at(h) != before["started"][h], h  # really restarted
    assert wait_online(("node1", "node2") + REMOTE_HOSTS, timeout=60)
    mon = crm_mon()
    assert not mon.findall("failures/failure"), [f.attrib for f in mon.iterfind("failures/failure")]
    assert where("remote1-dummy") == before["dummy"]
    # target-role went as it came (crm_resource --get-parameter exits 0 either way)
    target_role = "//primitive[@id='remote1']/meta_attributes/nvpair[@name='target-role']"
    assert lab("node1").run('cibadmin --query --xpath "%s"' % target_role).rc != 0
    verify = lab("node1").run("crm_verify --live-check")
    assert verify.rc == 0, verify.stdout + verify.stderr


def test_converge_after_the_restart_changes_nothing():
    before = cib_epoch()
    result = run_playbook()
    assert result.returncode == 0, result.stdout[-3000:]
    assert all(c["changed"] == 0 for c in recap(result).values()), recap(result)
    assert cib_epoch() == before
