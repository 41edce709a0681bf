#!/usr/bin/env bash
# The lab scenarios: molecule `remote`, `geo` and `adopt` (create, converge,
# idempotence, verify with testinfra, destroy) on real clusters in containers.
# Called by scripts/test.sh; needs root, podman and the .venv (make deps).
# Usage: lab/test.sh [RUN...]   RUN = SCENARIO or SCENARIO@SUITE; a group of
# runs joined by '+' runs side by side (default: the whole list below).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
export CONTAINERS_CONF="$PWD/lab/containers.conf"
bash lab/build-images.sh || exit 1
logs=.build/lab-logs
mkdir -p "$logs"
source lab/lib.sh

# The containers of each scenario (lab/up.sh's and lab/down.sh's selections).
declare -A SELECTION=([remote]=remote [remote-b]=remote-b [geo]=geo [geo-b]=geo-b [adopt]=all)
hosts_of() {
  case ${SELECTION[$1]} in
    remote) echo node1 node2 remote1 guest1 ;;
    remote-b) echo "${LAB_REMOTE_B_HOSTS[*]}" ;;
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
  local run=$1 scenario=${1%@*} start=$SECONDS c
  if [[ $run == *@* ]]; then export LAB_SUITE=${run#*@}; else unset LAB_SUITE; fi
  # remote and remote-b beside each other in a group (on the default suite)
  # run one half of the remote scenario's tests each; alone (an older suite
  # on either set), each runs all of them
  if [[ $scenario == remote && "+$group+" == *+remote-b+* ]]; then
    export LAB_REMOTE_PART=a
  elif [[ $scenario == remote-b && "+$group+" == *+remote+* ]]; then
    export LAB_REMOTE_PART=b
  else
    unset LAB_REMOTE_PART
  fi
  # the same for geo and geo-b (extensions/molecule/geo/tests/conftest.py)
  if [[ $scenario == geo && "+$group+" == *+geo-b+* ]]; then
    export LAB_GEO_PART=a
  else
    unset LAB_GEO_PART
  fi
  local log="$logs/${run/@/-}.log"
  # a report of each test's outcome, for the names of what failed at the end
  # of the CI output (scripts/failed-tests.py)
  rm -f "$logs/${run/@/-}.xml"
  export PYTEST_ADDOPTS="--junitxml=$PWD/$logs/${run/@/-}.xml"
  # keep the containers on failure long enough to print what went wrong;
  # --destroy=never also skips molecule's first destroy, so reset its state
  # (a stale "created" would skip create) and let lab/down.sh clean up below
  molecule reset -s "$scenario" >/dev/null 2>&1 || true
  if molecule test -s "$scenario" --destroy=never >"$log" 2>&1; then
    echo "lab: scenario $run passed in $((SECONDS - start)) s"
    bash lab/down.sh "${SELECTION[$scenario]}"
    return 0
  fi
  echo "lab: scenario $run FAILED after $((SECONDS - start)) s; diagnostics in $log.diag"
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

# The remote, remote-b, geo and geo-b scenarios use disjoint containers on
# one network, and all mostly wait on Pacemaker, booth and timeouts: they run
# side by side, remote and remote-b each with half of the remote scenario's
# tests, geo and geo-b each with half of the geo scenario's.
# adopt uses every container; the older suites run the remote scenario on
# the two remote sets side by side (remote@bookworm, remote-b@bullseye).
# One boot per suite: a scenario's destroy keeps the containers and resets
# them (lab/reset.sh, LAB_KEEP=1) while a later group runs on the same suite;
# the last group of a suite removes them.
groups=("$@")
((${#groups[@]})) || groups=(remote+remote-b+geo+geo-b adopt remote@bookworm+remote-b@bullseye)
suite_of() { [[ $1 == *@* ]] && echo "${1##*@}" || echo default; }
failed=()
for ((g = 0; g < ${#groups[@]}; g++)); do
  group=${groups[g]}
  suite=$(suite_of "${group%%+*}")
  export LAB_KEEP=0
  for later in "${groups[@]:g+1}"; do [[ $(suite_of "${later%%+*}") == "$suite" ]] && LAB_KEEP=1; done
  IFS=+ read -ra runs <<<"$group"
  # the runs' lab/up.sh start side by side and would each count the kernel's
  # inotify room for their own containers only: make room for all at once
  count=0
  for run in "${runs[@]}"; do
    read -ra group_hosts <<<"$(hosts_of "${run%@*}")"
    count=$((count + ${#group_hosts[@]}))
  done
  lab_inotify_room "$count"
  declare -A pids=()
  start=$SECONDS
  for run in "${runs[@]}"; do run_scenario "$run" & pids[$run]=$!; done
  for run in "${runs[@]}"; do wait "${pids[$run]}" || failed+=("$run"); done
  unset pids
  echo "lab: group $group done in $((SECONDS - start)) s"
  # the next suite boots its own containers: whatever this one left goes
  [[ $LAB_KEEP == 1 ]] || LAB_KEEP=0 bash lab/down.sh all
done
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
