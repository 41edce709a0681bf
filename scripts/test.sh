#!/usr/bin/env bash
# All tests, in order of cost. Called by `make test` (the README's test command).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
export PATH="$PWD/.venv/bin:$PATH"
failed=()
step() {  # step NAME COMMAND...: run, time, remember failures, keep going
  local name=$1; shift
  local start=$SECONDS
  echo "=== $name"
  "$@"
  local rc=$?
  echo "=== $name: exit $rc in $((SECONDS - start)) s"
  ((rc == 0)) || failed+=("$name")
}
pytest_all() {
  pytest tests/unit tests/functional "$@"
  local rc=$?
  # exit 5 = no tests collected: that is a failure here, never a pass
  ((rc == 5)) && echo "pytest collected no tests" >&2
  return $rc
}
step "unit and functional tests (pytest)" pytest_all
step "oldest controller and Python 3.6 modules (ansible-core 2.16, offline functional tests)" \
  bash scripts/compat.sh
step "offline suites on Pacemaker 2.0 and 3.0 (the lab images' tools, Python and lxml)" \
  bash scripts/generations.sh
step "execution environment (ansible-builder on a local base, jobs in it through ansible-runner)" \
  bash scripts/ee.sh
step "ansible-test sanity" bash scripts/sanity.sh
step "lint (ansible-lint production, ruff)" bash scripts/lint.sh
step "docs (antsibull-docs, changelog lint)" bash scripts/docs.sh
step "fresh machine (make deps + tests in a clean bookworm rootfs)" bash scripts/fresh-check.sh
if [ -x lab/test.sh ]; then
  step "container lab scenarios (molecule)" bash lab/test.sh
fi
if ((${#failed[@]})); then
  echo "FAILED: ${failed[*]}"
  exit 1
fi
echo "all test steps passed"
