# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: file_state
author:
  - hacluster.pacemaker contributors (@hacluster)
short_description: What hacluster.pacemaker.host_info reports of a file, for files on the controller
version_added: 0.1.0
description:
  - For each path on the controller, what M(hacluster.pacemaker.host_info) reports of a file on a host
    (RV(hacluster.pacemaker.host_info#module:files)) without running a module; the content is never
    returned.
  - The pacemaker_remote role compares the CA directory with what it was when the role last signed
    (docs/certificates.md).
options:
  _terms:
    description: Paths on the controller.
    type: list
    elements: path
    required: true
"""

EXAMPLES = r"""
- name: Show the owner and mode of the cluster CA's key
  ansible.builtin.debug:
    msg: "{{ (lookup('hacluster.pacemaker.file_state', '/srv/pki/cluster-ca.key', wantlist=true) | first).mode }}"
"""

RETURN = r"""
_raw:
  description:
    - One dictionary per path, in order, C(path) with C(exists); a regular file's C(sha256), C(size),
      C(owner), C(group) and C(mode) (an octal string such as V(0600)); a directory's C(owner), C(group) and
      C(mode).
  type: list
  elements: dict
"""

from ansible.plugins.lookup import LookupBase
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _files


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        paths = [str(t) for t in terms]
        described = _files.describe(paths)
        return [dict(described[p], path=p) for p in paths]
