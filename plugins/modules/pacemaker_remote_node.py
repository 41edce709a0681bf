#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: pacemaker_remote_node
short_description: Manage Pacemaker Remote nodes (ocf:pacemaker:remote connection resources)
version_added: 0.1.0
description:
  - Adds, repairs or removes a Pacemaker Remote node, the way C(pcs cluster node add-remote) and
    C(pcs cluster node remove-remote) do, as one idempotent CIB change.
  - A remote node is an C(ocf:pacemaker:remote) primitive whose id is the node name and whose
    C(server) instance attribute points at a host running C(pacemaker-remoted) (TCP 3121 by default).
  - The result is what pcs 0.12 writes (same ids, same default operations), and a node built by pcs
    is recognised as already there.
  - This module only edits the CIB. Packages, the firewall and C(/etc/pacemaker/authkey) on the remote
    host are the job of the C(hacluster.pacemaker.pacemaker_remote) role.
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
      - Node name, also the id of the connection resource.
      - Must not clash with any id in the CIB, a cluster node name, or another remote or guest node.
      - Required unless O(nodes) is given.
    type: str
  server:
    description:
      - Address (IP or host name) of the host running C(pacemaker-remoted).
      - When the node is created and this is not given, O(name) is used, as pcs does.
      - When not given for an existing node, its current value is kept.
    type: str
  port:
    description:
      - TCP port of C(pacemaker-remoted) (Pacemaker's default is 3121). Left as it is when omitted.
      - V(3121) means the default, so no port is added to a node that has none (as pcs leaves it unset),
        and another port is removed.
    type: int
  reconnect_interval:
    description:
      - How long to wait before retrying a lost connection, a Pacemaker duration such as V(60), V(60s), V(1min)
        or V(PT1M).
      - Values meaning the same duration are treated as equal (no change from V(60) to V(60s) or V(PT1M)).
      - V(0) is Pacemaker's default (no reconnect), which pcs writes as no attribute; it removes another value and
        adds none (an explicit zero already set stays).
      - "Durations, here and in O(operations): a whole number with an optional unit (V(ms), V(s), V(m) or V(min),
        V(h), in any case), or an ISO 8601 duration of hours, minutes and seconds (V(PT1H30M)); at most
        2147483647 ms. ISO 8601 durations with a date part (V(P1D)) are refused: Pacemaker schedules them a day
        short (V(P1D) as no recurring operation at all)."
    type: str
  operations:
    description:
      - Operations of the connection resource. On creation they replace pcs's default operation of the
        same name; on an existing node only the listed operations are converged.
      - Without it a new node gets pcs's defaults (monitor 60s/30s; start, stop, migrate_to, migrate_from,
        reload, reload-agent with timeout 60s).
    type: list
    elements: dict
    suboptions:
      name:
        description: Operation name, for example V(monitor).
        type: str
        required: true
      interval:
        description: Operation interval (V(0s) for non-recurring operations).
        type: str
        default: 0s
      timeout:
        description: Operation timeout.
        type: str
  instance_attributes:
    description:
      - Further instance attributes of the connection resource. C(server), C(port) and
        C(reconnect_interval) have their own options.
      - Names the agent's metadata (C(crm_resource --show-metadata ocf:pacemaker:remote)) does not define are
        refused, as pcs refuses them.
      - A value of V(null) removes the attribute; other attributes already set are kept.
    type: dict
  meta_attributes:
    description:
      - Meta attributes of the connection resource, for example C(target-role).
      - A value of V(null) removes the attribute; booleans are written V(true)/V(false).
    type: dict
  state:
    description:
      - V(present) creates the node or repairs its definition in place.
      - V(absent) removes the connection resource, the constraints that only reference it and, on a live
        cluster, the node's leftover state (C(crm_node --force --remove)), like C(pcs cluster node remove-remote).
        That last step waits (up to O(wait_timeout) seconds, whatever O(wait) says) until the cluster has
        moved the node's resources away and stopped its connection.
    type: str
    choices: [present, absent]
    default: present
  nodes:
    description:
      - Batch form. A list of nodes, each with the options above, applied together as one CIB change.
      - Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Node name, see O(name).
        type: str
        required: true
      server:
        description: See O(server).
        type: str
      port:
        description: See O(port).
        type: int
      reconnect_interval:
        description: See O(reconnect_interval).
        type: str
      operations:
        description: See O(operations).
        type: list
        elements: dict
        suboptions:
          name:
            description: Operation name.
            type: str
            required: true
          interval:
            description: Operation interval.
            type: str
            default: 0s
          timeout:
            description: Operation timeout.
            type: str
      instance_attributes:
        description: See O(instance_attributes).
        type: dict
      meta_attributes:
        description: See O(meta_attributes).
        type: dict
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
        description: State of this node; the top-level O(state) when not given.
        type: str
        choices: [present, absent]
  wait:
    description:
      - On a live cluster, wait until every node with O(state=present) is online.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait when O(wait=true), for the connection of a removed node to stop, and for each
        connection O(reconnect) moves.
    type: int
    default: 120
  reconnect:
    description:
      - On a live cluster, after the change, re-make the connection of every node with O(state=present) now,
        one node at a time, without stopping what runs on it. Its connection resource moves to another online
        cluster node (a migration, as C(pcs resource move) makes it, so a new TLS handshake with the key on disk);
        then its placement is given back to the cluster (the move's constraint is cleared, also when the move
        fails).
      - Pacemaker before 3.0.2 reads C(/etc/pacemaker/authkey) at each handshake, so this takes a new key into
        use without a restart (the C(hacluster.pacemaker.pacemaker_remote) role's key rotation).
      - A connection that does not run, or that has no other online cluster node (not in standby) to go to, is left
        as it is, with a warning. Always reports a change when a connection moves (or would, in check mode).
      - Not with O(cib_file).
    type: bool
    default: false
seealso:
  - module: hacluster.pacemaker.guest_node
  - name: Pacemaker Remote
    description: Pacemaker's documentation of remote and guest nodes.
    link: https://clusterlabs.org/projects/pacemaker/doc/3.0/Pacemaker_Remote/html/
"""

EXAMPLES = r"""
---
- name: Add a remote node (what pcs cluster node add-remote remote1 192.0.2.21 does)
  hacluster.pacemaker.pacemaker_remote_node:
    name: remote1
    server: 192.0.2.21
    reconnect_interval: 60s
    wait: true
  run_once: true

- name: Add many remote nodes in one CIB transaction
  hacluster.pacemaker.pacemaker_remote_node:
    nodes:
      - name: remote1
        server: 192.0.2.21
      - name: remote2
        server: 192.0.2.22
        port: 3122

- name: Plan the change on a CIB file (offline, like pcs -f)
  hacluster.pacemaker.pacemaker_remote_node:
    name: remote3
    cib_file: /tmp/cib.xml

- name: Put remote1 in standby (its resources move away), as pcs node standby remote1 does
  hacluster.pacemaker.pacemaker_remote_node:
    name: remote1
    standby: true
  run_once: true

- name: Take it out of standby and out of maintenance mode
  hacluster.pacemaker.pacemaker_remote_node:
    name: remote1
    standby: false
    maintenance: false
  run_once: true

- name: Re-make the connections of remote1 and remote2 with a new key on disk (moves nothing on them)
  hacluster.pacemaker.pacemaker_remote_node:
    nodes:
      - name: remote1
      - name: remote2
    reconnect: true
  run_once: true

- name: Remove a remote node
  hacluster.pacemaker.pacemaker_remote_node:
    name: remote1
    state: absent
"""

RETURN = r"""
reconnected:
  description: With O(reconnect), each connection moved (or that would move, in check mode), in order.
  returned: when O(reconnect=true)
  type: list
  elements: dict
  sample: [{name: remote1, from: node1, to: node2}]
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
  description: The nodes as defined after the change (or as planned in check mode), in input order.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Node name (id of the connection resource).
      type: str
    state:
      description: V(present) or V(absent).
      type: str
    server:
      description: Address the cluster connects to.
      type: str
      returned: when present
    port:
      description: Port, or null when Pacemaker's default (3121) applies.
      type: int
      returned: when present
    reconnect_interval:
      description: Reconnect interval as written in the CIB.
      type: str
      returned: when present
    meta_attributes:
      description: Meta attributes of the connection resource.
      type: dict
      returned: when present
    operations:
      description: Operations of the connection resource.
      type: list
      elements: dict
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
    - name: remote1
      state: present
      server: 192.0.2.21
      port: null
      reconnect_interval: 60s
      meta_attributes: {}
      operations: [{name: monitor, interval: 60s, timeout: 30s}]
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

from ansible_collections.hacluster.pacemaker.plugins.module_utils import (
    _module,
    _nodes,
    _validate,
)

try:
    from lxml import etree
except ImportError:  # reported by _module.open_cib
    etree = None

OPERATION_SPEC = dict(
    name=dict(type="str", required=True),
    interval=dict(type="str", default="0s"),
    timeout=dict(type="str"),
)

ITEM_SPEC = dict(
    name=dict(type="str"),
    server=dict(type="str"),
    port=dict(type="int"),
    reconnect_interval=dict(type="str"),
    operations=dict(type="list", elements="dict", options=OPERATION_SPEC),
    instance_attributes=dict(type="dict"),
    meta_attributes=dict(type="dict"),
    **_nodes.NODE_MODE_SPEC,
)


def _agent_parameters(module):
    """The parameter names of ocf:pacemaker:remote from its own metadata, or
    None (with a warning) when it cannot be read here."""
    rc, out, err = module.run_command(
        ["crm_resource", "--show-metadata", "ocf:pacemaker:remote"], check_rc=False
    )
    try:
        if rc == 0:
            return set(etree.fromstring(out.encode("utf-8")).xpath("//parameters/parameter/@name"))
    except (etree.XMLSyntaxError, ValueError):
        pass
    module.warn(
        "instance_attributes: cannot read the metadata of ocf:pacemaker:remote "
        "(crm_resource exited %d), so their names are not checked" % rc
    )
    return None


def _prepare(module, items, option):
    """Attribute values as strings; instance attribute names the agent does not
    define are refused, as pcs refuses them (without --force)."""
    for item in items:
        for key in ("instance_attributes", "meta_attributes"):
            if item.get(key):
                item[key] = dict((k, _nodes.attribute_text(val)) for k, val in item[key].items())
    if not any(item.get("instance_attributes") for item in items):
        return []
    known = _agent_parameters(module)
    if known is None:
        return []
    errors = []
    for item in items:
        for name in sorted(item.get("instance_attributes") or ()):
            if name not in known:
                errors.append(
                    "%sinstance_attributes: '%s' is not a parameter of ocf:pacemaker:remote "
                    "(its parameters: %s)"
                    % (_validate.item_label(option, item["name"]), name, ", ".join(sorted(known)))
                )
    return errors


def main():
    _module.run_node_module(ITEM_SPEC, _nodes.plan_remote_nodes, _prepare, reconnect=True)


if __name__ == "__main__":
    main()
