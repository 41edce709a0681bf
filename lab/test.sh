#!/usr/bin/env bash
# The lab scenarios: molecule `remote` and `geo` (create, converge,
# idempotence, verify with testinfra, destroy) on real clusters in containers.
# Called by scripts/test.sh; needs root, podman and the .venv (make deps).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
export CONTAINERS_CONF="$PWD/lab/containers.conf"
bash lab/build-images.sh || exit 1
rc=0
for scenario in remote geo; do
  start=$SECONDS
  if molecule test -s "$scenario"; then
    echo "lab: scenario $scenario passed in $((SECONDS - start)) s"
  else
    echo "lab: scenario $scenario FAILED after $((SECONDS - start)) s"
    rc=1
  fi
done
exit $rc
