#!/usr/bin/env bash
# Builds the execution environment of execution-environment.yml on this
# machine, where no registry and no Galaxy are reachable, then runs tests/ee
# against it (jobs through ansible-runner in the image). `make ee`.
#   1. the collection artifact: ansible-galaxy collection build -> .build/ee/
#      (where the published definition's additional_build_files takes it from)
#   2. a local base image for its base_image: the lab's cached debootstrap
#      tarball of Debian $EE_SUITE (made by lab/build-images.sh), imported, plus
#      ee-apt, a dnf-style front end to apt-get for ansible-builder's scripts
#      (they run "$PKGMGR install -y PKG..." and "$PKGMGR clean all")
#   3. a local definition derived from the published one (.build/ee/local/):
#      that base, Debian's python3 and pip, ee-apt as package manager, the venv's
#      copies of the collections galaxy.yml depends on, as collection
#      directories in the context (ansible-galaxy --offline) instead of Galaxy
#   4. ansible-builder build with podman -> localhost/hacluster-pacemaker-ee:<hash>,
#      <hash> of all inputs; an existing tag is not built again
#   5. pytest tests/ee with HACLUSTER_EE_IMAGE=<tag>
# pip in the build uses this machine's index and CA bundle (mounted, not kept in
# the image); apt uses the mirror lab/lib.sh finds.
# Usage: scripts/ee.sh [--build-only] [PYTEST_ARGS...]
#   EE_SUITE (default trixie) picks the base tarball; LAB_CACHE as in lab/lib.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/.venv/bin:$PATH"
# Debian trixie: Python 3.13 (ansible-core 2.19 needs 3.11+), Pacemaker 3.0
export LAB_SUITE="${EE_SUITE:-trixie}"
source lab/lib.sh

build_only=false
if [[ ${1:-} == --build-only ]]; then build_only=true; shift; fi
note() { echo "ee: $*" >&2; }
fail() { echo "ee: ERROR: $*" >&2; exit 1; }
drop_other_tags() {  # drop_other_tags REPO KEEP: images of earlier inputs (unless in use)
  local old
  while read -r old; do
    [[ $old == "$2" ]] || podman rmi "$old" >/dev/null 2>&1 || true
  done < <(podman images --format '{{.Repository}}:{{.Tag}}' "$1")
}
command -v podman >/dev/null || fail "podman missing: run scripts/host-deps.sh"
command -v ansible-builder >/dev/null || fail "ansible-builder missing: run scripts/venv.sh"

work=$root/.build/ee
local_dir=$work/local
mkdir -p "$work" "$local_dir/pip"
t0=$SECONDS

# ---- 1. the collection artifact ---------------------------------------------
# A new artifact replaces the old one only when its content differs (its bytes
# differ on every build: time stamps), so that podman's layer cache holds.
manifests() { tar -xOzf "$1" MANIFEST.json FILES.json; }  # FILES.json: every file's sha256
rm -rf "$work/new"
ansible-galaxy collection build --force --output-path "$work/new" . >/dev/null
new=$(echo "$work"/new/hacluster-pacemaker-*.tar.gz)
[[ -s $new ]] || fail "ansible-galaxy collection build made no artifact in $work/new"
artifact=$work/$(basename "$new")
if [[ -s $artifact ]] && cmp -s <(manifests "$new") <(manifests "$artifact"); then
  rm -rf "$work/new"
else
  rm -f "$work"/hacluster-pacemaker-*.tar.gz
  mv "$new" "$artifact" && rm -rf "$work/new"
fi

# ---- 2. the local base image -------------------------------------------------
newest_base_tar() {
  local f best=
  for f in "$LAB_CACHE/base-$LAB_SUITE-"*.tar; do
    [[ -s $f && ( -z $best || $f -nt $best ) ]] && best=$f
  done
  echo "$best"
}
base_tar=$(newest_base_tar)
if [[ -z $base_tar ]]; then
  note "no $LAB_SUITE base tarball in $LAB_CACHE: lab/build-images.sh makes it"
  bash lab/build-images.sh node
  base_tar=$(newest_base_tar)
  [[ -n $base_tar ]] || fail "still no base tarball in $LAB_CACHE: lab/build-images.sh makes it only" \
    "when it builds an image; remove $(lab_image node) or point LAB_CACHE at the cache that has it"
fi

# The EE has no use for the tarball's apt lists and .debs, docs, man pages and
# locales (half of its ~290 MB): they are left out of the import.
base_ctx=$work/base
rm -rf "$base_ctx" && mkdir -p "$base_ctx"
cat > "$base_ctx/rootfs-filter.py" <<'EOF'
"""Copies the tar archive argv[1] to stdout without apt's lists and .debs, docs, man pages and locales."""
import fnmatch
import sys
import tarfile

DROP = ["./var/cache/apt/archives/*.deb", "./var/cache/apt/*.bin", "./var/lib/apt/lists/*_*",
        "./usr/share/man/*", "./usr/share/info/*", "./usr/share/locale/*", "./usr/share/doc/*"]
KEEP = ["./usr/share/doc/*/copyright"]
with tarfile.open(sys.argv[1]) as src, tarfile.open(fileobj=sys.stdout.buffer, mode="w|") as dst:
    for m in src:
        if (not m.isdir() and any(fnmatch.fnmatch(m.name, p) for p in DROP)
                and not any(fnmatch.fnmatch(m.name, p) for p in KEEP)):
            continue
        dst.addfile(m, src.extractfile(m) if m.isreg() else None)
EOF
cat > "$base_ctx/ee-apt" <<'EOF'
#!/bin/sh
# dnf-style front end to apt-get for ansible-builder's scripts (scripts/ee.sh):
# "install [-y] PKG... [-y]" and "clean all"; lists are fetched for each install
# and removed on clean, so that the image keeps none.
set -e
export DEBIAN_FRONTEND=noninteractive
case "$1" in
  install) shift
    apt-get update -qq
    exec apt-get install -y -qq --no-install-recommends "$@" ;;
  clean) apt-get clean; rm -rf /var/lib/apt/lists/*; exit 0 ;;
  *) exec apt-get "$@" ;;
esac
EOF
chmod 0755 "$base_ctx/ee-apt"
# what later installs leave out (as the lab images do)
cat > "$base_ctx/zz-ee-nodoc" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
EOF
rootfs_image=localhost/hacluster-ee-rootfs:$({ basename "$base_tar"; cat "$base_ctx/rootfs-filter.py"; } |
  sha256sum | cut -c1-12)
cat > "$base_ctx/Containerfile" <<EOF
FROM $rootfs_image
COPY ee-apt /usr/local/sbin/ee-apt
COPY zz-ee-nodoc /etc/dpkg/dpkg.cfg.d/zz-ee-nodoc
RUN echo "deb $LAB_MIRROR $LAB_SUITE main" > /etc/apt/sources.list
CMD ["/bin/bash"]
EOF
base_image=localhost/hacluster-ee-base:$(cat "$base_ctx"/* | sha256sum | cut -c1-12)
if ! lab_image_exists "$base_image"; then
  if ! lab_image_exists "$rootfs_image"; then
    note "importing $base_tar as $rootfs_image"
    python "$base_ctx/rootfs-filter.py" "$base_tar" |
      podman import -q --change 'CMD ["/bin/bash"]' - "$rootfs_image" >/dev/null
  fi
  podman build -q --network none -t "$base_image" "$base_ctx" >/dev/null
fi

# ---- 3. the local definition, derived from the published one ---------------
# pip inside the build: this machine's index (if one is set) and CA bundle
cert=${PIP_CERT:-$(pip config get global.cert 2>/dev/null || true)}
[[ -n $cert ]] || cert=/etc/ssl/certs/ca-certificates.crt
index=${PIP_INDEX_URL:-$(pip config get global.index-url 2>/dev/null || true)}
rm -f "$local_dir/pip/"*
{
  echo "[global]"
  if [[ -s $cert ]]; then cp "$cert" "$local_dir/pip/ca.crt"; echo "cert = /etc/xdg/pip/ca.crt"; fi
  [[ -z $index ]] || echo "index-url = $index"
} > "$local_dir/pip/pip.conf"

python - "$root" "$local_dir" "$base_image" "$artifact" <<'EOF'
"""Writes LOCAL/execution-environment.yml: the published definition with the
local base image, Debian's Python, ee-apt, and galaxy.yml's dependencies from
the venv's collections instead of Galaxy."""
import os
import sys
import sysconfig

import yaml

root, local, base_image, artifact = sys.argv[1:]
with open(os.path.join(root, "execution-environment.yml")) as f:
    ee = yaml.safe_load(f)
with open(os.path.join(root, "galaxy.yml")) as f:
    galaxy = yaml.safe_load(f)


def fail(msg):
    sys.exit("ee: ERROR: " + msg)


# The published definition must name the artifact this galaxy.yml builds.
name = os.path.basename(artifact)
files = ee.get("additional_build_files", [])
colls = ee["dependencies"]["galaxy"]["collections"]
if not any(os.path.basename(e["src"]) == name for e in files) or not any(
    c.get("type") == "file" and os.path.basename(c["name"]) == name for c in colls
):
    fail(f"execution-environment.yml does not name {name} (galaxy.yml's version) in additional_build_files and galaxy")
for e in files:  # relative to the published definition
    e["src"] = os.path.join(root, e["src"])

# galaxy.yml's dependencies: the venv's copies, as collection directories in
# the context (installed collections: MANIFEST.json, no galaxy.yml; the `ansible`
# package drops some of the files their FILES.json lists, so no artifact)
site = os.path.join(sysconfig.get_paths()["purelib"], "ansible_collections")
for fqcn in galaxy.get("dependencies", {}):
    files.append({"src": os.path.join(site, *fqcn.split(".")), "dest": "collections/" + fqcn})
    colls.append({"name": "collections/" + fqcn, "type": "dir"})
for c in colls:
    if c.get("type") not in ("file", "dir"):
        fail(f"{c['name']} would come from Galaxy: add it to galaxy.yml's dependencies or to this script")

ee["additional_build_files"] = files
ee["images"]["base_image"]["name"] = base_image
# Debian: pip from python3-pip (Debian disables ensurepip, which the builder's
# pip_install step runs, for its system python)
ee["dependencies"]["python_interpreter"] = {"package_system": "python3-pip", "python_path": "/usr/bin/python3"}
ee.setdefault("options", {}).update(package_manager_path="/usr/local/sbin/ee-apt", skip_pip_install=True)
ee.setdefault("build_arg_defaults", {})["ANSIBLE_GALAXY_CLI_COLLECTION_OPTS"] = "--offline"
with open(os.path.join(local, "execution-environment.yml"), "w") as f:
    f.write("# Written by scripts/ee.sh from ../../../execution-environment.yml; do not edit.\n")
    yaml.safe_dump(ee, f, sort_keys=False)
EOF

# ---- 4. the image, tagged by the hash of its inputs ----------------------------
# collections by their MANIFEST.json and FILES.json
hash=$({
  cat "$root/scripts/ee.sh" "$local_dir/execution-environment.yml" "$local_dir/pip/pip.conf"
  manifests "$artifact"
  python - "$local_dir/execution-environment.yml" <<'EOF'
import os, sys, yaml
for e in yaml.safe_load(open(sys.argv[1]))["additional_build_files"]:
    for f in ("MANIFEST.json", "FILES.json"):
        if os.path.isdir(e["src"]):
            sys.stdout.write(open(os.path.join(e["src"], f)).read())
EOF
  ansible-builder --version
} | sha256sum | cut -c1-12)
image=localhost/hacluster-pacemaker-ee:$hash
if lab_image_exists "$image"; then
  note "$image is up to date"
else
  note "building $image (log: $work/build.log)"
  tb=$SECONDS
  brc=0  # (the context stays: ansible-builder rewrites only changed files, which keeps the cache)
  ansible-builder build -f "$local_dir/execution-environment.yml" -c "$local_dir/context" \
    --container-runtime podman -t "$image" -v 3 \
    --extra-build-cli-args="-v $local_dir/pip:/etc/xdg/pip:ro" >"$work/build.log" 2>&1 || brc=$?
  # The untagged images of the build's steps (podman's layer cache: the next
  # build reuses those before the first changed input); $work/layers keeps the
  # ones of earlier builds, removed once a build succeeds without them.
  layers=$(sed -n 's/^--> \([0-9a-f]\{6,\}\)$/\1/p' "$work/build.log")
  if ((brc)); then
    echo "$layers" >> "$work/layers"
    tail -n 40 "$work/build.log" >&2
    fail "ansible-builder build failed (log: $work/build.log)"
  fi
  note "built $image in $((SECONDS - tb)) s"
  drop_other_tags localhost/hacluster-pacemaker-ee "$image"
  drop_other_tags localhost/hacluster-ee-base "$base_image"
  drop_other_tags localhost/hacluster-ee-rootfs "$rootfs_image"
  # newest first (a step before its parents); removing a step removes its
  # parents that nothing else uses
  mapfile -t stale < <(tac "$work/layers" 2>/dev/null | grep -vxF -f <(echo "$layers") || true)
  ((${#stale[@]} == 0)) || podman rmi "${stale[@]}" >/dev/null 2>&1 || true
  echo "$layers" > "$work/layers"
fi
size=$(podman image inspect --format '{{.Size}}' "$image")
note "image $image: $((size / 1000000)) MB (podman image inspect), base $base_image; $((SECONDS - t0)) s so far"
$build_only && exit 0

# ---- 5. the tests ------------------------------------------------------------
export HACLUSTER_EE_IMAGE=$image
prc=0
pytest tests/ee -p no:cacheprovider "$@" || prc=$?
((prc == 5)) && echo "ee: pytest collected no tests" >&2
note "done in $((SECONDS - t0)) s"
exit $prc
