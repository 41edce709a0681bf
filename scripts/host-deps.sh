#!/usr/bin/env bash
# Installs the host packages this project needs (Debian bookworm). Idempotent.
set -euo pipefail
pkgs=(pacemaker pacemaker-cli-utils corosync pcs podman runc debootstrap
      uidmap slirp4netns fuse-overlayfs git rsync make)
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
