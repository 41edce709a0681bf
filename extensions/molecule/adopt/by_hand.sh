#!/usr/bin/env bash
# What a cluster admin types, following the RHEL 8 HA guide (chapters 29
# "Integrating non-corosync nodes into a cluster" and 31 "Configuring
# multi-site clusters"), on the lab started by `lab/up.sh all` (clusters
# cluster-a, site-a and cluster-b running, pcs hosts authenticated from each
# cluster's first node). Nothing of the collection runs here: the adopt
# scenario then points the playbooks at what this built.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../../../lab/lib.sh"
step() { say "by hand: $*"; }

# ---- chapter 29: a remote node and a guest node on cluster-a ---------------
step "node1: pcs cluster node add-remote remote1"
lx node1 pcs cluster node add-remote remote1 "${LAB_IP[remote1]}" reconnect_interval=15s
# The guide's guest is a VirtualDomain VM; the lab has no KVM, so a Dummy
# resource stands in for it and pacemaker-remoted runs in the guest1 container.
step "node1: pcs resource create guest1-vm + pcs cluster node add-guest guest1"
lx node1 pcs resource create guest1-vm ocf:pacemaker:Dummy op monitor interval=10s timeout=20s
lx node1 pcs cluster node add-guest guest1 guest1-vm remote-addr="${LAB_IP[guest1]}" \
  remote-connect-timeout=30s
online() { lx node1 crm_mon -1 --output-as=xml | grep -q "<node name=\"$1\"[^>]* online=\"true\""; }
wait_for 120 "remote1 online" online remote1
wait_for 120 "guest1 online" online guest1

# ---- chapter 31: booth between site-a and cluster-b, arbitrator1 -----------
step "sitea1: pcs booth setup / ticket add / create ip"
lx sitea1 pcs booth setup sites "$LAB_VIP_A" "$LAB_VIP_B" arbitrators "${LAB_IP[arbitrator1]}"
# booth requires timeout * (retries + 1) < renewal-freq (expire / 2)
lx sitea1 pcs booth ticket add apacheticket expire=30 timeout=2 retries=5
lx sitea1 pcs booth sync   # to the other nodes of the local cluster (none in the lab)
step "siteb1, arbitrator1: pcs booth pull sitea1"
lx siteb1 pcs booth pull sitea1
lx arbitrator1 pcs host auth sitea1 addr="${LAB_IP[sitea1]}" -u hacluster -p "$LAB_PASSWORD" >/dev/null
lx arbitrator1 pcs booth pull sitea1
step "arbitrator1: pcs booth enable / start"
# Debian's booth@.service has Alias=boothd.service, which systemctl refuses to
# enable for a template instance; an admin there starts it at boot this way.
lx arbitrator1 pcs booth enable ||
  lx arbitrator1 systemctl add-wants multi-user.target booth@booth.service
lx arbitrator1 pcs booth start
for site in sitea1:"$LAB_VIP_A" siteb1:"$LAB_VIP_B"; do
  h=${site%%:*} ip=${site#*:}
  step "$h: pcs booth create ip $ip, the resource apache and its ticket constraint"
  lx "$h" pcs booth create ip "$ip"
  lx "$h" pcs resource create apache ocf:pacemaker:Dummy op monitor interval=10s
  lx "$h" pcs constraint ticket add apacheticket apache loss-policy=stop
done
step "sitea1: pcs booth ticket grant apacheticket"
wait_for 60 "booth at site A" lx sitea1 booth list
lx sitea1 pcs booth ticket grant apacheticket
wait_for 60 "apache started at site A" sh -c \
  "podman exec sitea1 crm_mon -1 --output-as=xml | grep -q '<resource id=\"apache\"[^>]*role=\"Started\"'"
say "by hand: done"
