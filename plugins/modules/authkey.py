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
    description: Key file path.
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
      - Mode of a file the module writes. An existing file holding the right key keeps its mode, so keys
        written by pcs (0400) or crmsh (0640) cause no change.
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
  description: V(created), V(replaced), V(unchanged) or V(absent) (no file and nothing to write).
  returned: always
  type: str
"""

import base64
import binascii
import hashlib
import os
import tempfile

from ansible.module_utils.basic import AnsibleModule


def random_key(size):
    key = bytearray(os.urandom(size))
    while key[0] == 0:  # booth reads a leading NUL as "no key"
        key[0] = bytearray(os.urandom(1))[0]
    return bytes(key)


def write_atomic(module, path, data, mode):
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".authkey-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, path)
    except Exception:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    set_attributes(module, path, mode)


def set_attributes(module, path, mode=None):
    """owner, group (and mode when given) through Ansible's own file helpers."""
    params = dict(path=path, owner=module.params["owner"], group=module.params["group"])
    if mode is not None:
        params["mode"] = mode
    return module.set_fs_attributes_if_different(module.load_file_common_arguments(params), False)


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
    p = module.params
    path = p["path"]
    wanted = None
    if p["content"] is not None:
        try:
            wanted = base64.b64decode(p["content"].strip(), validate=True)
        except (binascii.Error, ValueError):
            module.fail_json(msg="content: not valid base64 (give the key base64-encoded)")
    elif p["generate"]:
        if not (
            p["min_size"] <= p["size"] and (p["max_size"] is None or p["size"] <= p["max_size"])
        ):
            module.fail_json(msg="size: %d is outside min_size..max_size" % p["size"])
    limits = "%d to %s bytes" % (p["min_size"], p["max_size"] or "any number of")
    if wanted is not None and not (
        p["min_size"] <= len(wanted) and (p["max_size"] is None or len(wanted) <= p["max_size"])
    ):
        module.fail_json(
            msg="content: the key has %d bytes; it must have %s" % (len(wanted), limits)
        )

    current = None
    if os.path.exists(path):
        try:
            with open(path, "rb") as f:
                current = f.read()
        except OSError as exc:
            module.fail_json(msg="path: cannot read %s: %s" % (path, exc.strerror))

    result = dict(changed=False, path=path)
    if wanted is None and current is None and p["generate"]:
        wanted = random_key(p["size"])
        state = "created"
    elif wanted is None or wanted == current:
        state = "absent" if current is None else "unchanged"
        if current is not None and len(current) < p["min_size"]:
            module.fail_json(
                msg="path: %s holds a %d-byte key; it must have %s" % (path, len(current), limits)
            )
        if current is not None:
            # the right key: only owner/group are enforced, the mode is kept (pcs: 0400)
            result["changed"] = set_attributes(module, path) if not module.check_mode else False
            result.update(sha256=hashlib.sha256(current).hexdigest(), size=len(current))
        module.exit_json(key_state=state, **result)
    elif current is None:
        state = "created"
    elif p["replace"]:
        state = "replaced"
    else:
        module.fail_json(
            msg="%s holds a different key (sha256 %s) than the one given; set replace=true to "
            "replace it (remote nodes reconnect with the new key)"
            % (path, hashlib.sha256(current).hexdigest()),
            sha256_found=hashlib.sha256(current).hexdigest(),
        )
    if not module.check_mode:
        try:
            write_atomic(module, path, wanted, p["mode"])
        except OSError as exc:
            module.fail_json(msg="path: cannot write %s: %s" % (path, exc))
    module.exit_json(
        changed=True,
        state=state,
        sha256=hashlib.sha256(wanted).hexdigest(),
        size=len(wanted),
        path=path,
    )


if __name__ == "__main__":
    main()
