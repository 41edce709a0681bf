"""Benchmarks: hacluster.pacemaker vs the pcs way, side by side in one run.

    make bench                       # all comparisons, writes docs/performance.md
    .venv/bin/python benchmarks/run.py --only growth --pcs-sample 20
    .venv/bin/python benchmarks/run.py --only live --live-sample 20   # lab's bench1
    .venv/bin/python benchmarks/run.py --only scale --scale-sizes 1,8,24
    .venv/bin/python benchmarks/run.py --only noop   # the standard lab (make lab)

live and scale bring up their own lab hosts (lab/up.sh bench / scale:N:
bench1, rnode1..rnodeN), never the standard lab's; scale removes its hosts
at the end. noop reruns the playbooks on the standard lab and needs it up.

Machines are noisy: every figure here is compared with its twin measured in
the same run, and the table reports ratios.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "functional"))
sys.path.insert(0, str(HERE))
# Ansible's commands from this Python's environment, as the examples above run
# it (.venv/bin/python, the venv not on PATH): labkit runs them by name
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])

from live import bench_live  # noqa: E402
from noop import bench_noop  # noqa: E402
from offline import bench_batch, bench_floor, bench_growth  # noqa: E402
from report import report  # noqa: E402
from scale import bench_scale  # noqa: E402

SECTIONS = ["batch", "growth", "floor", "live", "scale", "noop"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=SECTIONS, action="append")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument(
        "--pcs-sample", type=int, default=50, help="pcs calls measured per batch kind (0 = all)"
    )
    parser.add_argument("--sizes", default="10,100,1000,5000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repeat-floor", type=int, default=10)
    parser.add_argument(
        "--live-items", type=int, default=200, help="items per kind on the live cluster"
    )
    parser.add_argument(
        "--live-sample",
        type=int,
        default=20,
        help="live pcs calls measured per kind and step (0 = all)",
    )
    parser.add_argument("--scale-sizes", default="1,8,24", help="remote hosts per run (1..24)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    only = set(args.only or SECTIONS)
    with tempfile.TemporaryDirectory(prefix="hacluster-bench-") as tmp:
        work = Path(tmp)
        batch = bench_batch(args.items, args.pcs_sample or None, work) if "batch" in only else []
        growth = (
            bench_growth([int(s) for s in args.sizes.split(",")], args.repeat, work)
            if "growth" in only
            else []
        )
        floor = bench_floor(args.repeat_floor, work) if "floor" in only else None
        live = bench_live(args.live_items, args.live_sample, work) if "live" in only else []
        scale = (
            bench_scale([int(s) for s in args.scale_sizes.split(",")], work)
            if "scale" in only
            else []
        )
        noop = bench_noop(work) if "noop" in only else []
    text = report(batch, growth, floor, args, live, scale, noop)
    print(text)
    if only == set(SECTIONS):
        Path(args.output).write_text(text + "\n")
        print("written to", args.output)
    else:
        print("(partial run: %s not written)" % args.output)


if __name__ == "__main__":
    main()
