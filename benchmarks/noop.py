"""No-op reruns on the standard lab (make lab): remote_nodes.yml and
geo_cluster.yml again, vs a ping playbook on the same hosts; nothing written."""

import subprocess

import labkit
from common import ROOT, ansible_forks, ping_playbook, run_inventory_play

STANDARD = ["node1", "node2", "remote1", "guest1", "sitea1", "siteb1", "arbitrator1"]
VERSIONS = ("admin_epoch", "epoch", "num_updates")  # a CIB's, printed in its XML's order


def _standard_snapshot():
    """What a no-op rerun must not write: CIB admin_epoch.epoch.num_updates of
    every cluster, mtime + sha256 of the Pacemaker authkey and booth files."""
    snap = []
    for h in ("node1", "sitea1", "siteb1"):
        head = labkit.cib_head(h)
        snap.append(
            "%s cib %s"
            % (h, " ".join('%s="%s"' % (k, v) for k, v in head.items() if k in VERSIONS))
        )
    for h in ("node1", "node2", "remote1", "guest1"):
        snap.append(
            "%s authkey %s"
            % (
                h,
                labkit.sh(
                    h,
                    "stat -c %Y /etc/pacemaker/authkey; sha256sum /etc/pacemaker/authkey | cut -c1-16",
                ).replace("\n", " "),
            )
        )
    for h in ("sitea1", "siteb1", "arbitrator1"):
        for f in ("/etc/booth/booth.conf", "/etc/booth/booth.key"):
            stamp = labkit.sh(h, "stat -c %%Y %s; sha256sum %s | cut -c1-16" % (f, f))
            snap.append("%s %s %s" % (h, f, stamp.replace("\n", " ")))
    return snap


def bench_noop(work):
    """On the standard lab (what `make lab` brings up): rerun remote_nodes.yml
    and geo_cluster.yml, vs a 10-task ping playbook on the same hosts. A lab
    that is not up is brought up by lab/main.sh (make lab, which converges);
    each playbook runs once untimed first, so the timed run starts converged."""
    running = subprocess.run(
        ["podman", "ps", "--format", "{{.Names}}"],
        env=labkit.env(),
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    if [h for h in STANDARD if h not in running]:
        print("noop: bringing the standard lab up (lab/main.sh, as make lab)", flush=True)
        subprocess.run(["bash", str(ROOT / "lab" / "main.sh")], check=True)
    for inv, book in (
        ("lab/inventory/remote.yml", "playbooks/remote_nodes.yml"),
        ("lab/inventory/geo.yml", "playbooks/geo_cluster.yml"),
    ):
        run_inventory_play(ROOT / inv, ROOT / book, "converge before the no-op of " + book)
    forks = ansible_forks()
    before = _standard_snapshot()
    rows = []
    for name, inv, book, hosts in (
        (
            "remote_nodes.yml",
            "lab/inventory/remote.yml",
            "playbooks/remote_nodes.yml",
            ["node1", "node2", "remote1", "guest1"],
        ),
        (
            "geo_cluster.yml",
            "lab/inventory/geo.yml",
            "playbooks/geo_cluster.yml",
            ["sitea1", "siteb1", "arbitrator1"],
        ),
    ):
        rerun = run_inventory_play(ROOT / inv, ROOT / book, "no-op rerun of " + name)
        wall = rerun.wall
        pings = ping_playbook(work, ":".join(hosts))
        ping = run_inventory_play(ROOT / inv, pings, "ping " + name).wall
        rounds, changed = rerun.rounds(), rerun.changed()
        rounds = {h: rounds[h] for h in hosts}
        changed = {h: changed[h] for h in hosts if changed[h]}
        rows.append(
            {
                "name": name,
                "wall": wall,
                "ping": ping,
                "rounds": rounds,
                "changed": changed,
                "forks": forks,
            }
        )
        print(
            "noop %-17s rerun %.1fs, ping x10 %.1fs, rerun/ping %.2f, ok per host %s (%s), changed %s"
            % (
                name,
                wall,
                ping,
                wall / ping,
                rounds,
                "≤ 10 rounds" if max(rounds.values()) <= 10 else "MORE THAN 10 ROUNDS",
                changed or "none",
            ),
            flush=True,
        )
    after = _standard_snapshot()
    written = [b + "  ->  " + a for b, a in zip(before, after, strict=True) if a != b]
    for row in rows:
        row["snapshot"] = after
        row["written"] = written
    if written:
        print("!!! the no-op rerun WROTE:\n" + "\n".join(written), flush=True)
    else:
        print(
            "noop: nothing written (%d CIB/authkey/booth fingerprints identical)" % len(after),
            flush=True,
        )
    return rows
