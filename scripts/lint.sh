#!/usr/bin/env bash
# Linters: ansible-lint (production profile, offline; includes yamllint for every
# YAML file in the repository), ruff (lint + format check) for Python, and
# vermin for Python 3.6 compatibility of modules/module_utils.
# Runs every linter, then exits non-zero if any of them failed.
# Fix formatting with: .venv/bin/ruff format . && .venv/bin/ruff check --fix .
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$PWD
export PATH="$root/.venv/bin:$PATH"
# hacluster.pacemaker resolves through the symlink scripts/venv.sh creates;
# ansible.posix, containers.podman, ... come from the `ansible` pip package in
# the venv's site-packages (found through ANSIBLE_COLLECTIONS_SCAN_SYS_PATH).
export ANSIBLE_COLLECTIONS_PATH="$root/.build/collections"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=true
if [ ! -e .build/collections/ansible_collections/hacluster/pacemaker ]; then
  mkdir -p .build/collections/ansible_collections/hacluster
  ln -sfn ../../../.. .build/collections/ansible_collections/hacluster/pacemaker
fi

failed=()
run() {
  local name=$1; shift
  local t0=$SECONDS
  echo "=== $name: $*"
  if "$@"; then
    echo "=== $name: ok ($((SECONDS - t0))s)"
  else
    echo "=== $name: FAILED ($((SECONDS - t0))s)"
    failed+=("$name")
  fi
}

# ansible-lint reads .ansible-lint (profile production, offline, strict) and
# lints the whole repository: galaxy.yml, meta/runtime.yml, roles, playbooks,
# molecule scenarios, plugin EXAMPLES, and all other YAML through yamllint.
run ansible-lint ansible-lint --nocolor
run ruff-check ruff check --no-fix --output-format=concise .
run ruff-format ruff format --check --output-format=concise .
run vermin bash scripts/vermin.sh

if ((${#failed[@]})); then
  echo "lint: FAILED: ${failed[*]} (${SECONDS}s)"
  exit 1
fi
echo "lint: all passed (${SECONDS}s)"
