#!/usr/bin/env bash
# Creates .venv with the controller-side Python tools; reinstalls only when requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha
want=$(sha256sum requirements-test.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements-test.txt
  echo "$want" > "$stamp"
fi
# Make the collection importable as ansible_collections.hacluster.pacemaker,
mkdir -p .build/collections/ansible_collections/hacluster
ln -sfn ../../../.. .build/collections/ansible_collections/hacluster/pacemaker
# and the lab's own connection (lab/collection) as hacluster.lab
ln -sfn ../../../../lab/collection .build/collections/ansible_collections/hacluster/lab
