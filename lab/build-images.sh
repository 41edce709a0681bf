#!/usr/bin/env bash
# Builds the lab images from Debian trixie with debootstrap (no registry needed):
#   localhost/hacluster-node:<hash>    pacemaker, corosync, pcs, booth, firewalld
#   localhost/hacluster-remote:<hash>  pacemaker-remote, pcs, firewalld
# <hash> is lab_recipe_hash (lib.sh): change this file and the tag changes.
# Existing tags are skipped. The debootstrap base tarball, downloaded .debs and
# apt lists are cached in $LAB_CACHE (default /var/cache/hacluster-lab).
# Usage: lab/build-images.sh [node|remote]...   (default: both)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ---- recipe ---------------------------------------------------------------
BASE_INCLUDE="systemd,systemd-sysv,dbus,iproute2,python3"
# netbase: /etc/protocols, without which bookworm's firewalld cannot start ("INVALID_PROTOCOL: esp")
COMMON_PKGS=(python3-apt procps netbase resource-agents pcs firewalld python3-lxml)
NODE_PKGS=(pacemaker pacemaker-cli-utils corosync booth booth-pacemaker python3-jmespath)
REMOTE_PKGS=(pacemaker-remote)
# ---------------------------------------------------------------------------

[[ $EUID -eq 0 ]] || die "run as root (debootstrap, chroot, podman)"
for t in debootstrap podman unshare chroot; do
  command -v "$t" >/dev/null || die "$t missing: run scripts/host-deps.sh"
done

kinds=("$@"); ((${#kinds[@]})) || kinds=(node remote)
missing() {  # the kinds asked for whose image of this recipe is not there yet
  todo=()
  local k
  for k in "${kinds[@]}"; do
    [[ $k == node || $k == remote ]] || die "unknown image kind '$k'"
    lab_image_exists "$(lab_image "$k")" || todo+=("$k")
  done
  ((${#todo[@]}))
}
missing || { log "images up to date: $(lab_image node) $(lab_image remote)"; exit 0; }

mkdir -p "$LAB_CACHE"/{logs,work}
exec 9>"$LAB_CACHE/build.lock"
flock 9
# the lab and the offline steps run side by side (scripts/test.sh): whoever
# waited for the lock may find its images built meanwhile
missing || { log "images built meanwhile: $(lab_image node) $(lab_image remote)"; exit 0; }
t0=$SECONDS

# ---- stage 1: debootstrap base tarball (cached by its own recipe) ----------
base_key=$(printf '%s %s %s minbase\n' "$LAB_SUITE" "$LAB_MIRROR" "$BASE_INCLUDE" | sha256sum | cut -c1-12)
base_tar="$LAB_CACHE/base-$LAB_SUITE-$base_key.tar"
if [[ ! -s $base_tar ]]; then
  say "debootstrap $LAB_SUITE base (cached afterwards in $base_tar)"
  rootfs="$LAB_CACHE/work/base"
  rm -rf "$rootfs"; mkdir -p "$LAB_CACHE/debs"
  if ! debootstrap --variant=minbase --include="$BASE_INCLUDE" \
        --cache-dir="$LAB_CACHE/debs" "$LAB_SUITE" "$rootfs" "$LAB_MIRROR" \
        >"$LAB_CACHE/logs/debootstrap.log" 2>&1; then
    tail -n 30 "$LAB_CACHE/logs/debootstrap.log" >&2
    tail -n 30 "$rootfs/debootstrap/debootstrap.log" >&2 2>/dev/null || true
    die "debootstrap failed (log: $LAB_CACHE/logs/debootstrap.log)"
  fi
  tar -C "$rootfs" --numeric-owner -cf "$base_tar.tmp" .
  mv "$base_tar.tmp" "$base_tar"
  rm -rf "$rootfs"
fi
t_base=$((SECONDS - t0))

# ---- stage 2: one image per kind (run in parallel) -------------------------
# Runs in the chroot. $1 = kind.
configure_script() {
  cat <<SCRIPT
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8
kind=\$1; shift
# Faster dpkg (no fsync; the build is thrown away on failure), no docs/locales.
echo force-unsafe-io > /etc/dpkg/dpkg.cfg.d/zz-lab-unsafe-io
cat > /etc/dpkg/dpkg.cfg.d/zz-lab-nodoc <<'X'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
X
apt-get update -qq
apt-get install -y -qq --no-install-recommends "\$@" >/dev/null
# Lab-only password so that 'pcs host auth' works.
echo 'hacluster:$LAB_PASSWORD' | chpasswd
# Debian's corosync ships a one-node cluster config and autostarts it; pcs then
# says "host seems to be in a cluster already". Remove it, no autostart.
rm -f /etc/corosync/corosync.conf /etc/corosync/authkey
for u in corosync pacemaker pacemaker_remote; do
  systemctl disable \$u.service >/dev/null 2>&1 || true
done
systemctl enable pcsd.service firewalld.service >/dev/null 2>&1
# pcsd's scheduler looks at its worker processes every 100 ms
# (PCSD_CHECK_INTERVAL_MS): two thirds of an idle remote host's CPU, in each of
# the up to 17 containers that run side by side in make test (docs/testing.md,
# session 28). Twice a second in the lab: a request through pcsd (pcs host auth,
# cluster setup) may wait up to half a second longer. Older pcs ignores it.
echo PCSD_CHECK_INTERVAL_MS=500 >> /etc/default/pcsd
# Under make test's load on a slow machine, pcsd's Ruby half took longer than
# systemd's 90 s to start and failed the lab's boot (session 29, bullseye):
# five minutes, in the lab only.
for u in pcsd pcsd-ruby; do
  mkdir -p /etc/systemd/system/\$u.service.d
  printf '[Service]\nTimeoutStartSec=300\n' > /etc/systemd/system/\$u.service.d/lab-start-timeout.conf
done
# Each container gets its own machine-id at boot.
: > /etc/machine-id; rm -f /var/lib/dbus/machine-id /etc/hostname
# Units that only fail or wait in a container.
systemctl mask systemd-firstboot.service systemd-modules-load.service systemd-udevd.service systemd-udev-trigger.service \
  systemd-udev-settle.service getty@tty1.service console-getty.service \
  systemd-networkd-wait-online.service >/dev/null 2>&1
rm -f /etc/dpkg/dpkg.cfg.d/zz-lab-unsafe-io /var/cache/apt/*.bin
# no 'apt-get clean': /var/cache/apt/archives is the host's .deb cache (bind mount)
SCRIPT
}

build_kind() {  # build_kind KIND PKG...
  local kind=$1; shift
  local image; image=$(lab_image "$kind")
  local rootfs="$LAB_CACHE/work/$kind" debs="$LAB_CACHE/debs-$kind" lists="$LAB_CACHE/lists"
  rm -rf "$rootfs"; mkdir -p "$rootfs" "$debs/partial"
  tar -C "$rootfs" -xf "$base_tar" --exclude="./var/cache/apt/archives/*.deb"
  echo "deb $LAB_MIRROR $LAB_SUITE main" > "$rootfs/etc/apt/sources.list"
  rm -f "$rootfs"/etc/apt/sources.list.d/*
  # Reuse apt lists from an earlier build (apt-get update then only revalidates).
  if [[ -d $lists ]]; then cp -a "$lists/." "$rootfs/var/lib/apt/lists/" 2>/dev/null || true; fi
  printf '#!/bin/sh\nexit 101\n' > "$rootfs/usr/sbin/policy-rc.d"
  chmod +x "$rootfs/usr/sbin/policy-rc.d"
  configure_script > "$rootfs/tmp/configure.sh"
  # Private mount namespace: /proc, /dev and the .deb cache vanish with it.
  # shellcheck disable=SC2016  # the script is expanded by the inner bash
  unshare --mount --propagation private bash -euc '
    r=$1; debs=$2; shift 2
    mount -t proc proc "$r/proc"
    mount --rbind /dev "$r/dev"
    mount --bind "$debs" "$r/var/cache/apt/archives"
    chroot "$r" /bin/bash /tmp/configure.sh "$@"
  ' _ "$rootfs" "$debs" "$kind" "$@"
  rm -f "$rootfs/usr/sbin/policy-rc.d" "$rootfs/tmp/configure.sh"
  if [[ $kind == node ]]; then  # share refreshed lists with the next build
    mkdir -p "$lists.new"; cp -a "$rootfs/var/lib/apt/lists/." "$lists.new/"
    rm -f "$lists.new/lock"; rm -rf "$lists.new/partial"
    rm -rf "$lists"; mv "$lists.new" "$lists"
  fi
  tar -C "$rootfs" --numeric-owner -c . |
    podman import --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL SIGRTMIN+3' \
      --change "LABEL hacluster-lab.recipe=$(lab_recipe_hash)" \
      --change "LABEL hacluster-lab.suite=$LAB_SUITE" - "$image" >/dev/null
  rm -rf "$rootfs"
}

declare -A pids
for k in "${todo[@]}"; do
  if [[ $k == node ]]; then pkgs=("${COMMON_PKGS[@]}" "${NODE_PKGS[@]}")
  else pkgs=("${COMMON_PKGS[@]}" "${REMOTE_PKGS[@]}"); fi
  ( PS4='+ $(date +%T) '; set -x; build_kind "$k" "${pkgs[@]}" ) >"$LAB_CACHE/logs/build-$k.log" 2>&1 &
  pids[$k]=$!
done
rc=0
for k in "${!pids[@]}"; do
  if ! wait "${pids[$k]}"; then
    rc=1; tail -n 40 "$LAB_CACHE/logs/build-$k.log" >&2
    say "building $(lab_image "$k") failed (log: $LAB_CACHE/logs/build-$k.log)"
  fi
done
((rc == 0)) || exit 1
# Drop lab images of older recipes of this suite that no container uses (the
# images of the other suites stay: lab/test.sh runs on several).
while read -r old suite; do
  [[ -z $suite || $suite == "<no value>" || $suite == "$LAB_SUITE" ]] || continue
  [[ $old == "$(lab_image node)" || $old == "$(lab_image remote)" ]] || podman rmi "$old" >/dev/null 2>&1 || true
done < <(podman images --filter label=hacluster-lab.recipe \
           --format '{{.Repository}}:{{.Tag}} {{index .Labels "hacluster-lab.suite"}}')
say "built ${todo[*]} image(s) in $((SECONDS - t0)) s (base stage ${t_base} s): $(lab_image node) $(lab_image remote)"
