#!/usr/bin/env bash
# All tests. Called by `make test` (the README's test command).
# Two lanes side by side: the container lab (lab/test.sh), which mostly waits
# on Pacemaker, booth and timeouts, starts first in the background; the offline
# steps, which are CPU work, run beside it, cheapest first. Every step runs
# whatever failed before it; the exit status is non-zero if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p .build
failed=()
summary=()
source scripts/counted.sh  # counted, cpu_of: each step's own CPU
step() {  # step NAME COMMAND...: run, time, remember failures, keep going
  local name=$1; shift
  local start=$SECONDS cpu
  echo "=== $name"
  counted .build/times "$@"
  local rc=$?
  cpu=$(cpu_of .build/times)
  echo "=== $name: exit $rc in $((SECONDS - start)) s (CPU $cpu s)"
  summary+=("$(printf '%5d s %6s s  exit %-3d %s' $((SECONDS - start)) "$cpu" "$rc" "$name")")
  ((rc == 0)) || failed+=("$name")
}
pytest_step() {  # pytest ARGS..., where exit 5 (no tests collected) is a failure
  pytest "$@"
  local rc=$?
  ((rc == 5)) && echo "pytest collected no tests" >&2
  return $rc
}

# A fixed piece of pure-Python work, before anything else runs: its CPU time
# tells how fast this machine is, so that runs on different machines compare
# (docs/testing.md, session 29: machines of this kind differed about twofold).
probe='import json, time
for i in range(100000): json.dumps({"a": i, "b": [i, str(i)]})
print(f"{time.process_time():.2f}")'
echo "=== machine speed probe: $(python -c "$probe") CPU-s (100,000 small json.dumps)"

lab_name="container lab scenarios (molecule), beside the steps below"
lab_log=.build/lab-test.log
lab_start=$SECONDS
rm -f .build/lab.times
counted .build/lab.times bash lab/test.sh >"$lab_log" 2>&1 &
lab_pid=$!
echo "=== $lab_name: started; its output goes to $lab_log (each scenario's to .build/lab-logs)"
# The lab lane is the longer one, and its clusters' timeouts are what a busy
# machine trips: it keeps the normal priority, and the offline steps started
# from here on (this shell and its children) take the CPU it leaves.
renice -n 10 -p $$ >/dev/null

# seconds: the lab scenarios' test files import and read the inventories,
# so a broken one fails here and not after the lab lane's first scenarios
step "lab scenario tests collect (no lab needed)" \
  pytest --collect-only -q -p no:cacheprovider extensions/molecule/remote/tests \
  extensions/molecule/geo/tests extensions/molecule/adopt/tests
step "lint (ansible-lint production, ruff)" bash scripts/lint.sh
step "docs (antsibull-docs, changelog lint)" bash scripts/docs.sh
step "ansible-test sanity" bash scripts/sanity.sh
# The older suites' lab images, here rather than when the lab reaches their
# scenarios: on a fresh machine that takes their builds off the lab's path
# (lab/test.sh builds the default suite's first; a build waits for another's
# lock and skips what is then there).
step "lab images of the older Pacemaker generations (bookworm, bullseye)" \
  bash -c 'LAB_SUITE=bookworm bash lab/build-images.sh && LAB_SUITE=bullseye bash lab/build-images.sh'
# Every unit and offline functional test runs once, where it proves most: in
# the fresh machine's rootfs (make deps from nothing, then pytest; a tool the
# install steps forgot fails there). On this host only the tests that need it:
# the live single-node cluster and molecule's checkout scenario.
step "tests that need this host (a live cluster on it, molecule's checkout scenario)" \
  pytest_step -m "live or host" tests/unit tests/functional
step "unit and functional tests on a fresh machine (make deps + pytest in a clean bookworm rootfs)" \
  bash scripts/fresh-check.sh
step "offline suites on Pacemaker 2.0 (ansible-core 2.16, Python 3.6 modules) and 3.0 (its Python, newest controller)" \
  bash scripts/generations.sh
step "execution environment (ansible-builder on a local base, jobs in it through ansible-runner)" \
  bash scripts/ee.sh

echo "=== offline steps done after $SECONDS s; waiting for the lab"
wait "$lab_pid"
lab_rc=$?
lab_cpu=$(cpu_of .build/lab.times)
echo "=== $lab_name"
cat "$lab_log"
echo "=== $lab_name: exit $lab_rc in $((SECONDS - lab_start)) s (CPU $lab_cpu s, the containers' daemons not counted)"
summary+=("$(printf '%5d s %6s s  exit %-3d %s' $((SECONDS - lab_start)) "$lab_cpu" "$lab_rc" "$lab_name")")
((lab_rc == 0)) || failed+=("$lab_name")

echo "=== summary (wall time $SECONDS s; each step's wall time and CPU)"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  # CI keeps only the tail of the output: the lab tests that failed, by name,
  # or why a run's lab did not come up
  ((lab_rc == 0)) || .venv/bin/python scripts/failed-tests.py .build/lab-logs/*.log
  exit 1
fi
echo "all test steps passed"
