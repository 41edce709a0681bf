"""The interruption harness over remote_nodes.yml (issue 26): the run is cut
off (SIGKILL, as an AWX cancel, a job timeout or a lost controller does)
right after every task at which a change is pending, one cut per rerun
(labkit.cut_after_every_change), in the first converge on a lab reset to
what pcs made, and in a port change. After every cut the CIB is valid; after
the run that gets through: every node online, every pacemaker-remoted on the
declared port, one key everywhere, no connection left stopped by the role,
no temporary file of the collection left, and a further run changes nothing.
With fencing on: a fence would fail the scenario (conftest.py).

Runs last (file order): its reset would take away what the tests before it set
up. The fences seen before the reset count (labkit.reset_lab)."""

import labkit
from remote_lab import (
    ALL_HOSTS,
    CLUSTER,
    INVENTORY,
    NODE,
    REMOTE_HOSTS,
    cib_ports,
    default_suite_only,
    fingerprints,
    run_playbook,
    running_ports,
    wait_online,
)

pytestmark = [default_suite_only]
LEFTOVERS = (
    "find /etc/pacemaker /etc/default /tmp -maxdepth 1"
    " \\( -name '.authkey-*' -o -name '.pacemaker-*' -o -name 'hacluster-sim-*' \\) -print"
)
MARKER = "//nvpair[@name='hacluster-pacemaker-port-change']"


def cib_valid(task=None):
    labkit.cib_valid([NODE], task)


def converged(port, extra_vars=()):
    assert wait_online(ALL_HOSTS, timeout=240), labkit.online_nodes(NODE)
    assert running_ports() == dict.fromkeys(REMOTE_HOSTS, port)
    assert cib_ports() == dict.fromkeys(REMOTE_HOSTS, None if port == 3121 else port)
    keys = fingerprints()
    assert len(set(keys.values())) == 1 and all(keys.values()), keys
    cib_valid()
    rc, out, _err = labkit.run(NODE, ["cibadmin", "--query", "--xpath", MARKER], 30)
    assert rc == 105, ("a connection left stopped for a port change", out)
    for h in ALL_HOSTS:
        assert labkit.sh(h, LEFTOVERS).strip() == "", h
    again = run_playbook(*extra_vars)
    assert again.ok and not any(again.changed().values()), again.changed_tasks()


def test_first_converge_cut_after_every_change():
    labkit.reset_lab("remote", CLUSTER)
    cuts = labkit.cut_after_every_change("remote_nodes.yml", INVENTORY, after_cut=cib_valid)
    # how many depends on timing (a module the cut caught may finish on its
    # host): the key is always written in a first converge
    assert any(c.endswith("Install the authkey") for c in cuts), cuts
    converged(3121)


def test_port_change_cut_after_every_change():
    port = ["pacemaker_remote_port=3122"]
    cuts = labkit.cut_after_every_change("remote_nodes.yml", INVENTORY, port, after_cut=cib_valid)
    assert cuts, cuts
    converged(3122, port)
    # back in one run (test_zv_interrupted cuts that way too)
    back = run_playbook()
    assert back.ok, back.tail()
    converged(3121)
