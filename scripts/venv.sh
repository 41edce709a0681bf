#!/usr/bin/env bash
# Creates .venv with the controller-side Python tools; reinstalls only when requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
# On the distribution's interpreter, which host-deps.sh installs, not the first
# python3 on PATH: Debian links the interpreter into /usr/bin/python3.11 with
# its optimisations, and Ansible, pytest and the linters take 7-20 % less CPU
# on it than on a python3 built from source as a shared library (pyenv's on
# this kind of machine; measured in docs/testing.md, session 27). The stamp
# names the interpreter too: another one makes a new venv.
py=/usr/bin/python3
stamp=.venv/.requirements.sha
want=$( { sha256sum requirements-test.txt; "$py" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$py" -m venv --clear .venv
  .venv/bin/pip install -q --upgrade pip
  # pip compiles every file at install (23 CPU-s against 8 with --no-compile),
  # and must: with PYTHONDONTWRITEBYTECODE set, as on this kind of machine,
  # Python writes no .pyc itself, and every process would compile what it
  # imports again (docs/testing.md, session 28)
  .venv/bin/pip install -q -r requirements-test.txt
  echo "$want" > "$stamp"
fi
# Make the collection importable as ansible_collections.hacluster.pacemaker,
mkdir -p .build/collections/ansible_collections/hacluster
ln -sfn ../../../.. .build/collections/ansible_collections/hacluster/pacemaker
# and the lab's own connection (lab/collection) as hacluster.lab
ln -sfn ../../../../lab/collection .build/collections/ansible_collections/hacluster/lab
# The offline tests run the modules with this venv's Python: lab/zipcodecache.py
# keeps what zipimport compiles from their payloads (docs/testing.md, session 30)
site=$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
ln -sfn "$PWD/lab/zipcodecache.py" "$site/hacluster_lab_zipcodecache.py"
echo "import hacluster_lab_zipcodecache as z; z.install('$PWD/.build/zipcode')" > "$site/hacluster_lab_zipcodecache.pth"
