#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: booth_config
short_description: Manage a booth instance's booth.conf and, on a site cluster, its booth IP and service group
version_added: 0.1.0
description:
  - Converges the global part of C(booth.conf) (transport, port, authfile, sites and arbitrators), like
    C(pcs booth setup), keeping comments, tickets and lines it does not know. Tickets are managed with
    M(hacluster.pacemaker.booth_ticket).
  - Rendering is deterministic, so every site node and arbitrator given the same options holds the
    same bytes; compare RV(config_checksum) across hosts.
  - With O(site_ip) on a site cluster, also creates the resource group that runs booth there, an
    C(ocf:heartbeat:IPaddr2) floating IP plus C(ocf:pacemaker:booth-site), with the ids, attributes and
    operations C(pcs booth create ip) writes (C(booth-<instance>-group), C(-ip), C(-service)).
  - The authfile in force. RHEL's booth builds (since CVE-2022-2553) use the authfile only when booth.conf
    also says C(enable-authfile = yes), which upstream booth refuses as an unknown keyword (pcs handles it
    with C(pcs booth enable-authfile)). The module asks the installed booth which kind it is (C(boothd status)
    on a probe config) and writes the line beside an authfile where booth needs it, removes it where booth
    refuses it, and leaves it as it is where no booth can be asked. RV(authfile_in_force) tells the result.
author:
  - hacluster.pacemaker contributors (@hacluster)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - hacluster.pacemaker.cib
  - hacluster.pacemaker.cib.change
options:
  instance:
    description: Booth instance name; its config is C(/etc/booth/<instance>.conf).
    type: str
    default: booth
  config_file:
    description:
      - Path of booth.conf, overriding O(instance)'s default path.
      - Missing directories of a new file are made (mode 0755) and removed again when the task fails.
    type: path
  sites:
    description: Booth addresses of the sites, in order (booth derives ticket weights and priorities from it).
    type: list
    elements: str
  arbitrators:
    description: Booth addresses of the arbitrators.
    type: list
    elements: str
    default: []
  transport:
    description: Booth transport; booth implements only UDP.
    type: str
    choices: [UDP]
    default: UDP
  port:
    description: Booth port (UDP and TCP), 9929 by default.
    type: int
    default: 9929
  authfile:
    description: Path of the booth key (see M(hacluster.pacemaker.authkey)). Omit for no authentication.
    type: path
  allow_hostnames:
    description: Accept host names for sites and arbitrators (booth resolves them once, at start). Default is IP addresses only.
    type: bool
    default: false
  site_ip:
    description:
      - On a site cluster, the floating booth IP of this site. Creates the booth resource group in the CIB,
        or converges its IP. Requires a CIB (live, or O(cib_file)).
    type: str
  state:
    description:
      - V(present) converges booth.conf (creating it if missing) and the site group when O(site_ip) is given.
      - V(absent) removes the site group from the CIB (with O(manage) including V(cib)) and booth.conf
        (with O(manage) including V(config)).
    type: str
    choices: [present, absent]
    default: present
  manage:
    description: What to change, V(config) (booth.conf) and/or V(cib) (the site group).
    type: list
    elements: str
    choices: [config, cib]
    default: [config]
"""

EXAMPLES = r"""
---
- name: booth.conf on every site node and the arbitrator
  hacluster.pacemaker.booth_config:
    sites: [192.0.2.100, 198.51.100.100]
    arbitrators: [203.0.113.10]
    authfile: /etc/booth/booth.key

- name: The booth IP and service at site A (once per site cluster)
  hacluster.pacemaker.booth_config:
    sites: [192.0.2.100, 198.51.100.100]
    arbitrators: [203.0.113.10]
    authfile: /etc/booth/booth.key
    site_ip: 192.0.2.100
    manage: [config, cib]
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
config_checksum:
  description: SHA-256 of booth.conf after the change.
  returned: when O(manage) contains V(config) and O(state=present)
  type: str
config_changed:
  description: Whether booth.conf changed (restart booth to apply it).
  returned: always
  type: bool
port_before:
  description:
    - The port booth.conf named before this task (booth's default, V(9929), when it named none); null when there was
      no booth.conf or its port could not be read. The booth role closes it in the firewall when booth leaves it.
  returned: when O(manage) contains V(config)
  type: int
  sample: 9929
authfile_in_force:
  description:
    - Whether the booth installed here will use the authfile of this booth.conf; V(false) when there is none, or
      when this booth needs C(enable-authfile = yes) and the file has no authfile; null when no booth could be asked.
  returned: when O(manage) contains V(config) and O(state=present)
  type: bool
  sample: true
site_group:
  description: Id of the booth resource group and its IP.
  returned: when O(site_ip) is given
  type: dict
  sample: {group: booth-booth-group, ip: 192.0.2.100}
"""


from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hacluster.pacemaker.plugins.module_utils import (
    _booth,
    _module,
)


def main():
    module = AnsibleModule(
        argument_spec=_module.argument_spec(
            instance=dict(type="str", default="booth"),
            config_file=dict(type="path"),
            sites=dict(type="list", elements="str"),
            arbitrators=dict(type="list", elements="str", default=[]),
            transport=dict(type="str", choices=["UDP"], default="UDP"),
            port=dict(type="int", default=9929),
            authfile=dict(type="path"),
            allow_hostnames=dict(type="bool", default=False),
            site_ip=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            manage=dict(type="list", elements="str", choices=["config", "cib"], default=["config"]),
        ),
        required_if=[("state", "present", ("sites",))],
        supports_check_mode=True,
    )
    with _module.Environment(module) as env:
        values = _booth.apply_globals(env, module.params)
    module.exit_json(**values)


if __name__ == "__main__":
    main()
