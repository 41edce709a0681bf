#!/usr/bin/env bash
# Starts the lab: privileged systemd containers on the podman network
# hacluster-lab, firewalld with the high-availability service open, and the pcs
# bootstrap the collection does not cover (host auth, cluster setup, start,
# and fencing: the fence device lab-fence with lab/fence_lab on each cluster).
#   cluster A: node1 + node2           (base, remote)
#   remote:    remote1, guest1         (pacemaker-remote image, not in a cluster)
#   remote-b:  cluster C: node3 + node4, and remote2, guest2 (a second remote set; not in all)
#   geo:       sitea1, siteb1 (one-node clusters site-a, cluster-b) + arbitrator1
#   geo-b:     sitea2, siteb2 (site-a2, cluster-b2) + arbitrator2 (a second geo set; not in all)
#   remote-c, remote-d: clusters D (node5, node6; remote3, guest3) and E (node7, node8;
#              remote4, guest4), as remote-b (lab/test.sh runs the older suites there; not in all)
#   bench:     bench1 (one-node cluster bench, for benchmarks/run.py; not in all)
#   scale:N    bench1 + rnode1..rnodeN (pacemaker-remote image, N = 1..24)
# Usage: lab/up.sh [base|remote|remote-b|remote-c|remote-d|geo|geo-b|all|standard|bench|scale:N]   (default: all). Idempotent.
set -Eeuo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# a command that stops the script unexpectedly says so (set -e alone is silent)
trap 'say "ERROR: up.sh stopped at line $LINENO: $BASH_COMMAND (exit $?)"' ERR

sel=${1:-all}
hosts_of_sel=$(lab_selection "$sel") || die "usage: $0 [$LAB_SELECTIONS]"
mapfile -t hosts <<<"$hosts_of_sel"
has() { local h; for h in "${hosts[@]}"; do [[ $h == "$1" ]] && return 0; done; return 1; }

t0=$SECONDS
bash "$LAB_DIR/build-images.sh"
lab_network_up

addhosts=()
for h in "${LAB_KNOWN_HOSTS[@]}"; do addhosts+=(--add-host "$h:${LAB_IP[$h]}"); done

# fail WHAT HOST...: diagnostics of the hosts, then say what failed and what next
fail() { local what=$1 c; shift; for c in "$@"; do lab_diag "$c"; done; die "$what"$'\n'"$LAB_NEXT"; }
why=$(mktemp -d); trap 'rm -rf "$why"' EXIT   # prepare() notes per host what failed

# ---- containers -------------------------------------------------------------
# start_container HOST: (re)create HOST unless it already runs the current image
start_container() {
  local h=$1 img cur
  img=$(lab_image "${LAB_KIND[$h]}")
  if podman container exists "$h"; then
    cur=$(podman inspect -f '{{.ImageName}} {{.State.Running}}' "$h")
    [[ $cur == "$img true" ]] && return 0
    log "recreating $h ($cur)"
    podman rm -f -t 0 "$h" >/dev/null
  fi
  podman run -d --name "$h" --hostname "$h" --label "$LAB_LABEL" \
    --network "$LAB_NET" --ip "${LAB_IP[$h]}" "${addhosts[@]}" \
    --systemd=always --privileged "$img" /sbin/init >/dev/null
}

booted() { local s; s=$(podman exec "$1" systemctl is-system-running 2>/dev/null || true)
           [[ $s == running || $s == degraded ]]; }
open_ha() {  # firewalld's high-availability service, permanent and runtime
  local h=$1
  if ! lx "$h" firewall-cmd -q --permanent --query-service=high-availability; then
    lx "$h" firewall-cmd -q --permanent --add-service=high-availability || return 1
  fi
  lx "$h" firewall-cmd -q --query-service=high-availability || lx "$h" firewall-cmd -q --reload
}
prepare() {  # wait for systemd, start firewalld and pcsd, open the firewall (one host)
  local h=$1
  note() { echo "$1" > "$why/$h"; return 1; }
  wait_for 180 "systemd in $h" booted "$h" || note "systemd did not finish booting in $h within 180 s"
  if [[ $(lx "$h" systemctl is-system-running 2>/dev/null || true) == degraded ]]; then
    say "warning: systemd in $h is degraded:"; lx "$h" systemctl --failed --no-pager >&2 || true
  fi
  retry 3 "starting firewalld in $h" start_unit "$h" firewalld || note "firewalld did not start in $h (3 tries)"
  retry 3 "opening high-availability in $h's firewalld" open_ha "$h" ||
    note "firewall-cmd could not open high-availability in $h (3 tries)"
  retry 3 "starting pcsd in $h" start_pcsd "$h" || note "pcsd did not start in $h (3 tries)"
  lab_zipcodecache "$h" || note "could not install lab/zipcodecache.py in $h"
  if [[ ${LAB_KIND[$h]} == node ]]; then
    if ! { podman cp "$LAB_DIR/fence_lab" "$h:/usr/sbin/fence_lab" && lx "$h" chmod 0755 /usr/sbin/fence_lab; }; then
      note "could not install the fence agent in $h"
    fi
  fi
  wait_for 60 "pcsd in $h" lx "$h" systemctl is-active -q pcsd || note "pcsd is not active in $h"
}
# Hosts boot in waves of LAB_WAVE: systemd, firewalld and pcsd starting in 25
# containers at once on 2 cores take minutes under a load of 70, while one wave
# of 8 boots as fast as the 7-host standard lab.
todo=0
for h in "${hosts[@]}"; do
  [[ $(podman inspect -f '{{.State.Running}}' "$h" 2>/dev/null) == true ]] || todo=$((todo + 1))
done
lab_inotify_room "$todo"
declare -A pids
bad=()
for ((i = 0; i < ${#hosts[@]}; i += LAB_WAVE)); do
  wave=("${hosts[@]:i:LAB_WAVE}")
  for h in "${wave[@]}"; do start_container "$h"; done
  for h in "${wave[@]}"; do prepare "$h" & pids[$h]=$!; done
  for h in "${wave[@]}"; do wait "${pids[$h]}" || bad+=("$h"); done
done
((${#bad[@]} == 0)) || fail "lab start failed: $(cat "$why"/* 2>/dev/null | paste -sd ';' -)" "${bad[@]}"
t_boot=$((SECONDS - t0))

# ---- pcs bootstrap ----------------------------------------------------------
auth_from() {  # auth_from HOST TARGET...: pcs host auth of the targets on HOST
  local h=$1; shift; local args=() t
  for t in "$@"; do
    lx "$h" grep -qs "\"$t\"" /var/lib/pcsd/known-hosts || args+=("$t" "addr=${LAB_IP[$t]}")
  done
  ((${#args[@]})) || return 0
  lx "$h" pcs host auth "${args[@]}" -u hacluster -p "$LAB_PASSWORD" >/dev/null 2>&1 ||
    { lx "$h" pcs host auth "${args[@]}" -u hacluster -p "$LAB_PASSWORD" >&2 || true
    fail "pcs host auth of ${*} failed on $h" "$h"; }
}
setup_cluster() {  # setup_cluster NAME NODE...
  local name=$1; shift; local first=$1 args=() n
  if ! lx "$first" test -s /etc/corosync/corosync.conf; then
    for n in "$@"; do args+=("$n" "addr=${LAB_IP[$n]}"); done
    # A token timeout of 10 s instead of corosync's 3, in the lab only: the
    # containers get no real-time CPU (cpu.rt_runtime_us 0), and under make
    # test's load corosync went unscheduled for 2.7 s, lost its token, and a
    # cluster did not start after a reset (docs/testing.md, session 31).
    args+=(totem token=10000)
    lx "$first" pcs cluster setup "$name" "${args[@]}" >/dev/null 2>&1 ||
      { lx "$first" pcs cluster setup "$name" "${args[@]}" >&2 || true
        fail "pcs cluster setup $name failed on $first" "$@"; }
  fi
  online "$first" "$@" && return 0
  retry 3 "pcs cluster start of $name on $first" \
    quiet lx "$first" pcs cluster start --all --wait=180 ||
    fail "cluster $name did not start (pcs cluster start --all on $first, 3 tries)" "$@"
}
online() {  # online HOST NODE...: all NODEs online in HOST's crm_mon
  local xml n; xml=$(lx "$1" crm_mon -1 --output-as=xml 2>/dev/null) || return 1; shift
  for n in "$@"; do grep -q "<node name=\"$n\"[^>]* online=\"true\"" <<<"$xml" || return 1; done
}
finish_cluster() {  # finish_cluster NODE...
  local first=$1
  wait_for 180 "nodes $* online" online "$first" "$@" ||
    fail "nodes $* not online in crm_mon on $first within 180 s" "$@"
  # Fencing on, as production clusters run (stonith-enabled stays at its
  # default, true): one device that can fence every node, remote ones too.
  wait_for 90 "fence device on $first" fence_device "$first" ||
    fail "pcs stonith create lab-fence failed on $first for 90 s" "$@"
}
fence_device() {  # fence_device HOST: lab-fence is defined (created when missing)
  lx "$1" crm_resource --resource lab-fence --query-xml >/dev/null 2>&1 ||
    lx "$1" pcs stonith create lab-fence fence_lab pcmk_host_check=none >/dev/null
}

# pcs host auth first, sequentially (pcsd tokens of both sides are written):
# the first node of each selected cluster knows every selected host. Then the
# clusters are set up in parallel.
declare -A cpids
for c in "${!LAB_CLUSTERS[@]}"; do
  read -ra members <<<"${LAB_CLUSTERS[$c]}"
  has "${members[0]}" || continue
  auth_from "${members[0]}" "${hosts[@]}"
done
t_auth=$((SECONDS - t0))
for c in "${!LAB_CLUSTERS[@]}"; do
  read -ra members <<<"${LAB_CLUSTERS[$c]}"
  has "${members[0]}" || continue
  ( setup_cluster "$c" "${members[@]}"; finish_cluster "${members[@]}" ) & cpids[$c]=$!
done
rc=0
for c in "${!cpids[@]}"; do wait "${cpids[$c]}" || rc=1; done
((rc == 0)) || exit 1

# The first state of each host, for lab/reset.sh; and the hosts are handed
# out: what runs next changes them.
snapshot() {
  lx "$1" sh -ec "test -s $LAB_SNAPSHOT && exit 0; mkdir -p ${LAB_SNAPSHOT%/*}; cd /
    echo '$LAB_RESET_PATHS' > $LAB_SNAPSHOT_PATHS
    tar -cpf $LAB_SNAPSHOT.tmp \$(for p in $LAB_RESET_PATHS; do [ -e \$p ] && echo \$p; done)
    mv $LAB_SNAPSHOT.tmp $LAB_SNAPSHOT"
  lx "$1" rm -f "$LAB_PRISTINE_MARK"
}
for h in "${hosts[@]}"; do snapshot "$h" & pids[$h]=$!; done
for h in "${hosts[@]}"; do wait "${pids[$h]}" || die "could not keep the first state of $h"; done

say "lab up ($sel) in $((SECONDS - t0)) s (containers ready after ${t_boot} s, pcs auth done after ${t_auth} s):"
for h in "${hosts[@]}"; do say "  $h ${LAB_IP[$h]} $(lab_image "${LAB_KIND[$h]}")"; done
