#!/usr/bin/env bash
# Removes lab containers and, with 'all' when none is left, the lab network.
# Idempotent. Images stay. The network stays after a part of the lab: the
# remote and geo scenarios run side by side on it (lab/test.sh), and one's
# destroy must not pull it from under the other's start.
# bench and scale:N (bench1 + rnode1..rnodeN) are the bench cluster's hosts,
# which 'all' does not include; 'all' does remove remote-b (node3, node4,
# remote2, guest2), geo-b (sitea2, siteb2, arbitrator2), remote-c and
# remote-d (lib.sh), which up.sh all does not start. 'standard' is the hosts of up.sh all alone (lab/test.sh
# ends the adopt run with it while the b sets still run).
# With LAB_KEEP=1 (lab/test.sh, while another scenario of the same suite is
# to come) the containers stay and lab/reset.sh returns them to their first
# state instead: the scenarios of a suite share one boot.
# Usage: lab/down.sh [base|remote|remote-b|remote-c|remote-d|geo|geo-b|all|standard|bench|scale:N]   (default: all)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ ${LAB_KEEP:-} == 1 ]] && exec bash "$LAB_DIR/reset.sh" "${1:-all}"
names_of_sel=$(lab_selection "${1:-all}") || die "usage: $0 [$LAB_SELECTIONS]"
mapfile -t names <<<"$names_of_sel"
[[ ${1:-all} == all ]] && names+=("${LAB_EXTRA_HOSTS[@]}")
for n in "${names[@]}"; do
  if podman container exists "$n"; then podman rm -f -t 0 "$n" >/dev/null; fi
done
if [[ ${1:-all} == all && -z $(podman ps -aq --filter "label=$LAB_LABEL") ]] &&
   podman network exists "$LAB_NET"; then
  # fails if a container not started by lab/ still uses it
  podman network rm "$LAB_NET" >/dev/null || die "network $LAB_NET still in use"
fi
