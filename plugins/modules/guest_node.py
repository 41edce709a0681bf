#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: guest_node
short_description: Make a resource (such as a VirtualDomain VM) a Pacemaker guest node, or stop it being one
version_added: 0.1.0
description:
  - Sets or removes the C(remote-node), C(remote-addr), C(remote-port) and C(remote-connect-timeout)
    meta attributes of an existing primitive, like C(pcs cluster node add-guest) and
    C(pcs cluster node remove-guest), as one idempotent CIB change.
  - Pacemaker then starts the resource and connects to C(pacemaker-remoted) inside it.
  - Ids follow pcs (C(<resource>-meta_attributes-remote-node)...), so a guest made by pcs shows no change.
author:
  - hacluster.pacemaker contributors (@hacluster)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - hacluster.pacemaker.cib
  - hacluster.pacemaker.cib.change
  - hacluster.pacemaker.cib.node_modes
options:
  name:
    description:
      - Guest node name (the C(remote-node) meta attribute). Must not clash with any id in the CIB,
        a cluster node name, or another remote or guest node. Required unless O(nodes) is given.
    type: str
  resource:
    description:
      - Id of the primitive that runs the guest (not a clone, bundle or their member).
      - Required with O(state=present). With O(state=absent) it is checked when given.
    type: str
  remote_addr:
    description:
      - Address to connect to (C(remote-addr)). Pacemaker defaults it to O(name). Kept when omitted.
    type: str
  remote_port:
    description:
      - Port of C(pacemaker-remoted) in the guest (C(remote-port), Pacemaker's default 3121). Left as it is
        when omitted.
      - V(3121) means the default, so no C(remote-port) is added where there is none (as pcs leaves it
        unset), and another port is removed.
    type: int
  remote_connect_timeout:
    description:
      - How long a pending guest connection may take (C(remote-connect-timeout), Pacemaker's default 60s),
        a Pacemaker duration (see O(hacluster.pacemaker.pacemaker_remote_node#module:reconnect_interval) for
        the forms accepted).
      - V(60s) (or V(1min)...), the default, which pcs writes as no attribute, removes another value and adds none
        (an explicit 60s already set stays).
    type: str
  state:
    description:
      - V(present) sets the meta attributes; V(absent) removes exactly the four C(remote-*) meta attributes
        and leaves the resource. On a live cluster it then waits (up to O(wait_timeout) seconds) until the
        cluster has stopped the guest's connection and clears the node's leftover state
        (C(crm_node --force --remove)), as C(pcs cluster node remove-guest) does.
    type: str
    choices: [present, absent]
    default: present
  nodes:
    description:
      - Batch form. A list of guests with the options above, applied as one CIB change.
        Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Guest node name, see O(name).
        type: str
        required: true
      resource:
        description: See O(resource).
        type: str
      remote_addr:
        description: See O(remote_addr).
        type: str
      remote_port:
        description: See O(remote_port).
        type: int
      remote_connect_timeout:
        description: See O(remote_connect_timeout).
        type: str
      standby:
        description: See O(standby).
        type: bool
      maintenance:
        description: See O(maintenance).
        type: bool
      node_attributes:
        description: See O(node_attributes).
        type: dict
      state:
        description: State of this guest; the top-level O(state) when not given.
        type: str
        choices: [present, absent]
  wait:
    description: On a live cluster, wait until every present guest node is online.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait when O(wait=true), and for the connection of a removed guest to stop.
    type: int
    default: 120
seealso:
  - module: hacluster.pacemaker.pacemaker_remote_node
"""

EXAMPLES = r"""
---
- name: Turn the VM resource vm1 into guest node guest1
  hacluster.pacemaker.guest_node:
    name: guest1
    resource: vm1
    remote_addr: 192.0.2.31
    remote_connect_timeout: 30s
  run_once: true

- name: Put guest1 in maintenance mode (its resources are left alone, not monitored)
  hacluster.pacemaker.guest_node:
    name: guest1
    resource: vm1
    maintenance: true
  run_once: true

- name: Stop vm1 being a guest node (the resource stays)
  hacluster.pacemaker.guest_node:
    name: guest1
    state: absent
"""

RETURN = r"""
preview:
  description:
    - What Pacemaker's scheduler would do once the change is applied, from C(crm_simulate) on a copy of the CIB
      (see O(preview)); actions already pending before the change are left out.
    - Each item has C(action) (start, stop, move, promote, demote, ...), C(resource), and C(node) or C(source)/C(dest),
      and where Pacemaker gives them C(reason) and C(blocked).
  returned: when O(preview=true), or in check mode, and something changes
  type: list
  elements: dict
  sample: [{action: move, resource: web, source: remote1, dest: node1}]
nodes:
  description: The guest nodes after the change (or as planned in check mode), in input order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Guest node name.
      type: str
    resource:
      description: The resource that is the guest.
      type: str
    state:
      description: V(present) or V(absent).
      type: str
    remote_addr:
      description: Address the cluster connects to.
      type: str
      returned: when present
    remote_port:
      description: Port, or null when Pacemaker's default (3121) applies.
      type: int
      returned: when present
    remote_connect_timeout:
      description: The remote-connect-timeout meta attribute.
      type: str
      returned: when present
    standby:
      description: Whether the node is in standby.
      type: bool
      returned: when present
    maintenance:
      description: Whether the node is in maintenance mode.
      type: bool
      returned: when present
  sample:
    - name: guest1
      resource: vm1
      state: present
      remote_addr: 192.0.2.31
      remote_port: null
      remote_connect_timeout: 30s
      standby: false
      maintenance: false
cib_version_before:
  description: CIB version (admin_epoch.epoch.num_updates) read before the change.
  returned: always
  type: str
  sample: 0.42.7
cib_version_after:
  description: CIB version after the change; equal to RV(cib_version_before) when nothing changed.
  returned: always
  type: str
  sample: 0.43.0
"""

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _module, _nodes

ITEM_SPEC = dict(
    name=dict(type="str"),
    resource=dict(type="str"),
    remote_addr=dict(type="str"),
    remote_port=dict(type="int"),
    remote_connect_timeout=dict(type="str"),
    **_nodes.NODE_MODE_SPEC,
)


def main():
    _module.run_node_module(ITEM_SPEC, _nodes.plan_guest_nodes)


if __name__ == "__main__":
    main()
