#!/usr/bin/env bash
# Static checks of the collection:
#   ansible-test sanity --python 3.11, with no tests/sanity/ignore-*.txt.
#   (vermin, Python 3.6 for module code, runs in scripts/lint.sh.)
# Works offline (PyPI only): ansible-test's pip bootstrap script, normally
# downloaded from ci-files.testing.ansible.com, is replaced by a stand-in that
# uses ensurepip. The per-test virtualenvs ansible-test builds are cached in
# ~/.ansible/test/venv, so only the first run installs from PyPI.
# Extra arguments are passed to ansible-test (e.g. `--test validate-modules`).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/.venv/bin:$PATH"
py=3.11
SECONDS=0

failed=()
if compgen -G 'tests/sanity/ignore-*.txt' >/dev/null; then
  echo "ERROR: tests/sanity/ignore-*.txt exist; fix the findings instead:" >&2
  ls tests/sanity/ignore-*.txt >&2
  exit 1
fi
command -v shellcheck >/dev/null ||
  echo "WARNING: shellcheck not installed; ansible-test will skip the shellcheck test" \
       "(apt-get install shellcheck)" >&2

# Offline stand-in for ansible-test's get-pip bootstrap script. ansible-test runs
# it as `python get_pip_X_Y.py --disable-pip-version-check pip==X.Y --no-setuptools
# --no-wheel` inside a fresh venv without pip. Our .venv's pip installs pip X.Y
# there (`pip --python`) in one step; ensurepip first installed its bundled pip
# and setuptools, which pip X.Y then replaced: three installs where one does,
# in each of ansible-test's nine venvs on a fresh machine.
pip_version=$(python - <<'EOF'
import re, types
try:
    from ansible_test._internal.python_requirements import get_venv_packages
    print(get_venv_packages(types.SimpleNamespace(version="3.11"))["pip"])
except Exception:  # fall back to reading the pin from the source
    import ansible_test, os
    src = open(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")).read()
    print(re.search(r"pip='([0-9.]+)'", src).group(1))
EOF
)
standin=~/.ansible/test/cache/get_pip_${pip_version//./_}.py
marker='# hacluster.pacemaker offline get-pip stand-in'
if [ ! -s "$standin" ] || grep -qF "$marker" "$standin"; then
  mkdir -p "$(dirname "$standin")"
  cat > "$standin.tmp" <<EOF
$marker (written by scripts/sanity.sh)
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
# .venv's pip is always current (scripts/venv.sh upgrades it): --python is there
subprocess.check_call(["$root/.venv/bin/python", "-m", "pip", "--python", sys.executable, "install"] + args)
EOF
  mv "$standin.tmp" "$standin"
fi

# ansible-test wants the collection at .../ansible_collections/NS/NAME inside a
# git work tree and lists files with git: build a throwaway copy of what git
# would ship (tracked + untracked-but-not-ignored files).
work=$root/.build/sanity
coll=$work/ansible_collections/hacluster/pacemaker
rm -rf "$work"
mkdir -p "$coll"
git ls-files -z -co --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"   # skip files deleted but still tracked
done | rsync -a --from0 --files-from=- ./ "$coll/"
(
  cd "$coll"
  git init -q
  git add -A
  git -c user.name=sanity -c user.email=sanity@localhost commit -q --no-verify -m sanity
)

echo "=== ansible-test sanity --python $py"
cd "$coll"
ansible-test sanity --python "$py" --color=no "$@" || failed+=(ansible-test)

if ((${#failed[@]})); then
  echo "sanity: FAILED: ${failed[*]} (${SECONDS}s)"
  exit 1
fi
echo "sanity: all passed (${SECONDS}s)"
