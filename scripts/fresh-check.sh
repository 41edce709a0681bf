#!/usr/bin/env bash
# The fresh-machine check: a fresh clone of this repository, run in a clean
# Debian 12 root filesystem that has none of this project's packages,
# directories, caches or users, must install what it needs (`make deps`) and
# pass its unit and offline functional tests. Anything an install step takes
# from the developer's machine instead of installing it fails here.
#
# The rootfs (debootstrap bookworm minbase + what a machine of this kind comes
# with: python3, git, make) is cached as a tarball keyed by its recipe, and
# unpacked anew for every run. Download caches (.debs, pip wheels) are shared
# between runs: they make downloads faster, but nothing is installed from them
# that the install steps do not ask for.
#
# Usage: scripts/fresh-check.sh [REPO]   (default: this checkout; clones HEAD)
# Env:   FRESH_CHECK_KEEP=1 keeps the rootfs for a look (path printed).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
repo=${1:-$here}
source "$here/lab/lib.sh"

[[ $EUID -eq 0 ]] || die "fresh-check: run as root (debootstrap, chroot)"
for t in debootstrap unshare chroot git; do
  command -v "$t" >/dev/null || die "fresh-check: $t missing: run scripts/host-deps.sh"
done

suite=bookworm
include=python3,git,make
cache=$LAB_CACHE/fresh
key=$( { printf '%s %s %s\n' "$suite" "$LAB_MIRROR" "$include"; } | sha256sum | cut -c1-12)
tarball=$cache/rootfs-$suite-$key.tar
mkdir -p "$cache/debs/partial" "$cache/pip" "$cache/logs"
t0=$SECONDS

exec 8>"$cache/lock"
flock 8
if [[ ! -s $tarball ]]; then
  say "fresh-check: debootstrap $suite (cached afterwards in $tarball)"
  tmp=$cache/build-rootfs; rm -rf "$tmp"
  if ! debootstrap --variant=minbase --include="$include" --cache-dir="$cache/debs" \
        "$suite" "$tmp" "$LAB_MIRROR" >"$cache/logs/debootstrap.log" 2>&1; then
    tail -n 30 "$cache/logs/debootstrap.log" >&2
    die "fresh-check: debootstrap failed (log: $cache/logs/debootstrap.log)"
  fi
  tar -C "$tmp" --numeric-owner -cf "$tarball.tmp" .
  mv "$tarball.tmp" "$tarball"; rm -rf "$tmp"
fi
t_rootfs=$((SECONDS - t0))

root=$(mktemp -d "$cache/run.XXXXXX")
cleanup() {
  if [[ -n ${FRESH_CHECK_KEEP:-} ]]; then say "fresh-check: rootfs kept in $root"; else rm -rf "$root"; fi
}
trap cleanup EXIT
tar -C "$root" -xf "$tarball"
# What the machine itself provides, as a new machine of this kind has it:
# name resolution, apt's mirror, pip's configuration, the local CAs that
# ca-certificates adds to the trust store when installed. Nothing of this project.
cp /etc/resolv.conf "$root/etc/resolv.conf"
if [[ -d /usr/local/share/ca-certificates ]]; then
  mkdir -p "$root/usr/local/share"; cp -a /usr/local/share/ca-certificates "$root/usr/local/share/"
fi
echo "deb $LAB_MIRROR $suite main" > "$root/etc/apt/sources.list"
for f in /etc/pip.conf /etc/xdg/pip; do
  [[ -e $f ]] && { mkdir -p "$root$(dirname "$f")"; cp -a "$f" "$root$f"; }
done
[[ -n $(git -C "$repo" status --porcelain 2>/dev/null) ]] &&
  say "fresh-check: note: uncommitted changes in $repo are not part of the clone"
git clone -q --no-hardlinks "$repo" "$root/root/src"

# The run: make deps (twice: the second must be a no-op), then the tests that
# need no cluster and no containers: every unit and offline functional test
# (.ci/run runs them here only, not again on the host). CI=true turns the
# tests' skips for a missing tool into failures.
cat > "$root/root/fresh-run.sh" <<'SCRIPT'
set -euo pipefail
cd /root/src
s=$SECONDS; make deps; echo "fresh-check: make deps took $((SECONDS - s)) s"
s=$SECONDS; make deps >/dev/null; echo "fresh-check: second make deps took $((SECONDS - s)) s"
.venv/bin/pytest -q -p no:cacheprovider tests/unit tests/functional -m "not live and not host"
SCRIPT

# Private mount namespace: /proc, /dev, /sys and the cache mounts vanish with it.
# Only the environment a new login would have goes in (plus the pip/CI settings
# this machine kind sets), not this session's PATH or virtualenv.
envs=(HOME=/root LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin CI=true)
while IFS='=' read -r k v; do envs+=("$k=$v"); done < <(env | grep -E '^(PIP_[A-Z_]+|https?_proxy|no_proxy)=' || true)
log_file=$cache/logs/run-$(date +%Y%m%d-%H%M%S).log
say "fresh-check: make deps + unit/offline tests in a clean $suite rootfs (log: $log_file)"
rc=0
# shellcheck disable=SC2016  # expanded by the inner bash
unshare --mount --propagation private bash -euc '
  r=$1 cache=$2; shift 2
  mount -t proc proc "$r/proc"
  mount --rbind /dev "$r/dev"
  mount -t sysfs sysfs "$r/sys"
  mount -t tmpfs tmpfs "$r/tmp"
  mkdir -p "$r/var/cache/apt/archives" "$r/root/.cache/pip"
  mount --bind "$cache/debs" "$r/var/cache/apt/archives"
  mount --bind "$cache/pip" "$r/root/.cache/pip"
  exec chroot "$r" /usr/bin/env -i "$@" /bin/bash /root/fresh-run.sh
' _ "$root" "$cache" "${envs[@]}" >"$log_file" 2>&1 || rc=$?
grep -E '^fresh-check:|passed|failed|error' "$log_file" | tail -n 8 >&2 || true
if ((rc)); then
  tail -n 40 "$log_file" >&2
  die "fresh-check: FAILED (exit $rc) after $((SECONDS - t0)) s; full log: $log_file"
fi
say "fresh-check: passed in $((SECONDS - t0)) s (rootfs ${t_rootfs} s)"
