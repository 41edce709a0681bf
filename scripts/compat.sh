#!/usr/bin/env bash
# The oldest controller the collection supports (ansible-core 2.16,
# meta/runtime.yml's requires_ansible, the last one that manages Python 3.6
# hosts) and Python 3.6 as the modules' interpreter (RHEL 8's platform
# Python), each in its own venv. Sourced (scripts/generations.sh does, for
# the oldest Pacemaker generation), it makes the venvs and exports
# HACLUSTER_TEST_ANSIBLE_BIN and HACLUSTER_TEST_MODULE_PYTHON; run, it also
# runs the offline functional suite with them on this host's Pacemaker.
# Python 3.6 comes from the machine (python3.6 on PATH, pyenv, or PYTHON36);
# without it this fails and says so.
# Usage: scripts/compat.sh [PYTEST_ARGS...]   or   source scripts/compat.sh
compat_prepare() {
  local py36='' c
  for c in ${PYTHON36:-} "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.6*/bin/python3.6 "$(command -v python3.6 || true)"; do
    # (a pyenv shim on PATH may point at nothing)
    if [[ -x $c ]] && "$c" -c 'import sys; assert sys.version_info[:2] == (3, 6)' 2>/dev/null; then
      py36=$c; break
    fi
  done
  if [[ -z $py36 ]]; then
    echo "compat: FAILED: no Python 3.6 interpreter (not on PATH, not under pyenv; set PYTHON36)." >&2
    echo "compat: module code was not run under Python 3.6" >&2
    return 1
  fi
  compat_venv ansible216 python3 "ansible-core>=2.16,<2.17" "ansible>=9,<10" "jmespath>=1.0" &&
    compat_venv py36 "$py36" "lxml>=4.9,<5" || return 1
  export HACLUSTER_TEST_ANSIBLE_BIN=$PWD/.venv-ansible216/bin
  export HACLUSTER_TEST_MODULE_PYTHON=$PWD/.venv-py36/bin/python
  # (sed reads to the end: head would close the pipe on ansible, which then fails loudly)
  echo "compat: controller $("$HACLUSTER_TEST_ANSIBLE_BIN/ansible" --version | sed -n 1p)," \
       "modules on $("$HACLUSTER_TEST_MODULE_PYTHON" --version)," \
       "lxml $("$HACLUSTER_TEST_MODULE_PYTHON" -c 'import lxml.etree as e; print(e.__version__)')"
}
# compat_venv NAME PYTHON REQUIREMENT...: (re)create .venv-NAME when its requirements change
compat_venv() {
  local dir=.venv-$1 py=$2; shift 2
  # the interpreter as it resolves (python3 on PATH is .venv's), not its name
  local want; want=$( { "$py" -c 'import sys; print(sys.executable, sys.version)'; printf '%s\n' "$@"; } |
                      sha256sum | cut -c1-16)
  if [[ ! -x $dir/bin/python || $(cat "$dir/.stamp" 2>/dev/null) != "$want" ]]; then
    rm -rf "$dir"
    "$py" -m venv "$dir" && "$dir/bin/pip" install -q "$@" || return 1
    echo "$want" > "$dir/.stamp"
  fi
}
[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

set -euo pipefail
cd "$(dirname "$0")/.."
compat_prepare
export PATH="$PWD/.venv/bin:$PATH"
# the checkout scenario runs molecule, which belongs to the newest controller
rc=0
pytest tests/functional -m "not live and not host" -p no:cacheprovider "$@" || rc=$?
((rc == 5)) && echo "compat: pytest collected no tests" >&2
exit $rc
