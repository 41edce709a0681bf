#!/usr/bin/env bash
# The lab scenarios: molecule `remote`, `geo` and `adopt` (create, converge,
# idempotence, verify with testinfra, destroy) on real clusters in containers.
# Called by scripts/test.sh; needs root, podman and the .venv (make deps).
# Usage: lab/test.sh [RUN...]   RUN = SCENARIO or SCENARIO@SUITE (RUN+RUN is two
# runs); each starts as soon as its containers are free (default: the plan below).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
export CONTAINERS_CONF="$PWD/lab/containers.conf"
bash lab/build-images.sh || exit 1
logs=.build/lab-logs
mkdir -p "$logs"
rm -f "$logs/costs.jsonl"  # each test's wall time and CPU (tests/labkit.py)
source lab/lib.sh
source scripts/counted.sh

# The containers of each scenario (lab/up.sh's and lab/down.sh's selections).
declare -A SELECTION=([remote]=remote [remote-b]=remote-b [remote-c]=remote-c [remote-d]=remote-d
                      [geo]=geo [geo-b]=geo-b [adopt]=standard)
hosts_of() {
  case ${SELECTION[$1]} in
    remote) echo node1 node2 remote1 guest1 ;;
    remote-b) echo "${LAB_REMOTE_B_HOSTS[*]}" ;;
    remote-c) echo "${LAB_REMOTE_C_HOSTS[*]}" ;;
    remote-d) echo "${LAB_REMOTE_D_HOSTS[*]}" ;;
    geo-b) echo "${LAB_GEO_B_HOSTS[*]}" ;;
    geo) echo sitea1 siteb1 arbitrator1 ;;
    *) echo "${LAB_ALL_HOSTS[*]}" ;;
  esac
}

# run_scenario RUN: molecule test of one run, its output in $logs/RUN.log.
# SCENARIO@SUITE: the remote scenario also runs on the Debian releases that
# carry the older Pacemaker generations (bookworm: 2.1 and pcs 0.11 as on
# RHEL 9; bullseye: 2.0.5 and pcs 0.10.8 as on RHEL 8.4); the default suite
# (lib.sh, trixie) carries 3.0 and pcs 0.12.
run_scenario() {
  local run=$1 scenario=${1%@*} start=$SECONDS c cpu
  if [[ $run == *@* ]]; then export LAB_SUITE=${run#*@}; else unset LAB_SUITE; fi
  # remote and remote-b both in the plan (on the default suite) run one half
  # of the remote scenario's tests each; alone (an older suite on either
  # set), each runs all of them
  if [[ $run == remote && " ${plan[*]} " == *" remote-b "* ]]; then
    export LAB_REMOTE_PART=a
  elif [[ $run == remote-b && " ${plan[*]} " == *" remote "* ]]; then
    export LAB_REMOTE_PART=b
  else
    unset LAB_REMOTE_PART
  fi
  # the same for geo and geo-b (extensions/molecule/geo/tests/conftest.py)
  if [[ $run == geo && " ${plan[*]} " == *" geo-b "* ]]; then
    export LAB_GEO_PART=a
  else
    unset LAB_GEO_PART
  fi
  local log="$logs/${run/@/-}.log"
  export LAB_RUN=$run  # names the run in costs.jsonl (tests/labkit.py)
  # a report of each test's outcome, for the names of what failed at the end
  # of the CI output (scripts/failed-tests.py)
  rm -f "$logs/${run/@/-}.xml"
  export PYTEST_ADDOPTS="--junitxml=$PWD/$logs/${run/@/-}.xml"
  # keep the containers on failure long enough to print what went wrong;
  # --destroy=never also skips molecule's first destroy, so reset its state
  # (a stale "created" would skip create) and let lab/down.sh clean up below
  molecule reset -s "$scenario" >/dev/null 2>&1 || true
  local rc=0
  # its CPU: molecule and all it ran, not the containers' daemons
  counted "$log.times" molecule test -s "$scenario" --destroy=never >"$log" 2>&1 || rc=$?
  cpu=$(cpu_of "$log.times")
  if ((rc == 0)); then
    echo "lab: scenario $run passed in $((SECONDS - start)) s (CPU $cpu s)"
    bash lab/down.sh "${SELECTION[$scenario]}"
    return 0
  fi
  echo "lab: scenario $run FAILED after $((SECONDS - start)) s (CPU $cpu s); diagnostics in $log.diag"
  for c in $(hosts_of "$scenario"); do
    lab_diag "$c"
    podman exec "$c" journalctl -u pacemaker -u pacemaker_remote -u corosync -u 'booth@*' \
      -n 60 --no-pager 2>/dev/null || true
    # the sites' boothd runs under Pacemaker (booth-site agent), not booth@
    podman exec "$c" journalctl -t boothd-site -n 60 --no-pager 2>/dev/null || true
  done >"$log.diag" 2>&1
  bash lab/down.sh "${SELECTION[$scenario]}"
  return 1
}

# The container sets (lab/lib.sh) each run needs: remote and remote-b,
# geo and geo-b use disjoint ones on one network, and the older suites run
# the remote scenario on sets C and D of their own, each in the place of a
# geo run once that has ended (slots_of: C takes G's turn, D takes H's): at
# most four runs side by side, as at the start. Until session 25 they ran on sets A and
# B after remote and remote-b: the longest path was remote-b then
# remote-b@bullseye, while the geo sets stood idle for 20 minutes; from the
# start, beside the other four, they made six runs at once, slower on two
# cores (docs/testing.md, session 25). adopt boots the remote and geo
# sets (A and G, up.sh all) and, when it ends, resets or removes just those
# (down.sh standard: the network and the b sets stay), so it starts as soon as
# remote and geo end, beside remote-b and geo-b. (Until session 23 its end
# was down.sh all, which removed every set and the network: it had to run
# alone; a remote-b@bullseye run beside it lost its containers, session 18.)
sets_of() {
  case ${1%@*} in
    remote) echo A ;;
    remote-b) echo B ;;
    remote-c) echo C ;;
    remote-d) echo D ;;
    geo) echo G ;;
    geo-b) echo H ;;
    adopt) echo A G ;;
  esac
}
# The turns a run waits for: its sets', and C and D also the geo sets'.
slots_of() {
  sets_of "$1"
  case ${1%@*} in
    remote-c) echo G ;;
    remote-d) echo H ;;
  esac
}
suite_of() { [[ $1 == *@* ]] && echo "${1##*@}" || echo default; }
shares_a() {  # shares_a sets_of|slots_of RUN1 RUN2
  local x y
  for x in $($1 "$2"); do for y in $($1 "$3"); do [[ $x == "$y" ]] && return 0; done; done
  return 1
}

# The plan, in order. A run starts as soon as every earlier run that uses one
# of its container sets has ended (so each set keeps the plan's order), all
# others side by side: the runs mostly wait on Pacemaker, booth and timeouts.
# One boot per suite and set: a run's destroy keeps its containers and resets
# them (lab/reset.sh, LAB_KEEP=1) when the next run on one of its sets is of
# the same suite, and removes them otherwise.
plan=()
for arg in "$@"; do IFS=+ read -ra more <<<"$arg"; plan+=("${more[@]}"); done
((${#plan[@]})) || plan=(remote remote-b geo geo-b remote-c@bookworm remote-d@bullseye adopt)
declare -A state=()
declare -A run_of=()
failed=()
# the first runs' lab/up.sh start side by side and would each count the
# kernel's inotify room for their own containers only: room for all sets
lab_inotify_room 22
start_ready() {
  local i j run keep
  for ((i = 0; i < ${#plan[@]}; i++)); do
    run=${plan[i]}
    [[ -z ${state[$run]:-} ]] || continue
    for ((j = 0; j < i; j++)); do
      [[ ${state[${plan[j]}]:-} == ended ]] || ! shares_a slots_of "${plan[j]}" "$run" || continue 2
    done
    keep=0
    for ((j = i + 1; j < ${#plan[@]}; j++)); do
      if shares_a sets_of "$run" "${plan[j]}"; then
        [[ $(suite_of "${plan[j]}") == "$(suite_of "$run")" ]] && keep=1
        break
      fi
    done
    state[$run]=running
    echo "lab: scenario $run started at $SECONDS s (sets $(sets_of "$run"), keep $keep)"
    (export LAB_KEEP=$keep; run_scenario "$run") &
    run_of[$!]=$run
  done
}
start_ready
while ((${#run_of[@]})); do
  rc=0
  wait -n -p done_pid "${!run_of[@]}" || rc=$?
  run=${run_of[$done_pid]}
  unset "run_of[$done_pid]"
  state[$run]=ended
  ((rc == 0)) || failed+=("$run")
  echo "lab: scenario $run ended at $SECONDS s"
  start_ready
done
LAB_KEEP=0 bash lab/down.sh all
.venv/bin/python scripts/lab-costs.py "$logs/costs.jsonl" || true
# CI keeps only the tail of the output: name what failed there, with the end
# of its log (the whole log is in .build/lab-logs)
for run in "${failed[@]}"; do
  log="$logs/${run/@/-}.log"
  echo "lab: scenario $run FAILED; from its log ($log):"
  grep -aE '(FAILED|ERROR) tests/|fatal: \[|failed=[1-9]|CRITICAL ' "$log" | tail -n 15
  echo "lab: the last 80 lines of $log:"
  tail -n 80 "$log"
done
((${#failed[@]} == 0))
