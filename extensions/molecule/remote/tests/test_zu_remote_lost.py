"""A remote node lost without warning (pacemaker-remoted killed, as in a
crash): with fencing on (the lab's lab-fence device), Pacemaker must fence the
node before it recovers what ran there, then reconnect once the daemon is
back; the playbook's rerun changes nothing. The fence is asserted here and
announced to the scenario's fence check (labkit.expect_fence), which fails on
any other.

Runs after test_remote.py (file order) on the converged lab."""

import labkit
from remote_lab import INVENTORY, NODE, run_playbook, wait_online

LOST = INVENTORY.hosts("remote_nodes")[0]
RESOURCE = "zu-on-%s" % LOST


def fences_of(target):
    return [e for e in labkit.fence_history(NODE) if e.get("target") == target]


def test_a_crashed_remote_node_is_fenced_and_comes_back():
    labkit.sh(NODE, "pcs resource create %s ocf:pacemaker:Dummy op monitor interval=10s" % RESOURCE)
    labkit.sh(NODE, "pcs constraint location %s prefers %s=100" % (RESOURCE, LOST))
    try:
        assert labkit.wait_until(lambda: labkit.where(NODE, RESOURCE) == {LOST}, 120)
        before = len(fences_of(LOST))
        labkit.expect_fence(LOST)
        labkit.sh(LOST, "systemctl kill --signal=KILL pacemaker_remote")
        assert labkit.wait_until(
            lambda: [e for e in fences_of(LOST)[before:] if e.get("status") == "success"], 180
        ), labkit.fence_history(NODE)
        # what ran there is recovered, and the node comes back (systemd
        # restarts the daemon, the cluster reconnects at reconnect_interval)
        assert wait_online([LOST], timeout=240), labkit.online_nodes(NODE)
        assert labkit.wait_until(lambda: labkit.where(NODE, RESOURCE) == {LOST}, 120)
        again = run_playbook()
        assert again.ok and not any(again.changed().values()), again.changed_tasks()
    finally:
        labkit.sh(NODE, "pcs resource delete %s" % RESOURCE, timeout=120)
