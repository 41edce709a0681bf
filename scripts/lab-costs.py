"""What the lab tests cost, from .build/lab-logs/costs.jsonl (tests/labkit.py
writes a line per test): per run, the tests' wall time and CPU (pytest and
its children: playbooks, ad-hoc modules, commands in the containers), by
kind of call, and the tests that took the most CPU. CI is CPU-bound on two
cores (docs/testing.md), so the CPU column is what a change to a test costs
or saves."""

import json
import sys
from collections import defaultdict
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".build/lab-logs/costs.jsonl")
top = int(sys.argv[2]) if len(sys.argv) > 2 else 8
try:
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
except FileNotFoundError:
    # no lab test ran to its end (every run failed before its tests)
    print(f"lab costs: no test recorded its costs ({path} is not there)")
    sys.exit(0)
except OSError as e:
    sys.exit(f"lab costs: {e}")
runs = defaultdict(list)
for line in lines:
    runs[line["run"]].append(line)
print(f"lab costs ({path}): tests' wall time and CPU in seconds, per run")
total_cpu = 0.0
for run, tests in runs.items():
    wall, cpu = sum(t["wall"] for t in tests), sum(t["cpu"] for t in tests)
    total_cpu += cpu
    print(f"{run}: {len(tests)} tests, wall {wall:.0f} s, CPU {cpu:.0f} s")
    kinds = defaultdict(lambda: [0, 0.0, 0.0])
    for t in tests:
        for kind, (calls, kwall, kcpu) in t["kinds"].items():
            kinds[kind][0] += calls
            kinds[kind][1] += kwall
            kinds[kind][2] += kcpu
    counted = sum(k[2] for k in kinds.values())
    for kind, (calls, kwall, kcpu) in sorted(kinds.items(), key=lambda kv: -kv[1][2]):
        print(f"  {kcpu:7.0f} s CPU {kwall:7.0f} s wall {calls:5d} x {kind}")
    print(
        f"  {cpu - counted:7.0f} s CPU (pytest itself, AWX jobs, calls made side by side in threads)"
    )
    for t in sorted(tests, key=lambda t: -t["cpu"])[:top]:
        print(f"    {t['cpu']:6.0f} s CPU {t['wall']:6.0f} s wall  {t['test']}")
print(f"all runs: CPU {total_cpu:.0f} s")
