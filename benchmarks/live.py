"""Live batches on the lab's one-node cluster 'bench' (bench1, lab/up.sh
bench): per kind, our one task vs a live pcs loop vs the expert's pcs -f +
cib-push, adding then removing."""

import difflib
import json
import re
import subprocess

import labkit
from common import BENCH, LIVE_PY, dotted, lab_up, run_play

LIVE_DIR = "/root/hacluster-bench"
PODMAN = "ansible_connection=containers.podman.podman ansible_python_interpreter=%s" % LIVE_PY
SLOW = 1800  # s, a script whose time grows with the items (live_reset: a crm_node per node)


def _live_addr(kind, i):
    # RFC 2544 benchmark range: no route in the lab's --internal network, so a
    # connection fails at once (pcs: "Could not connect", node skipped offline).
    return "198.%d.%d.%d" % (18 if kind == "rn" else 19, i // 250, i % 250 + 1)


def run_live_play(work, tasks):
    """One ansible-playbook run against bench1 (podman connection): returns
    (wall, per-task seconds, per-task result dicts)."""
    result = run_play(work, tasks, BENCH, PODMAN)
    return result.wall, result.durations(), [r for _t, h, r in result.results() if h == BENCH]


def px(host, script, stdin):
    """A bash script in a lab container fed STDIN (one podman exec; labkit.sh
    has no stdin); returns stdout."""
    proc = subprocess.run(
        ["podman", "exec", "-i", host, "bash", "-c", script],
        input=stdin,
        env=labkit.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(
            "!!! in %s failed (rc %d):\n%s\n--- stdout\n%s\n--- stderr\n%s"
            % (host, proc.returncode, script[:1500], proc.stdout[-3000:], proc.stderr[-3000:])
        )
    return proc.stdout


def live_health(step):
    """crm_verify -L clean, no failed actions, a DC that answers; loud failure."""
    problems = []
    rc, _out, _err = labkit.run(BENCH, ["crm_resource", "--wait", "--timeout=120s"], 150)
    if rc != 0:
        problems.append("the cluster did not settle (crm_resource --wait)")
    rc, out, err = labkit.run(BENCH, ["crm_verify", "-L"])
    verify = (out + err + ("VERIFY rc=%d" % rc if rc else "")).strip()
    if verify:
        problems.append("crm_verify -L: " + verify)
    rc, out, err = labkit.run(BENCH, ["crmadmin", "-D", "-t", "10000"])
    dc = out + err + ("DC rc=%d" % rc if rc else "")
    if "Designated Controller is: %s" % BENCH not in dc:
        problems.append("DC: " + dc.strip())
    try:
        failures = labkit.failures(BENCH)
    except AssertionError as exc:  # crm_mon failed (labkit.sh)
        failures = []
        problems.append("crm_mon: " + str(exc)[-500:])
    if failures:
        problems.append("failed actions: %d, first: %s" % (len(failures), failures[0]))
    if problems:
        print("\n!!!!!!!! CLUSTER UNHEALTHY after %s !!!!!!!!" % step, flush=True)
        for p in problems:
            print("!!! " + p, flush=True)
        raise SystemExit("live bench: cluster %s unhealthy after %s" % (BENCH, step))
    print("    health ok after %s" % step, flush=True)


def live_loop(lines, label):
    """Run pcs command lines in ONE podman exec (a bash loop in bench1) and
    return the seconds measured inside bench1 (podman exec not charged)."""
    script = "set -e\nmkdir -p %s\ncd %s\nt0=$(date +%%s.%%N)\n" % (LIVE_DIR, LIVE_DIR)
    for line in lines:
        script += '%s >>pcs.log 2>&1 || { echo "FAILED: %s"; tail -20 pcs.log; exit 1; }\n' % (
            line,
            line.replace('"', ""),
        )
    script += 't1=$(date +%s.%N)\necho "ELAPSED $t0 $t1"\n'
    out = px(BENCH, "bash -s", stdin=script)
    m = re.search(r"ELAPSED (\S+) (\S+)", out)
    if not m:
        raise SystemExit("!!! %s: no timing in %r" % (label, out[-2000:]))
    return float(m.group(2)) - float(m.group(1))


LIVE_KINDS = {
    "remote nodes": {
        "module": "hacluster.pacemaker.pacemaker_remote_node",
        "list": "nodes",
        "item": lambda i: {
            "name": "rn%d" % i,
            "server": _live_addr("rn", i),
            "meta_attributes": {"target-role": "Stopped"},
        },
        "absent": lambda i: {"name": "rn%d" % i, "state": "absent"},
        "add": lambda i: (
            "cluster node add-remote rn%d %s meta target-role=Stopped --skip-offline"
            % (i, _live_addr("rn", i))
        ),
        "remove": lambda i: "cluster node remove-remote rn%d --skip-offline" % i,
        "offline_remove": lambda i: "cluster node remove-remote rn%d" % i,
        "count": ".//primitive[@type='remote']",
    },
    "guest nodes": {
        "module": "hacluster.pacemaker.guest_node",
        "list": "nodes",
        "item": lambda i: {
            "name": "gn%d" % i,
            "resource": "d%d" % i,
            "remote_addr": _live_addr("gn", i),
        },
        "absent": lambda i: {"name": "gn%d" % i, "state": "absent"},
        "add": lambda i: (
            "cluster node add-guest gn%d d%d remote-addr=%s --skip-offline"
            % (i, i, _live_addr("gn", i))
        ),
        "remove": lambda i: "cluster node remove-guest gn%d --skip-offline" % i,
        "offline_remove": lambda i: "cluster node remove-guest gn%d" % i,
        "count": ".//nvpair[@name='remote-node']",
    },
    "ticket constraints": {
        "module": "hacluster.pacemaker.booth_ticket",
        "list": "tickets",
        "extra": {"manage": ["cib"]},
        "item": lambda i: {"name": "T%d" % i, "constraints": [{"resource": "d%d" % i}]},
        "absent": lambda i: {"name": "T%d" % i, "state": "absent"},
        "add": lambda i: "constraint ticket add T%d d%d" % (i, i),
        "remove": lambda i: "constraint ticket remove T%d d%d" % (i, i),
        "offline_remove": lambda i: "constraint ticket remove T%d d%d" % (i, i),
        "count": ".//rsc_ticket",
    },
}


def _module_task(kind, items, cib_file=None):
    spec = LIVE_KINDS[kind]
    args = dict(spec.get("extra", {}))
    args[spec["list"]] = items
    if cib_file:
        args["cib_file"] = cib_file
    return {"name": "%s (%d items)" % (kind, len(items)), spec["module"]: args}


def live_count(kind):
    """How many items of KIND the live configuration holds."""
    return len(labkit.cib(BENCH, "configuration").findall(LIVE_KINDS[kind]["count"]))


def live_reset(step):
    """Back to the baseline configuration (200 stopped Dummies, nothing else),
    whatever an approach left behind; then the health check."""
    labkit.sh(
        BENCH,
        "cibadmin --replace --scope configuration --xml-file %s/baseline.xml && "
        "for n in $(cibadmin --query --scope status | grep -o 'node_state id=\"[rg]n[0-9]*\"' | cut -d'\"' -f2); do "
        'crm_node --force --remove "$n" >/dev/null 2>&1 || true; done' % LIVE_DIR,
        timeout=SLOW,
    )
    live_health(step)


def live_config_fingerprint():
    """The configuration section without volatile attributes, for the check
    that every approach starts from the same CIB state."""
    return labkit.sh(
        BENCH, "cibadmin --query --scope resources; cibadmin --query --scope constraints"
    )


BASELINE_PY = """
import sys
from lxml import etree
d, n = sys.argv[1], int(sys.argv[2])
cfg = etree.parse(d + "/current.xml").getroot()
for tag in ("resources", "constraints"):
    for child in list(cfg.find(tag)):
        cfg.find(tag).remove(child)
res = cfg.find("resources")
for i in range(n):
    p = etree.SubElement(res, "primitive", id="d%d" % i, provider="pacemaker", type="Dummy")
    p.set("class", "ocf")
    m = etree.SubElement(p, "meta_attributes", id="d%d-meta_attributes" % i)
    etree.SubElement(
        m, "nvpair", id="d%d-meta_attributes-target-role" % i, name="target-role", value="Stopped"
    )
open(d + "/baseline.xml", "wb").write(etree.tostring(cfg))
"""


def bench_live(n, sample, work):
    """On the lab's live cluster 'bench' (bench1): per kind, our one task vs a
    live pcs loop vs the expert's pcs -f + cib-push, adding then removing."""
    lab_up("bench")
    k = n if not sample or sample >= n else sample
    # Unknown hosts: pcs 0.12 adds remote/guest nodes with --skip-offline but
    # refuses to remove them ("None of hosts is known to pcs", even with
    # --skip-offline --force). Known-hosts entries at unroutable addresses
    # make them "offline" hosts, as a down machine would be.
    labkit.sh(
        BENCH,
        "mkdir -p {d} && rm -f {d}/*.xml {d}/pcs.log && "
        "test -e {d}/known-hosts.orig || cp /var/lib/pcsd/known-hosts {d}/known-hosts.orig".format(
            d=LIVE_DIR
        ),
    )
    known = {}
    for i in range(n):
        for kind in ("rn", "gn"):
            known["%s%d" % (kind, i)] = {
                "dest_list": [{"addr": _live_addr(kind, i), "port": 2224}],
                "token": "hacluster-bench-unreachable",
            }
    px(
        BENCH,
        'python3 -c \'import json,sys; p="/var/lib/pcsd/known-hosts"; d=json.load(open("%s/known-hosts.orig")); '
        'd["known_hosts"].update(json.load(sys.stdin)); d["data_version"]+=1; '
        'json.dump(d, open(p, "w"), indent=2)\'' % LIVE_DIR,
        stdin=json.dumps(known),
    )
    # the baseline: n stopped Dummies d0..d(n-1) (the guests' resources and
    # the tickets' resources), nothing else
    px(
        BENCH,
        "cibadmin --query --scope configuration > %s/current.xml && python3 - %s %d"
        % (LIVE_DIR, LIVE_DIR, n),
        stdin=BASELINE_PY,
    )
    versions = labkit.sh(BENCH, "pcs --version; pacemakerd --version | head -n1").split()
    versions = "pcs %s, Pacemaker %s" % (versions[0], versions[2] if len(versions) > 2 else "?")
    live_reset("setting up the baseline (%d stopped Dummies)" % n)
    baseline = live_config_fingerprint()
    rows = []
    try:
        for kind in LIVE_KINDS:
            rows.append(_bench_live_kind(kind, n, k, work, baseline))
            rows[-1]["versions"] = versions
    finally:
        labkit.sh(BENCH, "cp %s/known-hosts.orig /var/lib/pcsd/known-hosts" % LIVE_DIR, check=False)
    live_reset("the live bench (cleaned up)")
    return rows


def _check_start(kind, approach, baseline):
    fp = live_config_fingerprint()
    if fp != baseline:
        diff = "".join(difflib.unified_diff(baseline.splitlines(True), fp.splitlines(True), n=1))
        raise SystemExit(
            "!!! %s/%s does not start from the baseline CIB:\n%s" % (kind, approach, diff[:3000])
        )


def _bench_live_kind(kind, n, k, work, baseline):
    spec = LIVE_KINDS[kind]
    items = [spec["item"](i) for i in range(n)]
    absent = [spec["absent"](i) for i in range(n)]
    row = {"kind": kind, "n": n, "k": k}

    # ---- ours: one task with all n items, then the same task again, then absent
    _check_start(kind, "ours", baseline)
    epoch0 = labkit.cib_version(BENCH)
    wall, (task,), (res,) = run_live_play(work, [_module_task(kind, items)])
    epoch1 = labkit.cib_version(BENCH)
    if not res.get("changed") or live_count(kind) != n:
        raise SystemExit(
            "!!! ours (%s): changed=%s, %d of %d in the CIB"
            % (kind, res.get("changed"), live_count(kind), n)
        )
    live_health("ours adding %d %s" % (n, kind))
    wall2, (task2,), (res2,) = run_live_play(work, [_module_task(kind, items)])
    epoch2 = labkit.cib_version(BENCH)
    if res2.get("changed") or epoch2 != epoch1:
        raise SystemExit(
            "!!! ours (%s) not idempotent: changed=%s, epoch %s -> %s"
            % (kind, res2.get("changed"), dotted(epoch1), dotted(epoch2))
        )
    wall3, (task3,), (res3,) = run_live_play(work, [_module_task(kind, absent)])
    epoch3 = labkit.cib_version(BENCH)
    if not res3.get("changed") or live_count(kind) != 0:
        raise SystemExit(
            "!!! ours (%s) removal: changed=%s, %d left"
            % (kind, res3.get("changed"), live_count(kind))
        )
    live_health("ours removing %d %s" % (n, kind))
    row.update(
        ours_add=task,
        ours_add_wall=wall,
        ours_noop=task2,
        ours_noop_wall=wall2,
        ours_del=task3,
        ours_del_wall=wall3,
        epochs="%s → %s (add) → %s (rerun) → %s (remove)"
        % tuple(dotted(e) for e in (epoch0, epoch1, epoch2, epoch3)),
    )
    print(
        "live %-18s ours: add %.1fs (wall %.1fs, changed), rerun %.1fs (changed=false, epoch %s kept), remove %.1fs"
        % (kind, task, wall, task2, dotted(epoch1), task3),
        flush=True,
    )
    live_reset("%s: after ours" % kind)

    # ---- (a) a loop of live pcs commands in bench1 (first k calls measured)
    _check_start(kind, "pcs loop", baseline)
    t = live_loop(["pcs " + spec["add"](i) for i in range(k)], "pcs add loop")
    if live_count(kind) != k:
        raise SystemExit("!!! pcs loop (%s): %d of %d in the CIB" % (kind, live_count(kind), k))
    live_health("live pcs loop adding %d %s" % (k, kind))
    t_del = live_loop(["pcs " + spec["remove"](i) for i in range(k)], "pcs remove loop")
    if live_count(kind) != 0:
        raise SystemExit("!!! pcs loop (%s) removal: %d left" % (kind, live_count(kind)))
    live_health("live pcs loop removing %d %s" % (k, kind))
    row.update(loop_add=t * n / k, loop_del=t_del * n / k, loop_add_k=t, loop_del_k=t_del)
    print(
        "live %-18s pcs loop: add %.1fs, remove %.1fs (%d of %d calls measured%s)"
        % (kind, t * n / k, t_del * n / k, k, n, ", extrapolated" if k < n else ""),
        flush=True,
    )
    live_reset("%s: after the pcs loop" % kind)

    # ---- (b) the expert: pcs cluster cib, pcs -f loop, one cib-push diff-against
    _check_start(kind, "pcs -f + cib-push", baseline)
    row["expert_add"], row["expert_add_parts"] = _expert(kind, spec, items, n, k, work, adding=True)
    if live_count(kind) != n:
        raise SystemExit(
            "!!! pcs -f + cib-push (%s): %d of %d in the CIB" % (kind, live_count(kind), n)
        )
    live_health("pcs -f + cib-push adding %d %s" % (n, kind))
    row["expert_del"], row["expert_del_parts"] = _expert(
        kind, spec, absent, n, k, work, adding=False
    )
    if live_count(kind) != 0:
        raise SystemExit("!!! pcs -f + cib-push (%s) removal: %d left" % (kind, live_count(kind)))
    live_health("pcs -f + cib-push removing %d %s" % (n, kind))
    print(
        "live %-18s pcs -f + cib-push: add %.1fs (%s), remove %.1fs (%s)"
        % (
            kind,
            row["expert_add"],
            row["expert_add_parts"],
            row["expert_del"],
            row["expert_del_parts"],
        ),
        flush=True,
    )
    live_reset("%s: after pcs -f + cib-push" % kind)
    print(
        "live %-18s ratios: add  pcs loop ÷ ours %.1fx, pcs -f+push ÷ ours %.1fx;  "
        "remove  pcs loop ÷ ours %.1fx, pcs -f+push ÷ ours %.1fx"
        % (
            kind,
            row["loop_add"] / row["ours_add"],
            row["expert_add"] / row["ours_add"],
            row["loop_del"] / row["ours_del"],
            row["expert_del"] / row["ours_del"],
        ),
        flush=True,
    )
    return row


def _expert(kind, spec, module_items, n, k, work, adding):
    """pcs cluster cib orig.xml; cp to copy.xml; pcs -f copy.xml for the first
    k items (timed); the other n-k items written into copy.xml by our module
    offline (NOT timed, charged to nobody); pcs cluster cib-push copy.xml
    diff-against=orig.xml (timed, pushes all n). Total = cib + loop * n/k + push."""
    d = LIVE_DIR
    t_cib = live_loop(
        ["pcs cluster cib %s/orig.xml" % d, "cp %s/orig.xml %s/copy.xml" % (d, d)],
        "pcs cluster cib",
    )
    cmd = spec["add"] if adding else spec["offline_remove"]
    t_loop = live_loop(
        ["pcs -f %s/copy.xml %s" % (d, cmd(i).replace(" --skip-offline", "")) for i in range(k)],
        "pcs -f loop",
    )
    if k < n:
        run_live_play(work, [_module_task(kind, module_items[k:], cib_file="%s/copy.xml" % d)])
    t_push = live_loop(
        ["pcs cluster cib-push %s/copy.xml diff-against=%s/orig.xml" % (d, d)],
        "pcs cluster cib-push",
    )
    total = t_cib + t_loop * n / k + t_push
    parts = "cib %.1fs + -f loop %.1fs%s + push %.1fs" % (
        t_cib,
        t_loop * n / k,
        " (%d of %d measured)" % (k, n) if k < n else "",
        t_push,
    )
    return total, parts
