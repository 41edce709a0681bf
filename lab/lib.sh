# Shared helpers for the hacluster lab scripts. Source it; do not run it.
# shellcheck shell=bash
# shellcheck disable=SC2034  # the settings below are used by the scripts that source this file

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export CONTAINERS_CONF="${CONTAINERS_CONF:-$LAB_DIR/containers.conf}"

# Cache outside the repo: debootstrap base tarball + apt archives.
LAB_CACHE="${LAB_CACHE:-/var/cache/hacluster-lab}"
LAB_SUITE="${LAB_SUITE:-trixie}"
# The Debian mirror this machine's apt already uses (no host name in the repo).
lab_apt_mirror() {
  local m
  # deb822 (.sources): "URIs: URL [URL...]"; one-line: "deb [opts] URL suite ..."
  m=$(awk '/^[[:space:]]*URIs:/ && !/security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null)
  [[ -n $m ]] || m=$(sed -nE '/security/d; s/^[[:space:]]*deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/p' \
                       /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1)
  [[ -n $m ]] || { echo "lab: ERROR: no Debian mirror in /etc/apt/sources.list*; set LAB_MIRROR" >&2; return 1; }
  echo "$m"
}
LAB_MIRROR="${LAB_MIRROR:-$(lab_apt_mirror)}"
# Lab-only password of the hacluster user baked into the images (pcs host auth).
LAB_PASSWORD="${LAB_PASSWORD:-hacluster-lab}"

LAB_NET="${LAB_NET:-hacluster-lab}"
LAB_SUBNET="${LAB_SUBNET:-10.89.77.0/24}"
LAB_PREFIX="${LAB_SUBNET%.*}"            # 10.89.77
LAB_LABEL="hacluster-lab=1"

# name -> image kind (node|remote) and static IP.
declare -A LAB_KIND=(
  [node1]=node [node2]=node [remote1]=remote [guest1]=remote
  [sitea1]=node [siteb1]=node [arbitrator1]=node
  [node3]=node [node4]=node [remote2]=remote [guest2]=remote
  [sitea2]=node [siteb2]=node [arbitrator2]=node
  [node5]=node [node6]=node [remote3]=remote [guest3]=remote
  [node7]=node [node8]=node [remote4]=remote [guest4]=remote
)
declare -A LAB_IP=(
  [node1]=$LAB_PREFIX.11 [node2]=$LAB_PREFIX.12
  [remote1]=$LAB_PREFIX.21 [guest1]=$LAB_PREFIX.22
  [siteb1]=$LAB_PREFIX.31 [sitea1]=$LAB_PREFIX.32 [arbitrator1]=$LAB_PREFIX.41
  [node3]=$LAB_PREFIX.13 [node4]=$LAB_PREFIX.14
  [remote2]=$LAB_PREFIX.23 [guest2]=$LAB_PREFIX.24
  [sitea2]=$LAB_PREFIX.33 [siteb2]=$LAB_PREFIX.34 [arbitrator2]=$LAB_PREFIX.42
  [node5]=$LAB_PREFIX.15 [node6]=$LAB_PREFIX.16 [remote3]=$LAB_PREFIX.25 [guest3]=$LAB_PREFIX.26
  [node7]=$LAB_PREFIX.17 [node8]=$LAB_PREFIX.18 [remote4]=$LAB_PREFIX.27 [guest4]=$LAB_PREFIX.28
)
# The pcs clusters of the lab: name -> nodes (the first one runs the setup).
declare -A LAB_CLUSTERS=(
  [cluster-a]="node1 node2" [site-a]="sitea1" [cluster-b]="siteb1"
  [cluster-c]="node3 node4" [site-a2]="sitea2" [cluster-b2]="siteb2"
  [cluster-d]="node5 node6" [cluster-e]="node7 node8"
)
# The bench cluster (benchmarks/run.py --only live|scale): its own hosts, so a
# benchmark never touches the standard lab. bench1 is the one-node cluster
# 'bench'; rnode1..rnode24 are pacemaker-remote hosts for it (up.sh scale:N).
# Not in LAB_ALL_HOSTS: 'all' stays the standard lab.
LAB_BENCH_MAX=24
# up.sh boots at most this many containers at once (see there why)
LAB_WAVE=${LAB_WAVE:-8}
LAB_KIND[bench1]=node
LAB_IP[bench1]=$LAB_PREFIX.51
LAB_CLUSTERS[bench]="bench1"
for ((lab_i = 1; lab_i <= LAB_BENCH_MAX; lab_i++)); do
  LAB_KIND[rnode$lab_i]=remote
  LAB_IP[rnode$lab_i]=$LAB_PREFIX.$((150 + lab_i))
done
# What lab/reset.sh puts back (relative to /): every path where the roles,
# the modules, pcs or the scenarios write on a host. up.sh keeps them in the
# snapshot; the mark says "reset or booted, and not handed out since".
LAB_RESET_PATHS="etc/pacemaker etc/booth etc/corosync etc/default etc/firewalld etc/systemd/system var/lib/pcsd var/lib/booth"
LAB_SNAPSHOT=/var/lib/hacluster-lab/pristine.tar
LAB_SNAPSHOT_PATHS=/var/lib/hacluster-lab/pristine.paths
LAB_PRISTINE_MARK=/run/hacluster-lab-pristine
# Free addresses reserved for floating IPs (e.g. booth site IPs).
LAB_VIP_A=$LAB_PREFIX.101
LAB_VIP_B=$LAB_PREFIX.102
LAB_ALL_HOSTS=(node1 node2 remote1 guest1 sitea1 siteb1 arbitrator1)
# A second remote-scenario set (cluster C: node3, node4; remote2, guest2), so
# that lab/test.sh runs the remote scenario's tests in two halves side by
# side; not in 'all' (the adopt scenario's lab), removed by down.sh all.
LAB_REMOTE_B_HOSTS=(node3 node4 remote2 guest2)
# The same for the geo scenario (sites sitea2, siteb2; arbitrator2).
LAB_GEO_B_HOSTS=(sitea2 siteb2 arbitrator2)
# Two more remote sets (clusters D and E), where lab/test.sh runs the remote
# scenario on the older suites once the geo runs have ended, instead of after
# remote and remote-b on sets A and B (session 25: that made the lab lane's
# longest path remote-b then remote-b@bullseye, with the geo sets idle for its
# last 20 minutes).
LAB_REMOTE_C_HOSTS=(node5 node6 remote3 guest3)
LAB_REMOTE_D_HOSTS=(node7 node8 remote4 guest4)
LAB_EXTRA_HOSTS=("${LAB_REMOTE_B_HOSTS[@]}" "${LAB_GEO_B_HOSTS[@]}" "${LAB_REMOTE_C_HOSTS[@]}" "${LAB_REMOTE_D_HOSTS[@]}")
# Every host the lab knows (standard and bench), for the /etc/hosts entries.
LAB_KNOWN_HOSTS=("${LAB_ALL_HOSTS[@]}" "${LAB_EXTRA_HOSTS[@]}" bench1)
for ((lab_i = 1; lab_i <= LAB_BENCH_MAX; lab_i++)); do LAB_KNOWN_HOSTS+=("rnode$lab_i"); done
unset lab_i

# lab_selection SEL: the hosts of a selection of up.sh/down.sh, one per line
# (base|remote|remote-b|remote-c|remote-d|geo|geo-b|all|standard|bench|scale:N, 1 <= N <= LAB_BENCH_MAX); fails otherwise.
# standard: the hosts of all (the remote and geo sets), but down.sh standard
# removes only them, where down.sh all also removes the b sets and the network.
lab_selection() {
  local i n
  case $1 in
    base)   printf '%s\n' node1 node2 ;;
    remote) printf '%s\n' node1 node2 remote1 guest1 ;;
    remote-b) printf '%s\n' "${LAB_REMOTE_B_HOSTS[@]}" ;;
    geo)    printf '%s\n' sitea1 siteb1 arbitrator1 ;;
    geo-b)  printf '%s\n' "${LAB_GEO_B_HOSTS[@]}" ;;
    remote-c) printf '%s\n' "${LAB_REMOTE_C_HOSTS[@]}" ;;
    remote-d) printf '%s\n' "${LAB_REMOTE_D_HOSTS[@]}" ;;
    all | standard) printf '%s\n' "${LAB_ALL_HOSTS[@]}" ;;
    bench)  echo bench1 ;;
    scale:*)
      n=${1#scale:}
      [[ $n =~ ^[1-9][0-9]*$ ]] && ((n <= LAB_BENCH_MAX)) || return 1
      echo bench1
      for ((i = 1; i <= n; i++)); do echo "rnode$i"; done ;;
    *) return 1 ;;
  esac
}
LAB_SELECTIONS="base|remote|remote-b|remote-c|remote-d|geo|geo-b|all|standard|bench|scale:N (N = 1..$LAB_BENCH_MAX)"

log()  { [[ -n "${LAB_VERBOSE:-}" ]] && echo "lab: $*" >&2; return 0; }
say()  { echo "lab: $*" >&2; }
die()  { echo "lab: ERROR: $*" >&2; exit 1; }

# Hash of the image recipe: build script, this file's image-relevant settings,
# suite/mirror and the lab password. The image tag is its first 12 hex digits.
lab_recipe_hash() {
  { cat "$LAB_DIR/build-images.sh"
    printf 'suite=%s mirror=%s password=%s\n' "$LAB_SUITE" "$LAB_MIRROR" "$LAB_PASSWORD"
  } | sha256sum | cut -c1-12
}
lab_image() {  # lab_image node|remote
  echo "localhost/hacluster-$1:$(lab_recipe_hash)"
}

lab_image_exists() { podman image exists "$1"; }

# Run a command inside a lab container.
lx() { local c=$1; shift; podman exec "$c" "$@"; }

# CNI's host-local IPAM (podman's network backend on this kind of machine)
# reserves each address in a file named after it, holding the container's ID,
# on disk: it outlives the network and a reboot. A container removed while its
# network was being set up (a run stopped at that moment) leaves its address
# reserved, and from then on every `podman run --ip` of that address fails at
# once: geo-b's lab could not start in the CI after session 29 for that
# reason. Release the addresses of containers that no longer exist.
lab_release_stale_ips() {
  local dir=/var/lib/cni/networks/$LAB_NET f ids
  local -A owner=()
  # the reservations first, then the containers: a container is created
  # before its address is reserved, so one being started beside this is known
  for f in "$dir"/[0-9]*; do
    [[ -f $f ]] && owner[$f]=$(head -n1 "$f" 2>/dev/null | tr -d '\r')
  done
  ((${#owner[@]})) || return 0
  ids=$(podman ps -a --no-trunc --format '{{.ID}}') || return 0
  for f in "${!owner[@]}"; do
    [[ -n ${owner[$f]} ]] && grep -qx "${owner[$f]}" <<<"$ids" && continue
    say "releasing ${f##*/}: reserved for a container that is gone (${owner[$f]:0:12})"
    rm -f "$f"
  done
}

lab_network_up() {
  lab_release_stale_ips
  podman network exists "$LAB_NET" && return 0
  # --internal: no NAT/route out; traffic stays between the lab containers.
  # Two scenarios starting side by side may both create it: the loser is fine.
  podman network create --internal --subnet "$LAB_SUBNET" "$LAB_NET" >/dev/null 2>&1 ||
    podman network exists "$LAB_NET" ||
    podman network create --internal --subnet "$LAB_SUBNET" "$LAB_NET" >/dev/null
}

# lab_inotify_room N: make room for N more systemd containers in the kernel's
# inotify instance limit. The lab's containers are privileged, so each one's
# systemd, journald, udev and services count against root's limit
# (fs.inotify.max_user_instances, 128 by default), about 9 a container: the
# 15th container cannot start systemd (it exits with 255), and services in
# running containers fail to start. The limit is raised only when N more would
# not fit, and the lab stops with the reason when it cannot be raised.
LAB_INOTIFY_PER_HOST=12  # 9 measured on a converged node or remote container
lab_inotify_room() {
  local more=$1 knob=/proc/sys/fs/inotify/max_user_instances limit used need
  limit=$(<"$knob")
  # find fails on processes that end while it reads /proc: counted without them
  used=$({ find /proc/[0-9]*/fd -user "$(id -u)" -lname 'anon_inode:inotify' 2>/dev/null || true; } | wc -l)
  need=$((used + more * LAB_INOTIFY_PER_HOST + 16))
  ((need <= limit)) && return 0
  ((need < 1024)) && need=1024
  say "raising fs.inotify.max_user_instances from $limit to $need ($used in use, $more containers to start)"
  { echo "$need" >"$knob"; } 2>/dev/null ||
    die "fs.inotify.max_user_instances is $limit; $more more lab containers need about $need" \
      "(each container's systemd and services use ~9 of root's inotify instances)." \
      "Raise it: sysctl -w fs.inotify.max_user_instances=$need"
}

# Print diagnostics of one container to stderr.
lab_diag() {
  local c=$1
  {
    echo "===== diagnostics for $c ====="
    podman ps -a --filter "name=^$c\$" --format '{{.Names}} {{.Status}}'
    podman exec "$c" systemctl is-system-running 2>&1 || true
    podman exec "$c" systemctl --failed --no-pager 2>&1 || true
    local u
    for u in $(podman exec "$c" systemctl --failed --plain --no-legend 2>/dev/null | awk '{print $1}'); do
      podman exec "$c" journalctl -u "$u" -n 40 --no-pager 2>&1 || true
    done
    for u in pcsd corosync pacemaker pacemaker_remote firewalld; do
      if podman exec "$c" systemctl is-active -q "$u" 2>/dev/null; then continue; fi
      podman exec "$c" systemctl is-enabled -q "$u" 2>/dev/null || continue
      podman exec "$c" journalctl -u "$u" -n 30 --no-pager 2>&1 || true
    done
    podman exec "$c" crm_mon -1 2>&1 || true
  } >&2
}

# retry TRIES DESC CMD...: run CMD until it succeeds, at most TRIES times, with
# a growing pause. For steps known to time out on a loaded 2-core machine
# (pcsd's ruby start hits systemd's start timeout when seven containers boot).
retry() {
  local n=$1 desc=$2 i; shift 2
  for ((i = 1; i <= n; i++)); do
    "$@" && return 0
    ((i < n)) || break
    say "$desc failed (try $i of $n); trying again in $((i * 10)) s"
    sleep $((i * 10))
  done
  say "$desc failed $n times"
  return 1
}

quiet() { "$@" >/dev/null 2>&1; }

# start_unit HOST UNIT: start a systemd unit in a lab container; a unit that
# failed on an earlier try is reset first, so that systemd starts it anew.
start_unit() {
  lx "$1" systemctl reset-failed "$2" >/dev/null 2>&1 || true
  lx "$1" systemctl start "$2"
}

# lab_zipcodecache CONTAINER: lab/zipcodecache.py in its system Python, so
# that the modules the tests run there are not compiled again on every run
# (test machinery, not the collection's; docs/testing.md, session 30)
lab_zipcodecache() {
  local site=/usr/lib/python3/dist-packages
  podman exec -i "$1" sh -ec "cat > $site/hacluster_lab_zipcodecache.py
    echo 'import hacluster_lab_zipcodecache as z; z.install(\"/var/lib/hacluster-lab/zipcode\")' \
      > $site/hacluster_lab_zipcodecache.pth" < "$LAB_DIR/zipcodecache.py"
}

# start_pcsd HOST: pcsd and, where pcs has one, its Ruby half, which answers
# the requests pcsd takes: under load its start failed while pcsd's own
# succeeded (session 29, bullseye), and pcs host auth failed after.
start_pcsd() {
  start_unit "$1" pcsd || return 1
  lx "$1" systemctl cat pcsd-ruby.service >/dev/null 2>&1 || return 0
  lx "$1" systemctl is-active -q pcsd-ruby || start_unit "$1" pcsd-ruby
}

# What to do when the lab does not come up (printed after the diagnostics).
LAB_NEXT="what next: run 'make lab' again (it is idempotent and keeps what is up), or \
'make lab-down && make lab' to start from scratch; diagnostics of each failed container are above"

# wait_for SECONDS DESC CMD...: retry CMD every second until it succeeds.
wait_for() {
  local t=$1 desc=$2; shift 2
  local end=$((SECONDS + t))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < end)) || { say "timeout ($t s) waiting for $desc"; return 1; }
    sleep 1
  done
}
