#!/usr/bin/env bash
# The lab scenarios: molecule `remote`, `geo` and `adopt` (create, converge,
# idempotence, verify with testinfra, destroy) on real clusters in containers.
# Called by scripts/test.sh; needs root, podman and the .venv (make deps).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
export CONTAINERS_CONF="$PWD/lab/containers.conf"
bash lab/build-images.sh || exit 1
failed=()
logs=.build/lab-logs
mkdir -p "$logs"
source lab/lib.sh
# SCENARIO or SCENARIO@SUITE: the remote scenario also runs on the Debian
# releases that carry the older Pacemaker generations (bookworm: 2.1 and pcs
# 0.11 as on RHEL 9; bullseye: 2.0.5 and pcs 0.10.8 as on RHEL 8.4); the
# default suite (lib.sh, trixie) carries 3.0 and pcs 0.12.
for run in remote geo adopt remote@bookworm remote@bullseye; do
  scenario=${run%@*}
  if [[ $run == *@* ]]; then export LAB_SUITE=${run#*@}; else unset LAB_SUITE; fi
  start=$SECONDS
  # keep the containers on failure long enough to print what went wrong;
  # --destroy=never also skips molecule's first destroy, so reset its state
  # (a stale "created" would skip create) and let lab/down.sh clean up below
  molecule reset -s "$scenario" >/dev/null 2>&1 || true
  log="$logs/${run/@/-}.log"
  if molecule test -s "$scenario" --destroy=never 2>&1 | tee "$log"; (( PIPESTATUS[0] == 0 )); then
    echo "lab: scenario $run passed in $((SECONDS - start)) s"
  else
    echo "lab: scenario $run FAILED after $((SECONDS - start)) s; diagnostics:"
    for c in $(podman ps -a --filter "label=$LAB_LABEL" --format '{{.Names}}'); do
      lab_diag "$c"
      podman exec "$c" journalctl -u pacemaker -u pacemaker_remote -u corosync -u 'booth@*' \
        -n 60 --no-pager >&2 2>/dev/null || true
    done
    failed+=("$run")
  fi
  bash lab/down.sh all  # whatever the scenario started
done
# CI keeps only the tail of the output: name what failed there
for run in "${failed[@]}"; do
  echo "lab: scenario $run FAILED; from its log (.build/lab-logs):"
  grep -aE '(FAILED|ERROR) tests/|fatal: \[|failed=[1-9]|CRITICAL ' "$logs/${run/@/-}.log" | tail -n 15
done
((${#failed[@]} == 0))
