"""Offline: our modules vs `pcs -f` on CIB files (batch, growth), and the
per-task floor on the host's live single-node cluster (tests/live_cluster.py)."""

import statistics
import subprocess
import time

from cibfiles import new_cib, tool
from common import run_play


def dummies(n, prefix="d"):
    return "".join(
        '<primitive id="%s%d" class="ocf" provider="pacemaker" type="Dummy"/>' % (prefix, i)
        for i in range(n)
    )


def make_cib(path, n_resources):
    new_cib(path)
    tool(
        path,
        "cibadmin",
        "--replace",
        "--scope",
        "resources",
        "--xml-pipe",
        data="<resources>%s</resources>" % dummies(n_resources),
    )
    return path


def pcs(path, *args):
    proc = subprocess.run(
        ["pcs", "-f", str(path), *args], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit("pcs %s failed: %s" % (" ".join(args), proc.stderr))


def pcs_loop(path, commands, sample):
    """Run the first `sample` pcs commands; return (seconds measured, total
    extrapolated to all commands, measured count)."""
    todo = commands if sample is None else commands[:sample]
    start = time.monotonic()
    for args in todo:
        pcs(path, *args)
    spent = time.monotonic() - start
    return spent, spent / len(todo) * len(commands), len(todo)


# ------------------------------------------------------------------ batches


def bench_batch(n, sample, work):
    rows = []
    kinds = [
        (
            "remote nodes",
            lambda cib: [
                {
                    "hacluster.pacemaker.pacemaker_remote_node": {
                        "cib_file": str(cib),
                        "nodes": [
                            {
                                "name": "rn%d" % i,
                                "server": "10.%d.%d.%d" % (1 + i // 62500, i // 250 % 250, i % 250),
                            }
                            for i in range(n)
                        ],
                    }
                }
            ],
            lambda i: [
                "cluster",
                "node",
                "add-remote",
                "rn%d" % i,
                "10.%d.%d.%d" % (1 + i // 62500, i // 250 % 250, i % 250),
                "--skip-offline",
            ],
        ),
        (
            "guest nodes",
            lambda cib: [
                {
                    "hacluster.pacemaker.guest_node": {
                        "cib_file": str(cib),
                        "nodes": [{"name": "gn%d" % i, "resource": "d%d" % i} for i in range(n)],
                    }
                }
            ],
            lambda i: ["cluster", "node", "add-guest", "gn%d" % i, "d%d" % i, "--skip-offline"],
        ),
        (
            "ticket constraints",
            lambda cib: [
                {
                    "hacluster.pacemaker.booth_ticket": {
                        "cib_file": str(cib),
                        "manage": ["cib"],
                        "tickets": [
                            {"name": "T%d" % i, "constraints": [{"resource": "d%d" % i}]}
                            for i in range(n)
                        ],
                    }
                }
            ],
            lambda i: ["constraint", "ticket", "add", "T%d" % i, "d%d" % i],
        ),
    ]
    for name, tasks, pcs_args in kinds:
        ours = make_cib(work / ("ours-%s.xml" % name[:5]), n)
        theirs = make_cib(work / ("pcs-%s.xml" % name[:5]), n)
        wall = run_play(work, tasks(ours)).wall
        _spent, total, measured = pcs_loop(theirs, [pcs_args(i) for i in range(n)], sample)
        tool(ours, "crm_verify", "--live-check", check=False)
        rows.append((name, n, wall, total, measured))
        print(
            "batch %-18s ours %.1fs  pcs loop %.1fs (%s)  ratio %.0fx"
            % (
                name,
                wall,
                total,
                "measured" if measured == n else "%d of %d measured" % (measured, n),
                total / wall,
            ),
            flush=True,
        )
    return rows


# ------------------------------------------------------------------- growth


def bench_growth(sizes, repeat, work):
    rows = []
    for n in sizes:
        ours_times, pcs_times, engine = [], [], []
        for r in range(repeat):
            cib = make_cib(work / ("g%d-%d.xml" % (n, r)), n)
            (task,) = run_play(
                work,
                [
                    {
                        "hacluster.pacemaker.pacemaker_remote_node": {
                            "cib_file": str(cib),
                            "name": "newnode",
                            "server": "10.99.0.1",
                        }
                    }
                ],
            ).durations()
            ours_times.append(task)
            engine.append(_engine_time(work / ("e%d-%d.xml" % (n, r)), n))
            theirs = make_cib(work / ("gp%d-%d.xml" % (n, r)), n)
            start = time.monotonic()
            pcs(theirs, "cluster", "node", "add-remote", "newnode", "10.99.0.1", "--skip-offline")
            pcs_times.append(time.monotonic() - start)
        rows.append(
            (
                n,
                statistics.median(ours_times),
                statistics.median(engine),
                statistics.median(pcs_times),
            )
        )
        print("growth %5d resources: task %.3fs  engine %.3fs  pcs -f %.3fs" % rows[-1], flush=True)
    return rows


def _engine_time(path, n):
    """The engine alone (read, plan, validate, write), without Ansible."""
    # .build/collections is on sys.path: labkit (imported by common) put it there
    from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _nodes

    make_cib(path, n)
    start = time.monotonic()
    _cib.Cib(str(path)).transaction(
        lambda plan: _nodes.plan_remote_nodes(
            plan, [{"name": "newnode", "server": "10.99.0.1", "state": "present"}], None
        )
    )
    return time.monotonic() - start


# -------------------------------------------------------------------- floor


def bench_floor(repeat, work):
    """On a live cluster (the host harness): a single-item module task vs a
    bare `cibadmin --query` task, alternating, in one playbook run."""
    import live_cluster

    started = not live_cluster.status().get("ready") if hasattr(live_cluster, "status") else True
    live_cluster.start()
    try:
        tasks = []
        for i in range(repeat):
            tasks.append(
                {
                    "name": "query %d" % i,
                    "ansible.builtin.command": "cibadmin --query",
                    "changed_when": False,
                }
            )
            tasks.append(
                {
                    "name": "module change %d" % i,
                    "hacluster.pacemaker.pacemaker_remote_node": {
                        "name": "bench%d" % i,
                        "server": "127.0.1.%d" % (i + 1),
                        "meta_attributes": {"target-role": "Stopped"},
                    },
                }
            )
            tasks.append(
                {
                    "name": "module no-op %d" % i,
                    "hacluster.pacemaker.pacemaker_remote_node": {
                        "name": "bench%d" % i,
                        "server": "127.0.1.%d" % (i + 1),
                    },
                }
            )
        durations = run_play(work, tasks).durations()
        query = statistics.median(durations[0::3])
        change = statistics.median(durations[1::3])
        noop = statistics.median(durations[2::3])
        cleanup = [
            {
                "hacluster.pacemaker.pacemaker_remote_node": {
                    "nodes": [{"name": "bench%d" % i, "state": "absent"} for i in range(repeat)]
                }
            }
        ]
        run_play(work, cleanup)
    finally:
        if started:
            live_cluster.stop()
    print(
        "floor: cibadmin --query task %.3fs, module change %.3fs (%.2fx), no-op %.3fs (%.2fx)"
        % (query, change, change / query, noop, noop / query),
        flush=True,
    )
    return query, change, noop
