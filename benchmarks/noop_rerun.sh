#!/usr/bin/env bash
# The no-op rerun benchmark: on a lab brought up by `make lab`, rerun both
# playbooks and show that nothing was written: CIB admin_epoch.epoch.num_updates
# of every cluster, and mtime + sha256 of booth.conf, the booth key and the
# Pacemaker authkey on every host, before and after. Also times the reruns.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
export CONTAINERS_CONF="$PWD/lab/containers.conf"
snapshot() {
  local h
  for h in node1 sitea1 siteb1; do
    printf '%s cib %s\n' "$h" "$(podman exec "$h" cibadmin --query --xpath /cib --no-children |
      grep -o 'admin_epoch="[0-9]*"\|epoch="[0-9]*"\|num_updates="[0-9]*"' | tr '\n' ' ')"
  done
  for h in node1 node2 remote1 guest1; do
    printf '%s authkey %s\n' "$h" "$(podman exec "$h" stat -c %Y /etc/pacemaker/authkey) $(podman exec "$h" sha256sum /etc/pacemaker/authkey | cut -c1-16)"
  done
  for h in sitea1 siteb1 arbitrator1; do
    for f in /etc/booth/booth.conf /etc/booth/booth.key; do
      printf '%s %s %s\n' "$h" "$f" "$(podman exec "$h" stat -c %Y "$f") $(podman exec "$h" sha256sum "$f" | cut -c1-16)"
    done
  done
}
before=$(snapshot)
start=$SECONDS
ansible-playbook -i lab/inventory/remote.yml playbooks/remote_nodes.yml | tail -6
t_remote=$((SECONDS - start)); start=$SECONDS
ansible-playbook -i lab/inventory/geo.yml playbooks/geo_cluster.yml | tail -5
t_geo=$((SECONDS - start))
after=$(snapshot)
echo "rerun: remote_nodes.yml ${t_remote} s, geo_cluster.yml ${t_geo} s"
if [[ $before == "$after" ]]; then
  echo "nothing written:"; echo "$after"
else
  echo "CHANGED:"; diff <(echo "$before") <(echo "$after") || true; exit 1
fi
