# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Reading the CIB. Keep in sync with CIB_ARGUMENT_SPEC in plugins/module_utils/_module.py
    DOCUMENTATION = r"""
options:
  cib_file:
    description:
      - Work on this CIB file instead of the live cluster (offline mode, like C(pcs -f)).
      - Every Pacemaker tool then runs with C(CIB_file) set to this path; the cluster is not contacted.
      - Without it, the module reads the live CIB with C(cibadmin --query) and must run on a cluster node.
    type: path
requirements:
  - Pacemaker command line tools (C(cibadmin), C(crm_diff); Debian package C(pacemaker-cli-utils)) on the target.
  - The Python C(lxml) library on the target.
attributes:
  platform:
    platforms: posix
    support: full
"""

    # Changing the CIB. Keep in sync with CHANGE_ARGUMENT_SPEC in plugins/module_utils/_module.py
    CHANGE = r"""
options:
  preview:
    description:
      - Return what Pacemaker would do if the planned change were applied, as RV(preview), that is the resources
        that would start, stop, move, promote or demote, and where. Computed by Pacemaker's scheduler (C(crm_simulate)) on a
        private copy of the current CIB, status included, with the change applied; the live CIB is never touched.
      - Defaults to V(true) in check mode and V(false) otherwise.
      - Ticket grants through booth are not simulated; grants and revokes through C(crm_ticket) are.
    type: bool
notes:
  - Every change is planned from one read of the CIB and pushed as one versioned patch (C(cibadmin --patch); offline, a validated atomic file write).
    If another writer changed the CIB in between, Pacemaker refuses the patch and the module re-reads, re-plans and retries,
    so a concurrent update is never lost. In offline mode writers of the same file also serialize on a lock.
  - Invalid input fails before anything is written; the CIB stays byte-identical.
attributes:
  check_mode:
    support: full
    details: Plans the exact change and reports it without writing.
  diff_mode:
    support: full
    details: Shows the touched CIB elements before and after.
  idempotent:
    description: A second run with the same options reports no change and writes nothing (the CIB epoch stays).
    support: full
"""

    # A remote or guest node's modes. Keep in sync with NODE_MODE_SPEC in plugins/module_utils/_nodes.py
    NODE_MODES = r"""
options:
  standby:
    description:
      - V(true) puts the node in standby, as C(pcs node standby NAME) does; Pacemaker moves its resources away
        and places none there. V(false) takes it out of standby (C(pcs node unstandby NAME)). Left as it is
        when omitted.
      - Written as the permanent node attribute C(standby=on) in the CIB's C(nodes) section, where
        C(crm_attribute) and pcs write it; a node pcs put in standby is already there. In check mode,
        RV(preview) shows what would move.
    type: bool
  maintenance:
    description:
      - V(true) puts the node in maintenance mode, as C(pcs node maintenance NAME) does; Pacemaker stops
        monitoring, starting and stopping its resources and leaves them as they are. V(false) ends it
        (C(pcs node unmaintenance NAME)). Left as it is when omitted.
    type: bool
  node_attributes:
    description:
      - Other permanent node attributes of the node, by name, as C(crm_attribute --node NAME --name
        NAME --update VALUE --lifetime forever) or C(pcs node attribute NAME NAME=VALUE) write them in the
        CIB's C(nodes) section; V(null) removes one. Attributes not named are left as they are.
      - C(standby) and C(maintenance) go through their own options.
      - Written in the same CIB change as the node's other options, so that, for example, a connection's
        C(target-role) and a mark of why it was stopped change together.
    type: dict
"""
