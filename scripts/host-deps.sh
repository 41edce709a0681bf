#!/usr/bin/env bash
# Installs the host packages this project needs (Debian bookworm). Idempotent,
# and assumes nothing of the machine: no apt lists, no caches, no directories
# of this project (the fresh-machine check, scripts/fresh-check.sh, proves it).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
# iproute2: ss, the oracle of host_info's listening ports (test_host_info)
# openssl: the oracle of certificate serial numbers and revocation (test_serial_numbers)
pkgs=(pacemaker pacemaker-cli-utils corosync pcs podman runc debootstrap
      uidmap slirp4netns fuse-overlayfs git rsync make shellcheck
      python3 python3-venv ca-certificates util-linux iproute2 openssl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
updated=
apt_update() { [[ -n $updated ]] || { apt-get update -qq; updated=1; }; }
if ((${#missing[@]})); then
  apt_update
  # policy-rc.d: no systemd here, and we start daemons ourselves in tests
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  rm -f /usr/sbin/policy-rc.d; trap - EXIT
fi

# booth's config parser as an oracle for the booth.conf unit tests. bookworm's
# boothd hangs as a daemon on kernels >= 6.9, but parses configs fine; it is
# unpacked aside (not installed) so it never runs as a service here.
booth_root=/var/cache/hacluster-test/booth
if [ ! -x "$booth_root/usr/sbin/boothd" ]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  # apt-get download needs package lists, which a fresh machine may not have yet
  (cd "$tmp" && apt-get download -qq booth >/dev/null 2>&1) ||
    { apt_update; (cd "$tmp" && apt-get download -qq booth >/dev/null); }
  mkdir -p "$booth_root.new"
  dpkg-deb -x "$tmp"/booth_*.deb "$booth_root.new"
  rm -rf "$booth_root"; mv "$booth_root.new" "$booth_root"
fi
