"""Remote-node growth: playbooks/remote_nodes.yml on bench1 + N remote hosts
(lab/up.sh scale:N), vs a ping playbook on the same hosts."""

from pathlib import Path

import labkit
import yaml
from common import (
    BENCH,
    LIVE_PY,
    ansible_forks,
    dotted,
    lab_down,
    lab_up,
    ping_playbook,
    run_inventory_play,
)

LAB_PREFIX = "10.89.77"  # lab/lib.sh LAB_SUBNET


def scale_inventory(work, n):
    """Like lab/inventory/remote.yml: cluster bench1, remote nodes rnode1..N."""
    inv = {
        "all": {
            "vars": {
                "ansible_connection": "containers.podman.podman",
                "ansible_python_interpreter": LIVE_PY,
                "ansible_become": False,
                "pacemaker_remote_reconnect_interval": "15s",
            },
            "children": {
                "cluster_nodes": {"hosts": {BENCH: None}},
                "remote_nodes": {
                    "hosts": {
                        "rnode%d" % i: {"pacemaker_remote_server": "%s.%d" % (LAB_PREFIX, 150 + i)}
                        for i in range(1, n + 1)
                    }
                },
                "guest_nodes": {"hosts": {}},
            },
        }
    }
    path = Path(work) / ("scale-%d.yml" % n)
    path.write_text(yaml.safe_dump(inv, sort_keys=False))
    return path


def bench_scale(sizes, work):
    """playbooks/remote_nodes.yml on bench1 + N remote hosts: first converge and
    no-op rerun, vs a 10-task ping playbook on the same hosts, per N."""
    forks = ansible_forks()
    rows = []
    for n in sizes:
        # every size starts from nothing: fresh containers, so each first
        # converge does the same per-host work (growing the set would leave
        # the earlier hosts converged and mix first runs with reruns)
        lab_down("scale:%d" % max(sizes))
        t_up = lab_up("scale:%d" % n)
        inv = scale_inventory(work, n)
        hosts = [BENCH] + ["rnode%d" % i for i in range(1, n + 1)]
        e0 = labkit.cib_version(BENCH)
        first = run_inventory_play(inv, "remote_nodes.yml", "first converge N=%d" % n)
        e1 = labkit.cib_version(BENCH)
        rerun = run_inventory_play(inv, "remote_nodes.yml", "rerun N=%d" % n)
        e2 = labkit.cib_version(BENCH)
        ping = run_inventory_play(inv, ping_playbook(work, "all"), "ping N=%d" % n).wall
        online = sum(1 for v in labkit.monitor(BENCH).nodes.values() if v["type"] == "remote")
        changed, rounds = rerun.changed(), rerun.rounds()
        changed = {h: changed[h] for h in hosts if changed[h]}
        rounds = {h: rounds[h] for h in hosts}
        first_rounds = first.rounds()
        writes1 = int(e1[1]) - int(e0[1])
        writes2 = int(e2[1]) - int(e1[1])
        row = {
            "n": n,
            "forks": forks,
            "up": t_up,
            "first": first.wall,
            "rerun": rerun.wall,
            "ping": ping,
            "rounds_cluster": rounds[BENCH],
            "rounds_remote": sorted(set(rounds[h] for h in hosts[1:])),
            "first_rounds_remote": sorted(set(first_rounds[h] for h in hosts[1:])),
            "epochs": tuple(dotted(e) for e in (e0, e1, e2)),
            "writes_first": writes1,
            "writes_rerun": writes2,
            "changed_rerun": changed,
            "remote_in_mon": online,
        }
        rows.append(row)
        print(
            "scale N=%-2d (forks %d): first converge %.1fs (CIB %s -> %s, epoch +%d), rerun %.1fs "
            "(CIB %s, epoch +%d, changed %s), ping x10 %.1fs, rerun/ping %.2f; rerun ok per host: "
            "bench1 %d, rnodes %s"
            % (
                n,
                forks,
                first.wall,
                dotted(e0),
                dotted(e1),
                writes1,
                rerun.wall,
                dotted(e2),
                writes2,
                changed or "none",
                ping,
                rerun.wall / ping,
                rounds[BENCH],
                row["rounds_remote"],
            ),
            flush=True,
        )
        if changed or writes2:
            print(
                "!!! the rerun changed something: %s, epoch +%d" % (changed, writes2),
                flush=True,
            )
    lab_down("scale:%d" % max(sizes))
    if len(rows) > 1:
        base = rows[0]
        for r in rows[1:]:
            print(
                "scale growth N=%d vs N=%d: hosts %.1fx, first converge %.2fx, rerun %.2fx, ping %.2fx"
                % (
                    r["n"],
                    base["n"],
                    (r["n"] + 1) / (base["n"] + 1),
                    r["first"] / base["first"],
                    r["rerun"] / base["rerun"],
                    r["ping"] / base["ping"],
                ),
                flush=True,
            )
    return rows
