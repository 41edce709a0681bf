#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: authkey
short_description: Generate or install a shared cluster key (Pacemaker authkey, booth authfile) without revealing it
version_added: 0.1.0
description:
  - Writes a binary key file such as C(/etc/pacemaker/authkey) (TLS-PSK of Pacemaker Remote) or a booth
    authfile, from a base64 value or freshly generated, atomically, with the given owner, group and mode.
  - The key never appears in output, logs or diffs; only its SHA-256 fingerprint is returned, so a play can
    check that every host holds the same key.
  - A host that already holds a different key is an error unless O(replace=true), so a wrong key is reported
    rather than silently overwritten (or silently kept).
author:
  - hacluster.pacemaker contributors (@hacluster)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
options:
  path:
    description:
      - Key file path. A symlink is followed; its target is written and the link is kept.
    type: path
    default: /etc/pacemaker/authkey
  content:
    description:
      - The key, base64-encoded (for example from an Ansible Vault variable or an AWX credential).
      - Without it the module only generates a key when the file is missing (O(generate)) or checks the file.
    type: str
  generate:
    description: Without O(content), create a random key of O(size) bytes if the file does not exist.
    type: bool
    default: false
  size:
    description:
      - Size in bytes of a generated key. Pacemaker's documentation uses 4096; booth accepts 8 to 64.
      - The first byte of a generated key is never zero (booth treats such a key as no key).
    type: int
    default: 4096
  min_size:
    description: Refuse keys (given or found) shorter than this many bytes.
    type: int
    default: 8
  max_size:
    description: Refuse keys (given) longer than this many bytes, for example 64 for booth.
    type: int
  replace:
    description: Replace an existing file whose key differs from O(content). Without it that is an error.
    type: bool
    default: false
  owner:
    description: Owner of the file.
    type: str
    default: hacluster
  group:
    description: Group of the file.
    type: str
    default: haclient
  mode:
    description:
      - Mode of a file the module writes, and the loosest mode an existing file holding the right key may
        have. A stricter mode is kept, so keys written by pcs (0400) or crmsh (0640) cause no change with the
        default; a looser one (say 0644) is set to this mode.
    type: raw
    default: "0640"
attributes:
  platform:
    platforms: posix
    support: full
  check_mode:
    support: full
  diff_mode:
    support: none
    details: A key has no diff to show.
  idempotent:
    description: A second run with the same key reports no change.
    support: full
"""

EXAMPLES = r"""
---
- name: Create the authkey on the first cluster node if it has none
  hacluster.pacemaker.authkey:
    generate: true
  run_once: true

- name: Install the shared key everywhere (kept in Ansible Vault as base64)
  hacluster.pacemaker.authkey:
    content: "{{ vault_pacemaker_authkey_b64 }}"

- name: Booth authfile
  hacluster.pacemaker.authkey:
    path: /etc/booth/booth.key
    content: "{{ vault_booth_key_b64 }}"
    max_size: 64
    mode: "0600"
"""

RETURN = r"""
sha256:
  description: SHA-256 of the key now in the file (or that would be), a fingerprint safe to show and compare.
  returned: when the file exists or is written
  type: str
size:
  description: Key size in bytes.
  returned: when the file exists or is written
  type: int
key_state:
  description:
    - V(created), V(replaced), V(unchanged) or V(absent) (no file and nothing to write); on failure
      V(different) (the file holds another key) or V(unknown).
  returned: always
  type: str
path:
  description: The file the key is in (a symlink given as O(path) is resolved; its target is written).
  returned: always
  type: str
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _authkey, _module


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", default="/etc/pacemaker/authkey"),
            content=dict(type="str", no_log=True),
            generate=dict(type="bool", default=False),
            size=dict(type="int", default=4096),
            min_size=dict(type="int", default=8),
            max_size=dict(type="int"),
            replace=dict(type="bool", default=False),
            owner=dict(type="str", default="hacluster"),
            group=dict(type="str", default="haclient"),
            mode=dict(type="raw", default="0640"),
        ),
        supports_check_mode=True,
    )
    with _module.Environment(module, key_state="unknown") as env:
        values = _authkey.converge(env, module.params)
    module.exit_json(**values)


if __name__ == "__main__":
    main()
