"""Adopt what pcs built (by_hand.sh): the playbooks change nothing, restart
nothing, move nothing; then site A is lost and booth moves the ticket, and a
rerun does not fight booth. The tests run in file order.

Everything is read with `podman exec` (no Ansible, no collection code): what
the cluster admin would look at. The keys are never read, only hashed.
"""

import concurrent.futures
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tests"))
import labkit  # noqa: E402

REMOTE = labkit.inventory("remote")
GEO = labkit.inventory("geo", "adopt")  # adopt.yml layers a short ticket on geo.yml
CLUSTER_NODES = REMOTE.hosts("cluster_nodes")
REMOTE_HOSTS = REMOTE.hosts("remote_nodes") + REMOTE.hosts("guest_nodes")
SITE_A, SITE_B = GEO.hosts("geo_site_a")[0], GEO.hosts("geo_site_b")[0]
ARBITRATOR = GEO.hosts("geo_arbitrators")[0]
IP_A, IP_B = (GEO.var("booth_site_ip", s) for s in (SITE_A, SITE_B))
HOSTS = CLUSTER_NODES + REMOTE_HOSTS + (SITE_A, SITE_B, ARBITRATOR)
CIB_HOSTS = (CLUSTER_NODES[0], SITE_A, SITE_B)  # one node of each cluster
FILES = (
    labkit.AUTHKEY,
    labkit.BOOTH_CONF,
    "/etc/booth/booth.key",
    "/etc/corosync/corosync.conf",
    "/etc/default/pacemaker",
)
UNITS = ("corosync", "pacemaker", "pacemaker_remote", "pcsd", "firewalld", "booth@booth")
TICKET = GEO.var("booth_tickets")[0]["name"]
PLAYS = {"remote_nodes.yml": REMOTE, "geo_cluster.yml": GEO}


def sh(host, cmd, check=True):
    return labkit.sh(host, cmd, check=check)


def snapshot():
    """What must not change: per host its files (hash, mode, owner), its
    units' start times and PIDs, boothd's PID, its firewall; per cluster the
    CIB's version and every resource's operation history."""

    def one(host):
        state = {}
        for path in FILES:
            state[path] = sh(
                host, "stat -c '%%a %%U:%%G %%s' %s && sha256sum < %s" % (path, path), check=False
            )
        for unit in UNITS:
            state[unit] = sh(
                host,
                "systemctl show -p ActiveEnterTimestampMonotonic -p MainPID "
                "-p ActiveState %s" % unit,
            )
        state["boothd"] = sh(host, "pgrep -x boothd || true")
        state["firewall"] = sh(
            host, "firewall-cmd --list-all; firewall-cmd --permanent --list-all", check=False
        )
        if host in CIB_HOSTS:
            cib = labkit.cib(host)
            state["cib"] = {k: cib.get(k) for k in ("admin_epoch", "epoch")}
            state["operations"] = sorted(
                (op.get("on_node", ""), op.get("id"), op.get("call-id"), op.get("rc-code"))
                for op in cib.iter("lrm_rsc_op")
            )
            state["placement"] = sh(
                host,
                "crm_mon -1 --inactive --output-as=xml | "
                "grep -o '<resource id=[^>]*>\\|<node name=[^>]*/>' || true",
            )
        return host, state

    with concurrent.futures.ThreadPoolExecutor(len(HOSTS)) as pool:
        return dict(pool.map(one, HOSTS))


def play(name):
    """Run a playbook on its inventory: per-host changed counts, the changed
    tasks and the module warnings (the JSON callback)."""
    result = labkit.play(name, PLAYS[name])
    assert result.ok, result.tail(6000)
    return result.changed(), result.changed_tasks(), result.warnings()


@pytest.fixture(scope="module")
def before():
    return snapshot()


def test_pcs_built_everything(before):
    """The starting point really is what pcs built, not ours."""
    node = CLUSTER_NODES[0]
    assert "reconnect_interval" in sh(node, "cibadmin --query --scope resources | grep remote1")
    assert before[node][labkit.AUTHKEY].startswith("400 hacluster:haclient 256")
    assert labkit.ticket_granted(SITE_A, TICKET)


@pytest.mark.parametrize("name", list(PLAYS))
def test_playbook_changes_nothing(before, name):
    recap, changed, warnings = play(name)
    assert recap and set(recap.values()) == {0} and not changed, (recap, changed)
    assert not warnings


def test_nothing_restarted_or_rewritten(before):
    after = snapshot()
    diffs = {
        (h, k): (before[h][k], after[h][k])
        for h in HOSTS
        for k in before[h]
        if before[h][k] != after[h][k]
    }
    assert not diffs, diffs


# ---- losing site A ------------------------------------------------------------


def granted(site):
    """The ticket in the site's CIB: True/False, None when crm_ticket gave no answer."""
    return labkit.ticket_granted(site, TICKET)


def booth_leader(member):
    """The leader booth names at a member (None: nobody, or no answer)."""
    return labkit.leader(member, TICKET)


# what each kind of read asks
READ_KINDS = {"cib": granted, "booth": booth_leader}


class Sampler(threading.Thread):
    """Every second, side by side: the ticket in each site's CIB and whom
    booth names the leader at each member. Each read keeps its own time
    window: the five reads of one sample are not one instant."""

    READS = [("cib", s) for s in (SITE_A, SITE_B)] + [
        ("booth", m) for m in (SITE_A, SITE_B, ARBITRATOR)
    ]

    def __init__(self):
        super().__init__(daemon=True)
        self.samples, self.done = [], threading.Event()

    @staticmethod
    def one(what):
        """One read and its own time window: (start, end, value)."""
        start = time.time()
        value = READ_KINDS[what[0]](what[1])
        return what, (start, time.time(), value)

    def run(self):
        with concurrent.futures.ThreadPoolExecutor(len(self.READS)) as pool:
            while not self.done.is_set():
                start = time.monotonic()
                self.samples.append(dict(pool.map(self.one, self.READS)))
                self.done.wait(max(0.0, 1 - (time.monotonic() - start)))

    def stop(self):
        self.done.set()
        self.join()
        return self.samples


def held(reads):
    """The intervals in which a site surely held something, from its reads
    (start, end, held) in time order. A read shows one instant somewhere in
    its window, and a handover takes booth well under a second, so one
    positive read beside another site's proves nothing: a sample straddling
    the handover shows both (seen in CI, and here in 1 of 4 runs). Two
    positive reads in a row bound an interval, from the end of the first to
    the start of the last, given that a holder does not flap within a second;
    a real double grant lasts until booth notices, a lease renewal
    (expire / 2 = 15 s) at the least."""
    intervals, run = [], []
    for start, end, value in list(reads) + [(None, None, False)]:
        if value:
            run.append((start, end))
            continue
        if len(run) >= 2:
            intervals.append((run[0][1], run[-1][0]))
        run = []
    return intervals


def overlaps(first, second):
    return [(a, b) for a in first for b in second if max(a[0], b[0]) < min(a[1], b[1])]


@pytest.fixture(scope="module")
def sampler():
    s = Sampler()
    s.start()
    yield s
    s.stop()


def wait(predicate, timeout, what):
    assert labkit.wait_until(predicate, timeout, interval=1), "timeout (%d s) waiting for %s" % (
        timeout,
        what,
    )


def test_site_a_lost_ticket_goes_to_b(sampler):
    subprocess.run(["podman", "stop", "-t", "0", SITE_A], check=True, capture_output=True)
    wait(
        lambda: booth_leader(SITE_B) == IP_B and granted(SITE_B),
        240,
        "booth to grant the ticket to site B",
    )


def test_site_a_back_rerun_leaves_ticket_at_b(sampler):
    subprocess.run(["podman", "start", SITE_A], check=True, capture_output=True)
    wait(
        lambda: (
            sh(SITE_A, "systemctl is-system-running", check=False).strip()
            in ("running", "degraded")
        ),
        180,
        "systemd in sitea1",
    )
    # the admin starts the cluster again (pcs cluster start, as the guide does)
    sh(SITE_A, "pcs cluster start --wait=180")
    wait(lambda: booth_leader(SITE_A) == IP_B, 240, "booth at site A to see the leader B")
    recap, changed, warnings = play("geo_cluster.yml")
    assert recap and set(recap.values()) == {0} and not changed, (recap, changed)
    # the inventory still asks for the grant at A: the module says where it is
    assert any("held by site %s" % IP_B in w for w in warnings), warnings
    assert booth_leader(SITE_A) == booth_leader(SITE_B) == IP_B
    assert granted(SITE_B) and not granted(SITE_A)


def test_explicit_move_back_to_a(sampler):
    """booth_ticket move=true: revoke at B, grant at A, in one task (move.yml)."""
    result = labkit.play(Path(__file__).parents[1] / "move.yml", "geo")
    assert result.ok, result.tail(6000)
    wait(lambda: resource_role(SITE_A) == "Started", 60, "apache to start at site A")
    assert resource_role(SITE_B) == "Stopped"
    assert booth_leader(SITE_B) == booth_leader(ARBITRATOR) == IP_A


def resource_role(site):
    return "Started" if labkit.where(site, GEO.var("geo_demo_resource")) else "Stopped"


def test_never_granted_at_two_sites(sampler):
    time.sleep(3)  # a few samples of the end state: A holds it again
    samples = sampler.stop()
    lines = []
    for sample in samples:
        first = min(r[0] for r in sample.values())
        span = max(r[1] for r in sample.values()) - first
        values = {"%s %s" % what: r[2] for what, r in sample.items()}
        lines.append((clock(first), values, span))
    changes = [line for i, line in enumerate(lines) if i == 0 or line[1] != lines[i - 1][1]]
    timeline = "\n".join("%s (reads over %.1f s) %s" % (t, span, v) for t, v, span in changes)
    (labkit.ROOT / ".build").mkdir(exist_ok=True)
    (labkit.ROOT / ".build" / "adopt-failover-timeline.txt").write_text(timeline + "\n")
    print("%d samples, %d changes:\n%s" % (len(samples), len(changes), timeline))

    ip = {SITE_A: IP_A, SITE_B: IP_B}
    cib = {s: held(x[("cib", s)] for x in samples) for s in ip}
    # a site whose booth names itself the leader holds the ticket in booth;
    # the other members' views lag by a message, which is how booth works
    lead = {
        s: held((r[0], r[1], r[2] == ip[s]) for r in (x[("booth", s)] for x in samples)) for s in ip
    }
    shown = {
        what: {s: ["%s-%s" % (clock(a), clock(b)) for a, b in v] for s, v in d.items()}
        for what, d in (("granted in the CIB", cib), ("booth leader", lead))
    }
    # not vacuous: the sampler saw each site hold the ticket, in CIB and booth
    assert all(cib.values()) and all(lead.values()), (shown, timeline)
    assert not overlaps(*cib.values()), ("granted in both CIBs", shown, timeline)
    assert not overlaps(*lead.values()), ("two booth leaders", shown, timeline)


def clock(t):
    return "%s.%d" % (time.strftime("%H:%M:%S", time.localtime(t)), t % 1 * 10)
