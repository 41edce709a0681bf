#!/usr/bin/env bash
# Returns running lab containers to the state lab/up.sh left them in (pcs
# clusters set up and started, nothing of the collection's) without rebooting
# them, so that the scenarios of one suite share one boot (lab/test.sh).
#
# up.sh keeps, in each container it set up, a tar of the paths below as they
# were then (/var/lib/hacluster-lab/pristine.tar). A reset stops the cluster
# services (cluster nodes first: they stop the remote connections and the
# booth sites' resources cleanly), puts those paths back exactly (files the
# scenario added are removed), empties the CIB, reloads systemd and firewalld
# and restarts pcsd; then up.sh starts the clusters again and sets what it set.
# A host still marked pristine (nothing was handed out since its last reset or
# boot) is skipped; a container that does not run is left to the next up.sh.
# A reset that fails removes the containers concerned: the next up.sh boots
# them anew.
# Usage: lab/reset.sh [base|remote|remote-b|remote-c|remote-d|geo|geo-b|all|standard|bench|scale:N]   (default: all)
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap 'say "ERROR: reset.sh stopped at line $LINENO: $BASH_COMMAND (exit $?)"' ERR

sel=${1:-all}
hosts_of_sel=$(lab_selection "$sel") || die "usage: $0 [$LAB_SELECTIONS]"
mapfile -t hosts <<<"$hosts_of_sel"
t0=$SECONDS

todo=() nodes=()
for h in "${hosts[@]}"; do
  [[ $(podman inspect -f '{{.State.Running}}' "$h" 2>/dev/null) == true ]] || continue
  lx "$h" test -e "$LAB_PRISTINE_MARK" 2>/dev/null && continue
  lx "$h" test -s "$LAB_SNAPSHOT" 2>/dev/null || {
    say "$h has no snapshot of its first state: removing it (up.sh boots it anew)"
    podman rm -f -t 0 "$h" >/dev/null
    continue
  }
  todo+=("$h")
  [[ ${LAB_KIND[$h]} == node ]] && nodes+=("$h")
done
((${#todo[@]})) || { log "reset ($sel): nothing to do"; exit 0; }

stop_cluster() {  # graceful: the resources stop, the VIPs go, nothing is fenced
  lx "$1" timeout 180 systemctl stop pacemaker.service &&
    lx "$1" timeout 60 systemctl stop corosync.service
}
# The cluster nodes are down by now: what is left is killed. A guest node's
# pacemaker-remoted waits 60 s for a cluster that is gone, and pcsd-ruby
# (puma) at times 90 s for requests to finish.
restore() {
  local h=$1
  # shellcheck disable=SC2016  # the script runs in the container: $1, $2 are its arguments
  lx "$h" sh -ec '
    daemons="booth@*.service pacemaker_remote.service pacemaker.service corosync.service"
    daemons="$daemons pcsd.service pcsd-ruby.service"
    systemctl kill -s KILL $daemons 2>/dev/null || true
    timeout 60 systemctl stop $daemons 2>/dev/null || true
    pkill -9 -x boothd || true
    cd /
    for p in $(cat "$1"); do rm -rf "./$p"; done
    tar -xpf "$2"
    rm -rf /var/lib/pacemaker/cib/* /var/lib/pacemaker/pengine/* /run/resource-agents/* /tmp/wk /var/log/fence_lab.log
    systemctl daemon-reload
    systemctl reset-failed
  ' sh "$LAB_SNAPSHOT_PATHS" "$LAB_SNAPSHOT"
  log "$h: files back after $((SECONDS - t0)) s"
  if lx "$h" systemctl is-active -q firewalld; then
    retry 3 "firewall-cmd --reload in $h" quiet lx "$h" firewall-cmd --reload
  else
    retry 3 "starting firewalld in $h" start_unit "$h" firewalld
  fi
  log "$h: firewalld reloaded after $((SECONDS - t0)) s"
  retry 3 "starting pcsd in $h" start_pcsd "$h"
  log "$h: pcsd started after $((SECONDS - t0)) s"
}

declare -A pids
bad=()
for h in "${nodes[@]}"; do stop_cluster "$h" & pids[$h]=$!; done
for h in "${nodes[@]}"; do wait "${pids[$h]}" || say "warning: cluster services in $h did not stop cleanly"; done
t_stop=$((SECONDS - t0))
for h in "${todo[@]}"; do restore "$h" & pids[$h]=$!; done
for h in "${todo[@]}"; do wait "${pids[$h]}" || bad+=("$h"); done
t_restore=$((SECONDS - t0))
if ((${#bad[@]})) || ! bash "$LAB_DIR/up.sh" "$sel"; then
  # removed is as clean as reset: the caller (a scenario's destroy) goes on
  say "reset ($sel) failed${bad:+ in ${bad[*]}}: removing ${todo[*]} (the next up.sh boots them anew)"
  for h in "${todo[@]}"; do podman rm -f -t 0 "$h" >/dev/null; done
  exit 0
fi
for h in "${hosts[@]}"; do lx "$h" touch "$LAB_PRISTINE_MARK"; done
say "lab reset ($sel) in $((SECONDS - t0)) s (clusters stopped after $t_stop s, files back after $t_restore s): ${todo[*]}"
