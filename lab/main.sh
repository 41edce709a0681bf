#!/usr/bin/env bash
# The README's main command (make lab): bring the container lab up from
# nothing, apply the collection's playbooks to it, and show the result.
#   cluster A (node1, node2) + remote node remote1 + guest node guest1
#   geo: site A (sitea1) + site B (siteb1) + arbitrator1, ticket apacheticket
# Running it again applies the playbooks again (nothing changes).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$PWD/.build/collections"
export CONTAINERS_CONF="$PWD/lab/containers.conf"
bash lab/up.sh all
ansible-playbook -i lab/inventory/remote.yml playbooks/remote_nodes.yml
ansible-playbook -i lab/inventory/geo.yml playbooks/geo_cluster.yml
for h in node1 sitea1 siteb1; do
  echo "===== crm_mon -1 on $h"
  podman exec "$h" crm_mon -1
done
for h in sitea1 siteb1 arbitrator1; do
  echo "===== booth list on $h"
  podman exec "$h" booth list || true
done
echo "The lab stays up; remove it with: make lab-down"
