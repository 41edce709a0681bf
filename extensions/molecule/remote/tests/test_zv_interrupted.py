"""changed=0 must mean the cluster runs what was declared (issue 26): a run
cut off right after it wrote a new pacemaker_remote port (SIGKILL, as an AWX
cancel or a lost controller) is finished by the rerun, which restarts the
daemons that still listen on the old port; and going back to the default
port converges too, even when cut right after a daemon moved (the CIB
forgets the port, as pcs leaves it unset, and the port left is closed: the
role closes it before the daemon leaves it, so no cut forgets it).

Runs after test_remote.py (file order) on the converged lab, and leaves it
as the converge made it."""

import labkit
import pytest
from remote_lab import (
    ALL_HOSTS,
    INVENTORY,
    NODE,
    REMOTE_HOSTS,
    cib_ports,
    default_suite_only,
    port_rules,
    run_playbook,
    running_ports,
    wait_online,
)

pytestmark = [default_suite_only]
OTHER_PORT = 3122
ENV_FILE = "/etc/default/pacemaker"


@pytest.fixture(scope="module", autouse=True)
def resources_on_the_nodes():
    """A resource runs on each remote and guest node while its port changes
    (what remote nodes are for): the change must move it away and back
    cleanly, never leave it blocked on a node the cluster cannot reach (with
    fencing on, that node would be fenced: fence_guard fails the scenario)."""
    placed = {h: "zv-on-%s" % h for h in REMOTE_HOSTS}
    for h, rsc in placed.items():
        labkit.sh(NODE, "pcs resource create %s ocf:pacemaker:Dummy op monitor interval=10s" % rsc)
        labkit.sh(NODE, "pcs constraint location %s prefers %s=100" % (rsc, h))
    assert labkit.wait_until(lambda: all(labkit.where(NODE, r) == {h} for h, r in placed.items()))
    yield placed
    for rsc in placed.values():
        labkit.sh(NODE, "pcs resource delete %s" % rsc, timeout=120)


def converged(port):
    result = run_playbook("pacemaker_remote_port=%d" % port)
    assert result.ok, result.tail()
    assert running_ports() == dict.fromkeys(REMOTE_HOSTS, port)
    assert wait_online(ALL_HOSTS, timeout=180)
    for h in REMOTE_HOSTS:  # back where they prefer to run
        assert labkit.wait_until(
            lambda h=h: labkit.where(NODE, "zv-on-%s" % h) == {h}, timeout=120
        ), h
    again = run_playbook("pacemaker_remote_port=%d" % port)
    assert again.ok and not any(again.changed().values()), again.changed()
    return result


def test_port_change_cut_off_after_the_write_is_finished_by_the_rerun():
    out = labkit.play_interrupted(
        "remote_nodes.yml",
        INVENTORY,
        "Set a non-default pacemaker_remote port",
        ["pacemaker_remote_port=%d" % OTHER_PORT],
    )
    written = {
        h: labkit.sh(h, "grep -s '^PCMK_remote_port=' %s || true" % ENV_FILE) for h in REMOTE_HOSTS
    }
    assert any(str(OTHER_PORT) in v for v in written.values()), (written, out[-3000:])
    # what the bug left: the file says 3122, the daemons still listen on 3121
    assert set(running_ports().values()) == {3121}

    converged(OTHER_PORT)
    assert cib_ports() == dict.fromkeys(REMOTE_HOSTS, OTHER_PORT)


def test_back_to_the_default_port_converges():
    assert all("%d/tcp" % OTHER_PORT in port_rules(h) for h in REMOTE_HOSTS)
    # cut where the old order (restart, then close) forgot the port it left
    labkit.play_interrupted(
        "remote_nodes.yml", INVENTORY, "Restart pacemaker_remote on the declared port"
    )
    converged(3121)
    assert not any("%d/tcp" % OTHER_PORT in port_rules(h) for h in REMOTE_HOSTS), {
        h: port_rules(h) for h in REMOTE_HOSTS
    }
    # the default is no port in the CIB, as pcs writes it
    assert cib_ports() == dict.fromkeys(REMOTE_HOSTS, None)
    for h in REMOTE_HOSTS:
        assert (
            labkit.sh(h, "grep -s '^[[:space:]]*PCMK_remote_port=' %s || true" % ENV_FILE).strip()
            == ""
        ), h
