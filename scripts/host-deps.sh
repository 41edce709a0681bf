#!/usr/bin/env bash
# Installs the host packages this project needs (Debian bookworm). Idempotent.
set -euo pipefail
pkgs=(pacemaker pacemaker-cli-utils corosync pcs podman runc debootstrap
      uidmap slirp4netns fuse-overlayfs git rsync make shellcheck)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d: no systemd here, and we start daemons ourselves in tests
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
  rm -f /usr/sbin/policy-rc.d
fi

# booth's config parser as an oracle for the booth.conf unit tests. bookworm's
# boothd hangs as a daemon on kernels >= 6.9, but parses configs fine; it is
# unpacked aside (not installed) so it never runs as a service here.
booth_root=/var/cache/hacluster-test/booth
if [ ! -x "$booth_root/usr/sbin/boothd" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq booth >/dev/null && dpkg-deb -x booth_*.deb "$booth_root")
  rm -rf "$tmp"
fi
