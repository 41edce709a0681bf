#!/usr/bin/env bash
# Code that runs on managed nodes (modules, module_utils) must work on Python 3.6+.
# Controller-side plugins only need the controller's Python and are not checked here.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
paths=()
for d in plugins/modules plugins/module_utils; do
  [ -d "$d" ] && paths+=("$d")
done
# vermin exits 0 with no files; make that explicit.
if ! find "${paths[@]}" -name '*.py' 2>/dev/null | grep -q .; then
  echo "vermin: no module or module_utils Python files yet"
  exit 0
fi
# --eval-annotations: annotations are evaluated at definition time on 3.6
# (no `from __future__ import annotations` there), so `list[str]` counts as 3.9.
# --pessimistic: anything vermin cannot parse counts as a violation.
exec vermin --no-config-file -t=3.6- --violations --no-tips --eval-annotations --pessimistic \
  "${paths[@]}"
