"""The lab test kit: what every lab scenario (extensions/molecule/*/tests) and
the benchmarks need, in one place.

- Hosts, groups and addresses come from the lab inventories (lab/inventory.yml
  has every host with its ``lab_ip``; lab/inventory/*.yml the scenarios'
  groups and variables), read once through ``ansible-inventory``.
- Playbooks and modules run on Ansible's JSON callback: no PLAY RECAP text.
- crm_mon and ``booth list`` are read with the collection's own parsers
  (``_status.Monitor``, ``_booth.Client``) in the containers, entered with
  nsenter as the lab's connection does (hacluster.lab.nsenter: a tenth of
  the CPU of ``podman exec``, which matters in two-second polls).
- One ``wait_until`` on the monotonic clock.

Secrets are never read here: keys only by their SHA-256.
"""

import contextlib
import datetime
import functools
import json
import os
import resource
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INVENTORY_DIR = ROOT / "lab" / "inventory"
COLLECTIONS = ROOT / ".build" / "collections"
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

from ansible_collections.hacluster.lab.plugins.plugin_utils import nsenter  # noqa: E402
from ansible_collections.hacluster.pacemaker.plugins.module_utils import (  # noqa: E402
    _booth,
    _cib,
    _status,
)

BOOTH_CONF = "/etc/booth/booth.conf"
AUTHKEY = "/etc/pacemaker/authkey"
# systemd waits up to DefaultTimeoutStopSec (90 s) for a unit to stop, and on a
# loaded machine a stop that ends well may take most of it: a bound on a test's
# own systemctl start/stop sits above systemd's
SYSTEMCTL_TIMEOUT = 200


def env(**extra):
    """The environment of every Ansible and podman call: this checkout's
    collection, the lab's containers.conf, no colour (molecule forces it)."""
    e = dict(os.environ)
    e["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join(
        filter(None, [str(COLLECTIONS), e.get("ANSIBLE_COLLECTIONS_PATH")])
    )
    e.setdefault("CONTAINERS_CONF", str(ROOT / "lab" / "containers.conf"))
    e.update(ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    e.update(extra)
    return e


# ---- what the tests cost ------------------------------------------------------------
# CI is CPU-bound on two cores (docs/testing.md): each test's wall time and
# CPU (pytest's own and its children's: ansible-playbook and its workers, the
# modules and commands run in the containers through nsenter) go to
# .build/lab-logs/costs.jsonl, by kind of call, and lab/test.sh sums them up
# (scripts/lab-costs.py). The containers' own daemons are not in it: about a
# tenth of the lab's CPU (measured in session 21).

COSTS = ROOT / ".build" / "lab-logs" / "costs.jsonl"
_spent = {}  # kind -> [calls, wall, cpu] within the current test


def _cpu(who):
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


_calls = {"running": 0, "started": 0}  # calls in flight, calls started so far
_calls_lock = threading.Lock()


@contextlib.contextmanager
def _spend(kind):
    """Count a call and its children's CPU under kind (children are counted
    once waited for, as subprocess.run and Popen.wait do). A call that ran
    beside another (tests that sample in threads) is counted without its CPU:
    the process's children's CPU cannot be told apart then, and it stays in
    the test's total."""
    with _calls_lock:
        alone = _calls["running"] == 0
        _calls["running"] += 1
        _calls["started"] += 1
        mine = _calls["started"]
    wall, cpu = time.monotonic(), _cpu(resource.RUSAGE_CHILDREN)
    try:
        yield
    finally:
        with _calls_lock:
            _calls["running"] -= 1
            alone = alone and _calls["started"] == mine
            spent = _spent.setdefault(kind, [0, 0.0, 0.0])
            spent[0] += 1
            spent[1] += time.monotonic() - wall
            if alone:
                spent[2] += _cpu(resource.RUSAGE_CHILDREN) - cpu


def costs_hook():
    """The scenarios' conftests' pytest_runtest_protocol: one line per test
    (setup, call and teardown) in COSTS."""
    import pytest

    return pytest.hookimpl(hookwrapper=True)(_account_costs)


def _account_costs(item, nextitem):
    _spent.clear()
    wall = time.monotonic()
    cpu = _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
    yield
    line = {
        "run": os.environ.get("LAB_RUN", "manual"),
        "test": item.nodeid,
        "wall": round(time.monotonic() - wall, 1),
        "cpu": round(_cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - cpu, 1),
        "kinds": {k: [v[0], round(v[1], 1), round(v[2], 1)] for k, v in _spent.items()},
    }
    COSTS.parent.mkdir(parents=True, exist_ok=True)
    with COSTS.open("a") as f:
        f.write(json.dumps(line) + "\n")


# ---- inventories ---------------------------------------------------------------


def inventory_path(name):
    """lab/inventory/NAME.yml, or NAME itself when it is a path."""
    path = Path(name)
    return path if path.suffix else INVENTORY_DIR / (name + ".yml")


class Inventory:
    """What ``ansible-inventory --list`` says of one or more inventory files."""

    def __init__(self, *names):
        self.paths = [inventory_path(n) for n in names]
        cmd = ["ansible-inventory", "--list"]
        for p in self.paths:
            cmd += ["-i", str(p)]
        out = subprocess.run(cmd, env=env(), capture_output=True, text=True, check=True)
        self.data = json.loads(out.stdout)

    def args(self):
        return [a for p in self.paths for a in ("-i", str(p))]

    def hosts(self, group="all"):
        """The hosts of a group and its children, in inventory order."""
        found, todo = [], [group]
        while todo:
            g = self.data.get(todo.pop(0), {})
            found += [h for h in g.get("hosts", []) if h not in found]
            todo += g.get("children", [])
        return tuple(found)

    def vars(self, host):
        return self.data["_meta"]["hostvars"].get(host, {})

    def var(self, name, host=None):
        """A variable of a host (default: the first host that has it)."""
        hosts = [host] if host else self.hosts()
        for h in hosts:
            if name in self.vars(h):
                return self.vars(h)[name]
        raise KeyError(name)


@functools.cache
def inventory(*names):
    return Inventory(*names)


def _inventory(which):
    """An Inventory from an Inventory, an inventory name or a tuple of names."""
    if isinstance(which, Inventory):
        return which
    return inventory(*which) if isinstance(which, (tuple, list)) else inventory(which)


@functools.cache
def lab_ip(name):
    """A lab host's address (lab/inventory.yml, which mirrors lab/lib.sh)."""
    return inventory(str(ROOT / "lab" / "inventory.yml")).vars(name)["lab_ip"]


def lab_vip(name):
    """A floating address kept free in the lab (lab_vips in lab/inventory.yml)."""
    return inventory(str(ROOT / "lab" / "inventory.yml")).var("lab_vips")[name]


def default_suite_only():
    """A pytest mark: the operations whose lab time is long run on the default
    suite only; the older suites (LAB_SUITE=bookworm, bullseye) repeat the
    converge and the node-level checks."""
    import pytest

    return pytest.mark.skipif(
        os.environ.get("LAB_SUITE") not in (None, ""),
        reason="runs on the default lab suite only (CI time)",
    )


# ---- hosts -----------------------------------------------------------------------


def target(name):
    """The container's nsenter target, looked up again after a restart."""
    return nsenter.cached(name, env())


@functools.cache
def host(name):
    """The testinfra host of a lab container (no Ansible round)."""
    import shlex

    import testinfra.host
    from testinfra.backend.podman import PodmanBackend

    class Backend(PodmanBackend):
        def run(self, command, *args, **kwargs):
            cmd = self.get_command(command, *args)
            with _spend("command"):
                out = self.run_local(shlex.join(target(self.name).argv(["/bin/sh", "-c", cmd])))
            out.command = self.encode(cmd)
            return out

    return testinfra.host.Host(Backend(name))


def run(name, argv, timeout=60):
    """(rc, stdout, stderr) of a command in a container, bounded in time
    (rc 124 when it did not end in time)."""
    try:
        with _spend("command"):
            proc = subprocess.run(
                target(name).argv(argv),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
    except nsenter.ContainerNotRunning as e:
        return 125, "", str(e)
    except subprocess.TimeoutExpired:
        return 124, "", "no answer within %d s" % timeout
    return proc.returncode, proc.stdout, proc.stderr


def sh(name, script, check=True, timeout=60):
    """stdout of a shell script in a container; fails the test when it fails."""
    rc, out, err = run(name, ["sh", "-c", script], timeout)
    if check:
        assert rc == 0, (name, script, rc, out, err)
    return out


_CONNECT = (
    "import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 5).close()"
)


def connects(name, address, port):
    """Whether a TCP connection from a lab host to address:port is accepted."""
    return run(name, ["python3", "-c", _CONNECT, address, str(port)], 30)[0] == 0


def firewall_zone(name, zone=None):
    """{runtime|permanent: {services, ports, rich_rules}} of a zone (default:
    the default zone) as firewall-cmd lists it."""
    out = {}
    for where, flag in (("runtime", ""), ("permanent", " --permanent")):
        flag += " --zone=%s" % zone if zone else ""
        out[where] = {
            "services": sh(name, "firewall-cmd%s --list-services" % flag).split(),
            "ports": sh(name, "firewall-cmd%s --list-ports" % flag).split(),
            "rich_rules": [
                r
                for r in sh(name, "firewall-cmd%s --list-rich-rules" % flag).splitlines()
                if r.strip()
            ],
        }
    return out


def rich_sources(rich_rules):
    """The sorted source addresses of rich rules."""
    return sorted({r.split('address="')[1].split('"')[0] for r in rich_rules if 'address="' in r})


def fingerprints(hosts, path=AUTHKEY):
    """{host: SHA-256 of the file}; the file itself is never read here."""
    return {h: sh(h, "sha256sum %s" % path).split()[0] for h in hosts}


def wait_until(predicate, timeout=180, interval=2, ignore=(AssertionError,)):
    """Call predicate until it returns something true or the time is up;
    return its last value. Exceptions in ``ignore`` count as None."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except ignore:
            value = None
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


# ---- playbooks and modules ---------------------------------------------------------


class PlayResult:
    """One ansible-playbook run, read from the JSON callback."""

    def __init__(self, proc, wall):
        self.rc, self.stdout, self.stderr, self.wall = (
            proc.returncode,
            proc.stdout,
            proc.stderr,
            wall,
        )
        try:
            self.report = json.loads(proc.stdout[proc.stdout.index("{") :])
        except ValueError:
            self.report = {"plays": [], "stats": {}}
        self.stats = self.report.get("stats", {})

    @property
    def ok(self):
        return self.rc == 0

    @property
    def output(self):
        return self.stdout + self.stderr

    def changed(self):
        """{host: number of changed tasks}."""
        return {h: s.get("changed", 0) for h, s in self.stats.items()}

    def rounds(self):
        """{host: number of tasks that ran for it} (ok counts changed ones too)."""
        return {h: s.get("ok", 0) for h, s in self.stats.items()}

    def results(self):
        """(task name, host, result) of every task result, in order."""
        for p in self.report.get("plays", []):
            for task in p.get("tasks", []):
                for h, result in task.get("hosts", {}).items():
                    yield task["task"]["name"], h, result

    def changed_tasks(self):
        return [(t, h) for t, h, r in self.results() if r.get("changed")]

    def warnings(self):
        return [w for _t, _h, r in self.results() for w in r.get("warnings", [])]

    def failed_messages(self):
        return [str(r.get("msg", "")) for _t, _h, r in self.results() if r.get("failed")]

    def order(self):
        """(task name, host) in the order they ran."""
        return [(t, h) for t, h, _r in self.results()]

    def durations(self):
        """Seconds of each task, in order (the callback's start and end stamps):
        what a benchmark times, without ansible-playbook's start-up."""
        spans = [t["task"]["duration"] for p in self.report.get("plays", []) for t in p["tasks"]]
        return [_seconds(d["end"]) - _seconds(d["start"]) for d in spans]

    def tail(self, n=4000):
        return self.stdout[-n:] + self.stderr[-2000:]


def _seconds(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def _playbook_command(playbook, inventories, extra_vars):
    """ansible-playbook's argv: a playbook (a path, or a name under
    playbooks/) on lab inventories, extra_vars as "k=v" strings, dicts or @files."""
    path = Path(playbook)
    if not path.is_absolute():
        path = ROOT / "playbooks" / playbook
    cmd = ["ansible-playbook", *_inventory(inventories).args(), str(path)]
    for ev in extra_vars:
        cmd += ["-e", json.dumps(ev) if isinstance(ev, dict) else ev]
    return cmd


def play(playbook, inventories, extra_vars=(), check=False, args=(), timeout=3600):
    """Run a playbook (a path, or a name under playbooks/) on lab inventories
    (Inventory or names); extra_vars: "k=v" strings, dicts or @files."""
    cmd = _playbook_command(playbook, inventories, extra_vars) + list(args)
    if check:
        cmd.append("--check")
    start = time.monotonic()
    with _spend("playbook --check" if check else "playbook"):
        proc = subprocess.run(
            cmd,
            env=env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json"),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    return PlayResult(proc, time.monotonic() - start)


def _play_cut(playbook, inventories, cut_after, extra_vars=(), timeout=1800):
    """Run a playbook and kill it the way an AWX cancel, a job timeout or a
    lost controller does (SIGKILL to ansible-playbook and its workers) as soon
    as a task for which ``cut_after(task, changed)`` is true has finished on
    every host (when the next task, handler or the recap starts). Returns
    (the task cut after or None when the run ended by itself, its return
    code, the output)."""
    import signal

    proc = subprocess.Popen(
        _playbook_command(playbook, inventories, extra_vars),
        env=env(ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default"),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines, task, changed, cut = [], None, False, None
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        lines.append(line)
        if line.startswith(("TASK [", "RUNNING HANDLER [", "PLAY RECAP")):
            if task is not None and cut_after(task, changed):
                cut = task
                os.killpg(proc.pid, signal.SIGKILL)
                break
            task = line.split("[", 1)[1].rsplit("]", 1)[0] if "[" in line else None
            changed = False
        elif line.startswith("changed: "):
            changed = True
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise AssertionError("no cut within %d s:\n%s" % (timeout, "".join(lines[-60:])))
    proc.wait()
    return cut, proc.returncode, "".join(lines)


def play_interrupted(playbook, inventories, after_task, extra_vars=(), timeout=1800):
    """Run a playbook and cut it off (SIGKILL) right after the first task
    whose name contains ``after_task``. Returns the output up to then; fails
    the test when the task never ran."""
    with _spend("playbook, cut off"):
        cut, _rc, out = _play_cut(
            playbook, inventories, lambda task, _changed: after_task in task, extra_vars, timeout
        )
    assert cut, "task '%s' never ran, or the run ended before it could be cut:\n%s" % (
        after_task,
        out[-4000:],
    )
    return out


def cib_valid(nodes, task=None, timeout=180):
    """crm_verify --live-check passes on each node (one per cluster); task
    names the cut it follows, for the message. A cut may leave the node's
    own pacemaker restarting (the key reload restarts each cluster node, then
    waits for it in a task of its own): the check waits, bounded, for the
    node to answer; a configuration that is invalid stays invalid."""
    for node in nodes:
        last = []
        valid = functools.partial(_verified, node, last)
        assert wait_until(valid, timeout), ("crm_verify after the cut", task, node) + tuple(last)


def _verified(node, last):
    """crm_verify --live-check on node passes; its (rc, out, err) in last."""
    last[:] = run(node, ["crm_verify", "--live-check"], 60)
    return last[0] == 0


def _masked(extra_var):
    """An extra var as the record shows it: the value of a key (authkey,
    booth_key_b64) never written to a log, even a lab's."""
    secret = ("pacemaker_remote_authkey", "booth_key_b64")
    if isinstance(extra_var, dict):
        return {k: "<masked>" if k in secret else v for k, v in extra_var.items()}
    name, sep, value = str(extra_var).partition("=")
    return name + sep + ("<masked>" if name in secret else value)


def cut_after_every_change(playbook, inventories, extra_vars=(), after_cut=None, limit=60):
    """The interruption harness. Runs the playbook and cuts it off (SIGKILL)
    right after the first task that changed something on some host; reruns it
    and cuts it after the first changed task not cut after yet; and so on,
    until a run gets through to its end, which must succeed. So every task
    at which a change is pending is a cut-off point once, each in the state
    the cuts before it left, as after an AWX cancel and a rerun. after_cut(task)
    runs after each cut (a check of what must hold even then). Returns the
    tasks cut after, in order."""
    cuts = []
    record = ROOT / ".build" / "lab-logs" / "cut-points.jsonl"  # figures for docs/reliability.md
    record.parent.mkdir(parents=True, exist_ok=True)
    while len(cuts) < limit:
        with _spend("playbook, cut off (harness)"):
            cut, rc, out = _play_cut(
                playbook,
                inventories,
                lambda task, changed: changed and task not in cuts,
                extra_vars,
            )
        if cut is None:
            with record.open("a") as f:
                f.write(
                    json.dumps(
                        {
                            "playbook": str(playbook),
                            "extra_vars": [_masked(e) for e in extra_vars],
                            "suite": os.environ.get("LAB_SUITE", "default"),
                            "cuts": cuts,
                        }
                    )
                    + "\n"
                )
            assert rc == 0, "the run after the cuts %s failed:\n%s" % (cuts, out[-6000:])
            return cuts
        cuts.append(cut)
        if after_cut:
            after_cut(cut)
    raise AssertionError("more than %d cut-off points: %s" % (limit, cuts))


def reset_lab(selection, cluster_nodes):
    """The lab selection back to what lab/up.sh made (lab/reset.sh), and
    handed out again by up.sh, which also boots anew what a failed reset
    removed: the scenario's own destroy resets it again. A reset restarts the
    clusters, which forgets their fence history: the fences no test expected
    so far are kept for fence_guard first."""
    _fences_before_reset.extend(unprovoked_fences(cluster_nodes))
    with _spend("lab reset"):
        for script in ("lab/reset.sh", "lab/up.sh"):
            subprocess.run(
                ["bash", script, selection], cwd=ROOT, env=env(), check=True, timeout=900
            )


def module(inventories, target, module_name, args, check=False, extra_vars=None):
    """One module task on one host (ansible ad-hoc, JSON callback): its result."""
    return modules(inventories, [target], module_name, args, check, extra_vars)[target]


def modules(inventories, targets, module_name, args, check=False, extra_vars=None):
    """One module task on several hosts in one ad-hoc run, side by side as a
    play's task runs: {host: its result}. One run instead of one per host:
    ansible's start-up is most of an ad-hoc run's CPU (docs/testing.md)."""
    inv = _inventory(inventories)
    cmd = ["ansible", *inv.args(), ":".join(targets), "-m", module_name]
    if args:  # '{}' would be taken for free-form parameters
        cmd += ["-a", json.dumps(args)]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if check:
        cmd.append("--check")
    with _spend("module (ansible ad-hoc)"):
        proc = subprocess.run(
            cmd,
            env=env(
                ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json"
            ),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    data = json.loads(proc.stdout[proc.stdout.index("{") :])
    hosts = data["plays"][0]["tasks"][0]["hosts"]
    assert set(hosts) == set(targets), (targets, proc.stdout[-2000:], proc.stderr[-2000:])
    return hosts


# ---- cluster state, with the collection's own readers -------------------------------


def daemons(inventories, hosts, *specs):
    """host_info's view of daemons on each of hosts, as the roles read it:
    {host: {name: {running, pid, started, stale_files, env}}}; specs as the
    module's ``daemons`` option. One ad-hoc run for all the hosts."""
    got = modules(inventories, hosts, "hacluster.pacemaker.host_info", {"daemons": list(specs)})
    assert not any(r.get("failed") or r.get("unreachable") for r in got.values()), got
    return {h: result["daemons"] for h, result in got.items()}


def crm_mon_xml(name):
    return sh(name, " ".join(_status.CRM_MON))


def monitor(name):
    """crm_mon at a host, parsed by the collection (_status.Monitor)."""
    return _status.Monitor.parse(crm_mon_xml(name))


def online_nodes(name):
    return {n for n, v in monitor(name).nodes.items() if v["online"]}


def wait_online(name, nodes, timeout=180):
    """True once every node is online at a host; when the time is up, an
    AssertionError whose first line (all a CI summary keeps) says what the
    cluster shows instead."""
    if wait_until(lambda: set(nodes) <= online_nodes(name), timeout):
        return True
    raise AssertionError(
        "not online within %ds: %s; %s" % (timeout, sorted(set(nodes)), status_line(name))
    )


def status_line(name):
    """crm_mon at a host in one line: nodes and their state, resources not
    running, failed actions."""
    try:
        root = ET.fromstring(crm_mon_xml(name))
    except Exception as exc:  # noqa: BLE001 - a diagnosis must not hide the failure
        return "crm_mon at %s: %s" % (name, str(exc).splitlines()[0] if str(exc) else exc)
    nodes = [
        "%s=%s"
        % (
            n.get("name"),
            ",".join(
                k
                for k in ("online", "standby", "maintenance", "unclean", "pending")
                if n.get(k) == "true"
            )
            or "offline",
        )
        for n in root.iterfind("nodes/node")
    ]
    stopped = sorted({r.get("id") for r in root.iter("resource") if r.get("active") != "true"})
    failed = [
        "%s %s on %s: %s" % (f.get("op_key"), f.get("status"), f.get("node"), f.get("exitreason"))
        for f in root.iterfind("failures/failure")
    ]
    return "nodes %s; not active %s; failures %s" % (" ".join(nodes), stopped, failed)


def where(name, resource):
    """The nodes a resource runs on, as crm_mon at a host says."""
    return set(monitor(name).running.get(resource, []))


def failures(name):
    """crm_mon's failed actions at a host (their attributes)."""
    return [f.attrib for f in ET.fromstring(crm_mon_xml(name)).iterfind("failures/failure")]


def cib(name, scope=None):
    return ET.fromstring(sh(name, "cibadmin --query" + (" --scope " + scope if scope else "")))


def cib_head(name):
    """The attributes of a cluster's <cib> element (versions, DC, schema) in
    the XML's order, without reading the configuration and status."""
    return ET.fromstring(sh(name, "cibadmin --query --xpath /cib --no-children")).attrib


def cib_version(name):
    """(admin_epoch, epoch) of a cluster's CIB: what a write moves."""
    head = cib_head(name)
    return head.get("admin_epoch"), head.get("epoch")


def booth_tickets(name, config=BOOTH_CONF, site=None, limit=30):
    """{ticket: {leader, expires}} from `booth list` at a member
    (_booth.Client; leader None before a grant and after a revoke)."""

    def runner(argv):
        return run(name, argv, timeout=limit + 10)

    return _booth.Client(runner, config).tickets(site=site, limit=limit)


def leader(name, ticket, config=BOOTH_CONF, site=None):
    """The ticket's leader as booth at this member sees it (None: nobody)."""
    try:
        return booth_tickets(name, config, site).get(ticket, {}).get("leader")
    except _cib.CibError:
        return None


def ticket_granted(name, ticket):
    """Whether the site's CIB holds the ticket granted (crm_ticket), None when
    crm_ticket could not answer."""
    rc, out, _err = run(name, ["crm_ticket", "--ticket", ticket, "--get-attr", "granted"], 30)
    return None if rc != 0 else out.strip() == "true"


def fence_history(name, timeout=180):
    """Every fencing action a cluster recorded (stonith_admin --history),
    as dicts of target, action, status and who asked. Waits (bounded) for a
    fencer that is not connected yet: the node's pacemaker may be starting."""
    last = []

    def answered():
        last[:] = run(name, ["stonith_admin", "--history", "*", "--output-as=xml"], 60)
        return last[0] != 102  # 102: not connected (the fencer is not up yet)

    wait_until(answered, timeout)
    rc, out, err = last
    assert rc == 0, (name, rc, out, err)
    root = ET.fromstring(out)
    return [e.attrib for e in root.iter("fence_event")]


# ---- fencing ------------------------------------------------------------------
# Every lab cluster runs with fencing on (lab/up.sh: the device lab-fence,
# lab/fence_lab). A fence no test asked for fails the scenario.
FENCE_LOG = "/var/log/fence_lab.log"  # written by lab/fence_lab on the node that fenced
_provoked = set()
_fences_before_reset = []  # unprovoked fences seen before a reset_lab


def expect_fence(target):
    """A test that makes Pacemaker fence TARGET says so before it does."""
    _provoked.add(target)


def unprovoked_fences(nodes):
    """The fences recorded on these cluster nodes whose target no test
    expected: from ``stonith_admin --history`` (kept while a cluster runs) and
    from fence_lab's log (kept across cluster restarts)."""
    found = set()
    for node in nodes:
        for event in fence_history(node):
            if event.get("target") not in _provoked:
                found.add(
                    (
                        event.get("target"),
                        event.get("action"),
                        event.get("status"),
                        event.get("completed"),
                    )
                )
        _rc, out, _err = run(node, ["cat", FENCE_LOG])
        for line in out.splitlines():
            stamp, action, target = (line.split() + ["", "", ""])[:3]
            if target not in _provoked:
                found.add((target, action, f"run by fence_lab on {node}", stamp))
    return sorted(found, key=lambda event: str(event[3]))


def split_by_part(variable, second_half):
    """pytest_collection_modifyitems for a scenario's conftest.py whose tests
    lab/test.sh runs in two halves on two container sets: with variable=a the
    files not in second_half, with b those, unset all."""
    import pytest

    def modify(config, items):
        part = os.environ.get(variable, "")
        if part not in ("", "a", "b"):
            raise pytest.UsageError("%s must be a, b or unset (is %r)" % (variable, part))
        if not part:
            return
        keep, drop = [], []
        for item in items:
            second = item.path.name in second_half
            (keep if second == (part == "b") else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep

    return modify


def fence_guard(nodes):
    """A session fixture for a scenario's conftest.py: after its tests, no
    fence that no test expected (``expect_fence``) on these cluster nodes."""
    import pytest

    @pytest.fixture(scope="session", autouse=True)
    def no_unprovoked_fence():
        yield
        fences = _fences_before_reset + unprovoked_fences(nodes)
        assert not fences, (
            f"fenced and no test asked for it (target, action, status, when): {fences}"
        )

    return no_unprovoked_fence
