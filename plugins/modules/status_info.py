#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: status_info
short_description: Report remote and guest nodes, tickets and booth configuration of a Pacemaker cluster
version_added: 0.2.0
description:
  - Read-only. Reports the remote nodes, guest nodes and cluster nodes of a Pacemaker cluster with
    whether they are online, in standby and which cluster node hosts them; the booth tickets with their
    grant state, C(rsc_ticket) constraints and, from C(booth list), leader and expiry; and the SHA-256
    checksum and tickets of booth configuration files.
  - Node definitions come from the CIB, in the same vocabulary as the other modules of the collection
    (for example RV(remote_nodes[].server) is the C(server) option of M(hacluster.pacemaker.pacemaker_remote_node)).
  - Whether a node is online or in standby and where a resource runs is what
    C(crm_mon --one-shot --output-as=xml --inactive) reports. With O(cib_file) it runs on the file
    (Pacemaker computes the state from the file's status section); if it cannot run, nodes are reported
    with RV(remote_nodes[].online=null) and RV(remote_nodes[].state=unknown), and RV(crm_mon_error) says why.
  - The results are lists of dictionaries, so they can be queried with C(community.general.json_query),
    for example C(remote_nodes[?state!='online'].name).
author:
  - hacluster.pacemaker contributors (@hacluster)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - hacluster.pacemaker.cib
options:
  booth_config_files:
    description:
      - Booth configuration files (for example V(/etc/booth/booth.conf)) to report in RV(booth_configs), with
        the SHA-256 checksum of each file's bytes and the options of its tickets.
      - They are also the configurations C(booth list) is run with when O(booth) is on.
      - A file that cannot be read is reported with RV(booth_configs[].error), not as a failure.
    type: list
    elements: path
    default: []
  booth:
    description:
      - Ask booth (C(booth list)) for the leader and expiry of each ticket, with every file of
        O(booth_config_files), or C(/etc/booth/booth.conf) when none is given.
      - When booth is not installed or not running, the tickets are reported with
        RV(tickets[].leader=null) and RV(booth_error) says why; the module does not fail.
      - Default is V(true) on a live cluster and V(false) with O(cib_file).
    type: bool
attributes:
  check_mode:
    support: full
    details: The module never changes anything; it runs the same in check mode.
  diff_mode:
    support: none
    details: The module never changes anything.
  idempotent:
    support: full
    description: The module never changes anything (RV(ignore:changed=false)).
notes:
  - Supports check mode; RV(ignore:changed) is always V(false).
seealso:
  - module: hacluster.pacemaker.pacemaker_remote_node
  - module: hacluster.pacemaker.guest_node
  - module: hacluster.pacemaker.booth_ticket
"""

EXAMPLES = r"""
---
- name: Gather the cluster's status once
  hacluster.pacemaker.status_info:
    booth_config_files:
      - /etc/booth/booth.conf
  register: status
  run_once: true

- name: All remote nodes are online
  ansible.builtin.assert:
    that:
      - status | community.general.json_query("remote_nodes[?state!='online'].name") == []
    fail_msg: "not online: {{ status.remote_nodes | rejectattr('state', 'eq', 'online') | map(attribute='name') }}"
  run_once: true

- name: Which cluster node hosts remote1
  ansible.builtin.debug:
    msg: "{{ (status.remote_nodes | selectattr('name', 'eq', 'remote1') | first).hosted_by }}"
  run_once: true

- name: Report on a CIB file (offline; booth is not asked)
  hacluster.pacemaker.status_info:
    cib_file: /tmp/cib.xml
  register: offline
"""

RETURN = r"""
cib_version:
  description: Version of the CIB read (admin_epoch.epoch.num_updates).
  returned: always
  type: str
  sample: 0.42.7
cluster_nodes:
  description: The cluster (corosync member) nodes, by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Node name.
      type: str
    online:
      description: Whether Pacemaker reports the node online; null when unknown.
      type: bool
    standby:
      description: Whether the node is in standby; null when unknown.
      type: bool
    state:
      description: V(online), V(standby) (online, in standby), V(offline) or V(unknown).
      type: str
  sample:
    - {name: node1, online: true, standby: false, state: online}
remote_nodes:
  description: The remote nodes (C(ocf:pacemaker:remote) connection resources), by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Node name (id of the connection resource).
      type: str
    server:
      description: Address the cluster connects to.
      type: str
    port:
      description: Port, or null when Pacemaker's default (3121) applies.
      type: int
    reconnect_interval:
      description: Reconnect interval as written in the CIB, or null.
      type: str
    target_role:
      description: The connection resource's C(target-role) meta attribute (V(Stopped) after C(pcs resource disable)), or null.
      type: str
    attributes:
      description: The node's permanent attributes (C(crm_attribute --node NAME --lifetime forever)), by name.
      type: dict
    online:
      description: Whether Pacemaker reports the node online; null when unknown.
      type: bool
    standby:
      description: Whether the node is in standby; null when unknown.
      type: bool
    state:
      description: V(online), V(standby) (online, in standby), V(offline) or V(unknown).
      type: str
    hosted_by:
      description: The cluster node running the connection resource, or null.
      type: str
  sample:
    - name: remote1
      server: 192.0.2.21
      port: null
      reconnect_interval: 60s
      target_role: null
      attributes: {}
      online: true
      standby: false
      state: online
      hosted_by: node1
guest_nodes:
  description: The guest nodes (resources carrying the C(remote-node) meta attribute), by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Guest node name (the C(remote-node) meta attribute).
      type: str
    resource:
      description: The resource (for example a VM) that is the guest node.
      type: str
    remote_addr:
      description: Address the cluster connects to.
      type: str
    remote_port:
      description: Port, or null when Pacemaker's default (3121) applies.
      type: int
    remote_connect_timeout:
      description: Connect timeout as written in the CIB, or null.
      type: str
    target_role:
      description: The guest's resource's C(target-role) meta attribute, or null.
      type: str
    attributes:
      description: The guest node's permanent attributes (C(crm_attribute --node NAME --lifetime forever)), by name.
      type: dict
    online:
      description: Whether Pacemaker reports the guest node online; null when unknown.
      type: bool
    standby:
      description: Whether the guest node is in standby; null when unknown.
      type: bool
    state:
      description: V(online), V(standby), V(offline) or V(unknown).
      type: str
    hosted_by:
      description: The cluster node where the guest's resource runs, or null.
      type: str
  sample:
    - name: guest1
      resource: vm1
      remote_addr: 192.0.2.31
      remote_port: null
      remote_connect_timeout: null
      target_role: null
      attributes: {}
      online: true
      standby: false
      state: online
      hosted_by: node1
tickets:
  description:
    - The tickets known to the CIB (ticket state or C(rsc_ticket) constraints), to booth (C(booth list))
      or to O(booth_config_files), by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Ticket name.
      type: str
    granted:
      description: Whether the ticket is granted to this cluster (the CIB's ticket state).
      type: bool
    standby:
      description: Whether the ticket is in standby in this cluster.
      type: bool
    last_granted:
      description: C(last-granted) of the CIB's ticket state (seconds since the epoch), or null.
      type: str
    leader:
      description: The site booth says holds the ticket; null when booth was not asked, failed, or says none.
      type: str
    expires:
      description: When booth's lease expires, as booth prints it, or null.
      type: str
    constraints:
      description: Its C(rsc_ticket) constraints (RV(tickets[].constraints[].resource) is null for a resource-set constraint).
      type: list
      elements: dict
      contains:
        id:
          description: Constraint id.
          type: str
        resource:
          description: Resource bound to the ticket.
          type: str
        role:
          description: Role the constraint applies to, or null.
          type: str
        loss_policy:
          description: What happens when the ticket is lost, or null (Pacemaker's default, stop).
          type: str
    bound_resources:
      description: Every resource bound to the ticket by its constraints (including resource sets), once each.
      type: list
      elements: str
    options:
      description: The ticket's options in the first of O(booth_config_files) that defines it, or null.
      type: dict
  sample:
    - name: apacheticket
      granted: true
      standby: false
      last_granted: "1732550000"
      leader: 192.0.2.101
      expires: "2024-11-25 16:43:20"
      constraints: [{id: ticket-apacheticket-apache, resource: apache, role: null, loss_policy: stop}]
      bound_resources: [apache]
      options: {expire: "600"}
booth_configs:
  description: One entry per file of O(booth_config_files), in the given order.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file.
      type: str
    checksum:
      description: SHA-256 of the file's bytes (equal on every booth member that has the same file), or null when it cannot be read.
      type: str
    tickets:
      description: The tickets of the file, in file order, each with C(name) and C(options) (as written, without defaults).
      type: list
      elements: dict
    authfile_in_force:
      description:
        - Whether the booth installed here uses the file's authfile. V(false) when the file has none, or when this
          booth needs C(enable-authfile = yes) (RHEL's builds since CVE-2022-2553) and the file does not say it, or
          when this booth refuses that line (upstream booth) and the file has it. Null when no booth could be asked
          (see M(hacluster.pacemaker.booth_config)) or the file could not be read.
      type: bool
    error:
      description: Why the file could not be read, or null.
      type: str
  sample:
    - path: /etc/booth/booth.conf
      checksum: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
      authfile_in_force: true
      tickets: [{name: apacheticket, options: {expire: "600"}}]
      error: null
booth_error:
  description: Why booth could not be asked (not installed, not running), or null.
  returned: always
  type: str
crm_mon_error:
  description: Why C(crm_mon) could not report node states (they are then null / V(unknown)), or null.
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _module, _status


def main():
    module = AnsibleModule(
        argument_spec=_module.argument_spec(
            read_only=True,
            booth_config_files=dict(type="list", elements="path", default=[]),
            booth=dict(type="bool"),
        ),
        supports_check_mode=True,
    )
    cib = _module.open_cib(module)
    try:
        result = _status.gather(
            cib,
            module.params["booth_config_files"],
            booth=module.params["booth"],
            booth_command=module.get_bin_path("booth"),
        )
    except _cib.CibError as exc:
        module.fail_json(msg=str(exc), changed=False)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
