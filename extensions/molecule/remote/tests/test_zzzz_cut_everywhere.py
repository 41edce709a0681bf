"""The interruption harness over remote_nodes.yml (issue 26): the run is cut
off (SIGKILL, as an AWX cancel, a job timeout or a lost controller does)
right after every task at which a change is pending, one cut per rerun
(labkit.cut_after_every_change), in the first converge on a lab reset to
what pcs made, in a port change, an authkey change (on the path of Pacemaker
3.0.2 and later, forced) and a removal of the nodes. After every cut the CIB
is valid; after
the run that gets through: every node online, every pacemaker-remoted on the
declared port, one key everywhere, no connection left stopped by the role,
no temporary file of the collection left, and a further run changes nothing.
With fencing on: a fence would fail the scenario (conftest.py).

Runs last (file order): its reset would take away what the tests before it set
up. The fences seen before the reset count (labkit.reset_lab)."""

import base64
import hashlib

import labkit
from remote_lab import (
    ALL_HOSTS,
    CLUSTER,
    INVENTORY,
    NODE,
    REMOTE_HOSTS,
    SELECTION,
    cib_ports,
    default_suite_only,
    fingerprints,
    maintenance_marker,
    port_rules,
    run_playbook,
    stale_daemons,
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
    # no port rule left for a port the daemons left (3121 is in the
    # high-availability service, 3122 a port rule of the role's)
    for h in REMOTE_HOSTS:
        assert port_rules(h) & {"3121/tcp", "3122/tcp"} <= {"%d/tcp" % port}, (h, port_rules(h))
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
    labkit.reset_lab(SELECTION, CLUSTER)
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


def test_node_removal_cut_after_every_change():
    """Removal of the remote and guest nodes (as test_zzy_removal) cut after
    every change: the rerun finishes it, the cluster keeps running and its
    key, and the nodes come back in one more run."""
    absent = ["pacemaker_remote_state=absent"]
    cluster_keys = fingerprints(CLUSTER)
    cuts = labkit.cut_after_every_change("remote_nodes.yml", INVENTORY, absent, after_cut=cib_valid)
    assert cuts, cuts
    names = set(labkit.online_nodes(NODE))
    assert set(CLUSTER) <= names and not set(REMOTE_HOSTS) & names, names
    cib_valid()
    for h in REMOTE_HOSTS:
        there = labkit.host(h)
        assert not there.service("pacemaker_remote").is_running, h
        assert not there.service("pacemaker_remote").is_enabled, h
        assert not there.file(labkit.AUTHKEY).exists, h
        assert labkit.sh(h, LEFTOVERS).strip() == "", h
    assert fingerprints(CLUSTER) == cluster_keys
    again = run_playbook(*absent)
    assert again.ok and not any(again.changed().values()), again.changed_tasks()
    back = run_playbook()
    assert back.ok, back.tail()
    converged(3121)


def test_authkey_change_cut_after_every_change():
    """A new key declared (pacemaker_remote_authkey with _replace), loaded
    the way Pacemaker 3.0.2 and later need it (_reload=restart: every daemon
    restarted under maintenance mode), cut after every change: the rerun
    finishes the reload, leaves no maintenance mode, and every daemon runs
    since the new key was written."""
    key = base64.b64encode(hashlib.sha512(b"hacluster.pacemaker harness").digest() * 8).decode()
    new_key = [
        "pacemaker_remote_authkey=" + key,
        "pacemaker_remote_authkey_replace=true",
        "pacemaker_remote_authkey_reload=restart",
    ]
    cuts = labkit.cut_after_every_change(
        "remote_nodes.yml", INVENTORY, new_key, after_cut=cib_valid
    )
    assert cuts, cuts
    wanted = hashlib.sha256(base64.b64decode(key)).hexdigest()
    assert fingerprints() == dict.fromkeys(ALL_HOSTS, wanted)
    assert stale_daemons() == dict.fromkeys(ALL_HOSTS, []), stale_daemons()
    assert not maintenance_marker()
    converged(3121, new_key)
