#!/usr/bin/env bash
# Removes the lab containers and the lab network. Idempotent. Images stay.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ids=$(podman ps -aq --filter "label=$LAB_LABEL")
[[ -z $ids ]] || podman rm -f -t 5 $ids >/dev/null
if podman network exists "$LAB_NET"; then
  # fails if a container not started by lab/ (e.g. molecule) still uses it
  podman network rm "$LAB_NET" >/dev/null || die "network $LAB_NET still in use"
fi
