#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: maintenance_mode
short_description: Put a Pacemaker cluster in maintenance mode for a task, and end it, without touching an admin's
version_added: 0.1.0
description:
  - Sets the cluster option C(maintenance-mode=true), as C(pcs property set maintenance-mode=true) does, through an
    nvpair of its own (O(id)), and removes exactly that nvpair again. In maintenance mode Pacemaker starts, stops,
    monitors, moves and fences nothing, so daemons can be restarted under running resources.
  - A cluster already in maintenance mode (an admin's, or another task's) is used as it is and never ended by this
    module.
  - The nvpair goes first in C(cib-bootstrap-options), where Pacemaker reads it before an admin's
    C(maintenance-mode=false) (which C(pcs property set maintenance-mode=false) writes); added after it, as
    C(crm_attribute --id) adds it, it would have no effect.
  - One versioned CIB change, like every module of this collection.
author:
  - hacluster.pacemaker contributors (@hacluster)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - hacluster.pacemaker.cib
  - hacluster.pacemaker.cib.change
options:
  state:
    description:
      - V(present) puts the cluster in maintenance mode through the nvpair O(id), unless it already is in
        maintenance mode.
      - V(absent) removes the nvpair O(id); the maintenance mode it made ends, any other stays.
    type: str
    choices: [present, absent]
    default: present
  id:
    description:
      - Id of the nvpair that is this task's switch, so that a rerun after an interruption finds and ends it.
        Must not be used by anything else in the CIB.
    type: str
    default: hacluster-pacemaker-maintenance
seealso:
  - name: Pacemaker's cluster options
    description: C(maintenance-mode) and how Pacemaker reads C(cluster_property_set)s.
    link: https://clusterlabs.org/projects/pacemaker/doc/3.0/Pacemaker_Explained/html/cluster-options.html
"""

EXAMPLES = r"""
---
- name: Maintenance mode while the daemons restart (nothing stops, moves or is fenced)
  hacluster.pacemaker.maintenance_mode:
    id: my-upgrade-maintenance
  run_once: true

- name: End it (an admin's maintenance mode stays)
  hacluster.pacemaker.maintenance_mode:
    id: my-upgrade-maintenance
    state: absent
  run_once: true
"""

RETURN = r"""
maintenance_mode:
  description: Whether the cluster is in maintenance mode after the task (as planned, in check mode).
  returned: success
  type: bool
switch:
  description: Whether the nvpair O(id) is in the CIB after the task.
  returned: success
  type: bool
cib_version_before:
  description: CIB version (admin_epoch.epoch.num_updates) before the change.
  returned: success
  type: str
cib_version_after:
  description: CIB version after the change (equal to RV(cib_version_before) when nothing changed).
  returned: success
  type: str
preview:
  description: What Pacemaker's scheduler would do once the change is applied (see O(preview)).
  returned: when O(preview=true), or in check mode, and something changes
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cluster, _module


def main():
    module = AnsibleModule(
        argument_spec=_module.argument_spec(
            state=dict(type="str", choices=["present", "absent"], default="present"),
            id=dict(type="str", default="hacluster-pacemaker-maintenance"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    with _module.Environment(module) as env:
        _result, values = env.transaction(
            lambda plan: _cluster.plan_maintenance(plan, p["state"], p["id"])
        )
    module.exit_json(**values)


if __name__ == "__main__":
    main()
