#!/usr/bin/env bash
# Documentation checks and HTML build:
#   1. antsibull-changelog lint (changelogs/config.yaml and the fragments)
#   2. the guides' RST (docs/docsite/rst/, generated from docs/*.md by
#      scripts/docsite.py) is up to date
#   3. antsibull-docs lint-collection-docs --plugin-docs: schema and markup of
#      every module/plugin DOCUMENTATION and every role's meta/argument_specs.yml,
#      extra docs (docs/docsite/), references, rstcheck of the generated RST
#   4. HTML site: antsibull-docs sphinx-init + antsibull-docs collection (RST for
#      modules, plugins, roles) + sphinx-build -W => docs/build/html/index.html
# Runs every step, then exits non-zero if any failed.
#
# Works offline: Sphinx's intersphinx inventories (docs.python.org,
# docs.ansible.com) are not fetched; references to other collections' and
# Ansible's docs are rendered as plain text in the HTML.
# antsibull-docs sees only this collection plus the ones in DOCS_REF_COLLECTIONS
# (taken from the `ansible` pip package): references like M(ansible.posix.firewalld)
# to those are validated; references to any other collection are not checked.
# (Letting it see all ~100 collections of the `ansible` package takes ~7 min.)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/.venv/bin:$PATH"
: "${DOCS_REF_COLLECTIONS:=ansible.posix containers.podman}"
SECONDS=0

cpath=$root/.build/docs-collections
rm -rf "$cpath"
mkdir -p "$cpath/ansible_collections/hacluster"
ln -s "$root" "$cpath/ansible_collections/hacluster/pacemaker"
site_packages=$(python -c 'import ansible, os; print(os.path.dirname(os.path.dirname(ansible.__file__)))')
for c in $DOCS_REF_COLLECTIONS; do
  src=$site_packages/ansible_collections/${c%%.*}/${c#*.}
  [ -d "$src" ] || { echo "ERROR: collection $c not found in $site_packages" >&2; exit 1; }
  mkdir -p "$cpath/ansible_collections/${c%%.*}"
  ln -s "$src" "$cpath/ansible_collections/${c%%.*}/${c#*.}"
done
export ANSIBLE_COLLECTIONS_PATH=$cpath ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
coll=$cpath/ansible_collections/hacluster/pacemaker
out=$root/docs/build
site=$out/sphinx

failed=()
echo "=== antsibull-changelog lint"
antsibull-changelog lint || failed+=(antsibull-changelog)

echo "=== docs/docsite/rst up to date with docs/*.md"
python scripts/docsite.py --check || failed+=(docsite)

echo "=== antsibull-docs lint-collection-docs"
(cd "$coll" && antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs \
  --validate-collection-refs=all .) || failed+=(lint-collection-docs)

echo "=== HTML site"
conf_extra='
# Added by scripts/docs.sh: the build runs offline, so no intersphinx inventories,
# and references to labels outside this collection (Ansible docsite, other
# collections) stay unresolved. References inside the collection are still checked.
intersphinx_mapping = {}
nitpick_ignore_regex = [("std:ref", r"(?!ansible_collections\.hacluster\.pacemaker\.).*")]
'
# set -e does not apply inside a function whose status is tested, hence `|| return 1`.
html() {
  rm -rf "$out" && mkdir -p "$site/rst" || return 1
  # antsibull-docs refuses directories that others can write to
  chmod 0700 "$out" "$site" "$site/rst" || return 1
  antsibull-docs sphinx-init --use-current --squash-hierarchy --fail-on-error \
    --no-add-antsibull-docs-version \
    --project hacluster.pacemaker --copyright "hacluster.pacemaker contributors" \
    --title "hacluster.pacemaker collection" --html-short-title "hacluster.pacemaker" \
    --dest-dir "$site" hacluster.pacemaker >/dev/null || return 1
  printf '%s' "$conf_extra" >> "$site/conf.py" || return 1
  antsibull-docs --config-file "$site/antsibull-docs.cfg" collection --cleanup everything \
    --use-current --squash-hierarchy --fail-on-error --dest-dir "$site/rst" \
    hacluster.pacemaker || return 1
  sphinx-build -q -b html -W --keep-going -c "$site" "$site/rst" "$out/html" || return 1
}
html || failed+=(html)

if ((${#failed[@]})); then
  echo "docs: FAILED: ${failed[*]} (${SECONDS}s)"
  exit 1
fi
echo "docs: ok, docs/build/html/index.html (${SECONDS}s)"
