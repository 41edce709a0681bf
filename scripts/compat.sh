#!/usr/bin/env bash
# The offline functional suite again, with the oldest controller the
# collection supports (ansible-core 2.16, meta/runtime.yml's requires_ansible,
# the last one that manages Python 3.6 hosts) and Python 3.6 as the modules'
# interpreter (RHEL 8's platform Python), each in its own venv. The default
# pytest step runs the same suite with the newest ansible-core. Python 3.6
# comes from the machine (python3.6 on PATH, pyenv, or PYTHON36); without it
# this step fails and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
py36=
for c in ${PYTHON36:-} "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.6*/bin/python3.6 "$(command -v python3.6 || true)"; do
  # (a pyenv shim on PATH may point at nothing)
  if [[ -x $c ]] && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 6)' 2>/dev/null; then
    py36=$c; break
  fi
done
if [[ -z $py36 ]]; then
  echo "compat: FAILED: no Python 3.6 interpreter (not on PATH, not under pyenv; set PYTHON36)." >&2
  echo "compat: module code was not run under Python 3.6" >&2
  exit 1
fi
# venv NAME PYTHON REQUIREMENT...: (re)create .venv-NAME when its requirements change
venv() {
  local dir=.venv-$1 py=$2; shift 2
  local want; want=$(printf '%s\n' "$py" "$@" | sha256sum | cut -c1-16)
  if [[ ! -x $dir/bin/python || $(cat "$dir/.stamp" 2>/dev/null) != "$want" ]]; then
    rm -rf "$dir"
    "$py" -m venv "$dir"
    "$dir/bin/pip" install -q "$@"
    echo "$want" > "$dir/.stamp"
  fi
}
venv ansible216 python3 "ansible-core>=2.16,<2.17" "ansible>=9,<10" "jmespath>=1.0"
venv py36 "$py36" "lxml>=4.9,<5"
echo "compat: controller $(.venv-ansible216/bin/ansible --version | head -n1)," \
     "modules on $(.venv-py36/bin/python --version), lxml $(.venv-py36/bin/python -c 'import lxml.etree as e; print(e.__version__)')"
export HACLUSTER_TEST_ANSIBLE_BIN=$PWD/.venv-ansible216/bin
export HACLUSTER_TEST_MODULE_PYTHON=$PWD/.venv-py36/bin/python
export PATH="$PWD/.venv/bin:$PATH"
# the checkout scenario runs molecule, which belongs to the newest controller
rc=0
pytest tests/functional -m "not live and not host" -p no:cacheprovider "$@" || rc=$?
((rc == 5)) && echo "compat: pytest collected no tests" >&2
exit $rc
