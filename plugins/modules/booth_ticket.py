#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: booth_ticket
short_description: Manage booth tickets, their grant state and the rsc_ticket constraints bound to them
version_added: 0.1.0
description:
  - Defines a ticket in C(booth.conf), binds resources to it with C(rsc_ticket) constraints, and grants,
    revokes or puts it in standby, as the geo-cluster procedure with C(pcs booth ticket add),
    C(pcs constraint ticket add) and C(pcs booth ticket grant) does.
  - C(booth.conf) must be identical on every site node and arbitrator. Run the task on all of them
    (with O(manage=[config]) on arbitrators, which have no CIB) and compare the returned RV(config_checksum).
  - The booth.conf edit keeps comments, order and lines it does not know; a file booth would reject
    is reported and never rewritten.
  - Constraint ids follow pcs (C(ticket-<ticket>-<resource>)); constraints built by pcs are recognised.
  - Granting is booth's job. With O(grant) the module asks the running booth (C(booth grant -s SITE)).
    Only with O(bypass_booth=true) does it use C(crm_ticket) directly, which can grant one ticket at two
    sites at once; see the docs page on the grant model.
  - The booth.conf edit and the CIB change are one transaction, written before any grant or revoke. When booth
    does not confirm a grant or revoke within O(wait_timeout), the task fails with C(changed=true) and keeps
    what it wrote (it is the declared state, and undoing the constraints while booth may still act on the
    request would be worse). A rerun only retries the grant.
author:
  - hacluster.pacemaker contributors (@hacluster)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - hacluster.pacemaker.cib
  - hacluster.pacemaker.cib.change
options:
  name:
    description:
      - Ticket name, 1-63 characters from a-z, A-Z, 0-9 and C(-) (pcs's rule), not starting with C(-) (booth's client
        would read it as an option). Required unless O(tickets) is given.
    type: str
  state:
    description:
      - V(present) defines the ticket; V(absent) removes it from booth.conf, removes its C(rsc_ticket)
        constraints (see O(release_resources) for the resources they bound) and then, as
        C(pcs booth ticket cleanup) does, its state from this site's CIB (C(crm_ticket --cleanup)). Removing
        the constraints first means the ticket's loss-policy (C(fence) included) no longer applies when
        it goes. Booth keeps a ticket it has loaded until it is restarted with the new booth.conf (the
        C(hacluster.pacemaker.booth) role does that).
    type: str
    choices: [present, absent]
    default: present
  manage:
    description:
      - What to change. V(config) is booth.conf, V(cib) the constraints and ticket state in the CIB.
      - Use V([config]) on arbitrators and V([cib]) for a CIB file without booth.conf.
    type: list
    elements: str
    choices: [config, cib]
    default: [config, cib]
  instance:
    description: Booth instance name; its config is C(/etc/booth/<instance>.conf).
    type: str
    default: booth
  config_file:
    description: Path of booth.conf, overriding O(instance)'s default path.
    type: path
  expire:
    description: Ticket lease time in seconds (booth's C(expire); booth accepts whole seconds or C(<n>ms)).
    type: str
  timeout:
    description: Booth's C(timeout) for ticket messages.
    type: str
  retries:
    description: Booth's C(retries). Booth requires C(timeout * (retries + 1)) below the renewal frequency.
    type: int
  renewal_freq:
    description: Booth's C(renewal-freq); defaults to half of O(expire).
    type: str
  acquire_after:
    description: Booth's C(acquire-after).
    type: str
  weights:
    description: Booth's C(weights), one integer per site and arbitrator in booth.conf order.
    type: list
    elements: int
  mode:
    description: V(auto) (booth moves the ticket on site loss) or V(manual) (an admin must grant it).
    type: str
    choices: [auto, manual]
  before_acquire_handler:
    description: Booth's C(before-acquire-handler), an absolute path of a program run before acquiring.
    type: str
  remove_options:
    description:
      - Ticket options to take out of the ticket's block in booth.conf, so that booth's default (or the
        C(ticket = "__defaults__") block's value) applies again. An option left out of the task is kept
        as it is; this is how one is unset.
      - An option named here and also given a value is refused.
    type: list
    elements: str
    choices: [expire, timeout, retries, renewal_freq, acquire_after, weights, mode, before_acquire_handler]
  constraints:
    description: Resources bound to the ticket, each an C(rsc_ticket) constraint.
    type: list
    elements: dict
    suboptions:
      resource:
        description: Id of an existing resource. Give this or O(constraints[].resources).
        type: str
      resources:
        description:
          - A resource set (C(pcs constraint ticket set)), ids of existing resources in order.
            Give this or O(constraints[].resource).
        type: list
        elements: str
      role:
        description: Only constrain this role (C(rsc-role), or the set's C(role)), for example V(Promoted).
        type: str
      loss_policy:
        description: What happens to the resource when the ticket is revoked.
        type: str
        choices: [stop, demote, fence, freeze]
  exclusive_constraints:
    description: Remove this ticket's constraints that are not listed in O(constraints).
    type: bool
    default: false
  release_resources:
    description:
      - A resource whose last C(rsc_ticket) constraint goes (O(state=absent), O(exclusive_constraints)) may then
        run at every site, also at those that do not hold the ticket. That is refused, naming the resource,
        unless the resource is stopped (C(target-role=Stopped), as C(pcs resource disable) writes it), is bound
        to another ticket after the task, or this is V(true).
    type: bool
    default: false
  grant:
    description:
      - V(granted) grants the ticket to O(site); V(revoked) revokes it wherever it is held.
      - Without O(bypass_booth), needs a running booth.
      - V(granted) is a first grant, as the RHEL 8 guide describes booth. Once the ticket is granted anywhere,
        booth manages it (it may have moved it to another site after a failure), so a ticket held by another
        site is left there (no change, a warning, and RV(tickets[].leader) says where it is). To move it, set
        O(move=true).
    type: str
    choices: [granted, revoked]
  move:
    description:
      - With O(grant=granted), move a ticket that another site holds to O(site). Booth revokes it there
        (C(booth revoke -s HOLDER)), the task waits until no site holds it, then grants it to O(site) and waits again.
        The resources bound to the ticket stop at the holder before they start at O(site).
      - Check mode reports the move in RV(moves) and, run at the holder or at O(site), what stops or starts
        there in RV(preview).
      - A ticket that no site holds is simply granted; one already at O(site) is left alone.
    type: bool
    default: false
  site:
    description: Booth address of the site to grant to (one of the C(site) lines of booth.conf).
    type: str
  bypass_booth:
    description:
      - Change the grant with C(crm_ticket --force) in this cluster's CIB instead of asking booth.
        Needed offline (O(cib_file)) and on clusters without booth.
      - "Dangerous with booth running: two sites can then hold the same ticket."
    type: bool
    default: false
  standby:
    description: Put the ticket in standby (C(crm_ticket --standby)) or activate it (C(--activate)) in this CIB.
    type: bool
  wait_timeout:
    description: Seconds to wait for booth to confirm a grant or revoke.
    type: int
    default: 60
  tickets:
    description:
      - Batch form; a list of tickets with the per-ticket options above, in one CIB transaction
        and one booth.conf write. Mutually exclusive with O(name).
    type: list
    elements: dict
    suboptions:
      name:
        description: Ticket name, see O(name).
        type: str
        required: true
      state:
        description: State of this ticket; the top-level O(state) when not given.
        type: str
        choices: [present, absent]
      expire:
        description: See O(expire).
        type: str
      timeout:
        description: See O(timeout).
        type: str
      retries:
        description: See O(retries).
        type: int
      renewal_freq:
        description: See O(renewal_freq).
        type: str
      acquire_after:
        description: See O(acquire_after).
        type: str
      weights:
        description: See O(weights).
        type: list
        elements: int
      mode:
        description: See O(mode).
        type: str
        choices: [auto, manual]
      before_acquire_handler:
        description: See O(before_acquire_handler).
        type: str
      remove_options:
        description: See O(remove_options).
        type: list
        elements: str
        choices: [expire, timeout, retries, renewal_freq, acquire_after, weights, mode, before_acquire_handler]
      constraints:
        description: See O(constraints).
        type: list
        elements: dict
        suboptions:
          resource:
            description: Id of an existing resource.
            type: str
          resources:
            description: A resource set, ids of existing resources in order.
            type: list
            elements: str
          role:
            description: Only constrain this role.
            type: str
          loss_policy:
            description: What happens to the resource when the ticket is revoked.
            type: str
            choices: [stop, demote, fence, freeze]
      exclusive_constraints:
        description: See O(exclusive_constraints).
        type: bool
        default: false
      release_resources:
        description: See O(release_resources).
        type: bool
        default: false
      grant:
        description: See O(grant).
        type: str
        choices: [granted, revoked]
      move:
        description: See O(move).
        type: bool
        default: false
      site:
        description: See O(site).
        type: str
      standby:
        description: See O(standby).
        type: bool
seealso:
  - name: Booth
    description: Booth's documentation.
    link: https://github.com/ClusterLabs/booth
"""

EXAMPLES = r"""
---
- name: Define apacheticket on every site node and the arbitrator
  hacluster.pacemaker.booth_ticket:
    name: apacheticket
    expire: "600"
    manage: "{{ ['config'] if 'arbitrators' in group_names else ['config', 'cib'] }}"

- name: Bind the web group to the ticket at each site
  hacluster.pacemaker.booth_ticket:
    name: apacheticket
    manage: [cib]
    constraints:
      - resource: apachegroup
        loss_policy: stop
  run_once: true

- name: Grant the ticket to the first site (once, from any site node)
  hacluster.pacemaker.booth_ticket:
    name: apacheticket
    manage: [cib]
    grant: granted
    site: 192.0.2.100
  run_once: true

- name: Move the ticket to the second site, wherever it is now (run it in check mode first)
  hacluster.pacemaker.booth_ticket:
    name: apacheticket
    manage: [cib]
    grant: granted
    site: 192.0.2.200
    move: true
  run_once: true
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
moves:
  description: The tickets moved (or, in check mode, to be moved) from one site to another with O(move=true).
  returned: always
  type: list
  elements: dict
  contains:
    ticket:
      description: Ticket name.
      type: str
    source:
      description: The site that held it.
      type: str
    dest:
      description: The site it moves to.
      type: str
  sample: [{ticket: apacheticket, source: 192.0.2.100, dest: 192.0.2.200}]
tickets:
  description: State of each ticket after the change (as planned in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Ticket name.
      type: str
    state:
      description: V(present) or V(absent).
      type: str
    granted:
      description: Whether this cluster's CIB shows the ticket granted here. Null with O(manage=[config]).
      type: bool
    standby:
      description: Whether the ticket is in standby in this CIB.
      type: bool
    last_granted:
      description: C(last-granted) from the CIB's ticket state (seconds since the epoch).
      type: str
    leader:
      description: The site booth says holds the ticket (live, with booth running), or null.
      type: str
    expires:
      description: When booth's lease expires, as booth prints it.
      type: str
    options:
      description: The ticket's options in booth.conf.
      type: dict
    constraints:
      description: Its C(rsc_ticket) constraints (id, resource, role, loss_policy).
      type: list
      elements: dict
  sample:
    - name: apacheticket
      state: present
      granted: true
      standby: false
      leader: 192.0.2.100
      options: {expire: "600"}
      constraints: [{id: ticket-apacheticket-apachegroup, resource: apachegroup, role: null, loss_policy: stop}]
config_checksum:
  description: SHA-256 of booth.conf after the change; equal on every member when they agree.
  returned: when O(manage) contains V(config)
  type: str
config_changed:
  description: Whether booth.conf was (or would be) changed. Booth reads its config at start; restart it to apply.
  returned: always
  type: bool
cib_version_before:
  description: CIB version before the change.
  returned: when O(manage) contains V(cib)
  type: str
cib_version_after:
  description: CIB version after the change.
  returned: when O(manage) contains V(cib)
  type: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hacluster.pacemaker.plugins.module_utils import (
    _booth,
    _module,
)

CONSTRAINT_SPEC = dict(
    resource=dict(type="str"),
    resources=dict(type="list", elements="str"),
    role=dict(type="str"),
    loss_policy=dict(type="str", choices=["stop", "demote", "fence", "freeze"]),
)

ITEM_SPEC = dict(
    name=dict(type="str"),
    expire=dict(type="str"),
    timeout=dict(type="str"),
    retries=dict(type="int"),
    renewal_freq=dict(type="str"),
    acquire_after=dict(type="str"),
    weights=dict(type="list", elements="int"),
    mode=dict(type="str", choices=["auto", "manual"]),
    before_acquire_handler=dict(type="str"),
    remove_options=dict(
        type="list", elements="str", choices=[option for option, _key in _booth.TICKET_OPTIONS]
    ),
    constraints=dict(type="list", elements="dict", options=CONSTRAINT_SPEC),
    exclusive_constraints=dict(type="bool", default=False),
    release_resources=dict(type="bool", default=False),
    grant=dict(type="str", choices=["granted", "revoked"]),
    site=dict(type="str"),
    move=dict(type="bool", default=False),
    standby=dict(type="bool"),
)


def main():
    tickets_spec = dict(
        ITEM_SPEC,
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"]),
    )
    module = AnsibleModule(
        argument_spec=_module.argument_spec(
            state=dict(type="str", choices=["present", "absent"], default="present"),
            manage=dict(
                type="list", elements="str", choices=["config", "cib"], default=["config", "cib"]
            ),
            instance=dict(type="str", default="booth"),
            config_file=dict(type="path"),
            bypass_booth=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=60),
            tickets=dict(type="list", elements="dict", options=tickets_spec),
            **ITEM_SPEC,
        ),
        mutually_exclusive=[("name", "tickets")],
        required_one_of=[("name", "tickets")],
        supports_check_mode=True,
    )
    items, option = _module.batch_items(module, tuple(ITEM_SPEC), list_key="tickets")
    with _module.Environment(module) as env:
        values = _booth.apply_tickets(env, module.params, items, option)
    module.exit_json(**values)


if __name__ == "__main__":
    main()
