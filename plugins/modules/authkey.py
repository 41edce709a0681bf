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

import grp
import hashlib
import os
import pwd

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _files, _validate


def random_key(size):
    key = bytearray(os.urandom(size))
    while key[0] == 0:  # booth reads a leading NUL as "no key"
        key[0] = bytearray(os.urandom(1))[0]
    return bytes(key)


def _id(kind, value, lookup, attr):
    """uid/gid of a user/group given by name or number; an error message if unknown."""
    text = str(value)
    if text.isdigit():
        return int(text), None
    try:
        return getattr(lookup(text), attr), None
    except (KeyError, TypeError, ValueError):
        return None, "%s: no %s named '%s' on this host" % (
            kind,
            kind.replace("owner", "user"),
            text,
        )


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
    errors = []
    wanted = None
    if p["content"] is not None:
        wanted = _validate.b64_key(p["content"])
        if wanted is None:
            errors.append("content: not valid base64 (give the key base64-encoded)")
    elif p["generate"]:
        if not (
            p["min_size"] <= p["size"] and (p["max_size"] is None or p["size"] <= p["max_size"])
        ):
            errors.append("size: %d is outside min_size..max_size" % p["size"])
    limits = "%d to %s bytes" % (p["min_size"], p["max_size"] or "any number of")
    if wanted is not None and not (
        p["min_size"] <= len(wanted) and (p["max_size"] is None or len(wanted) <= p["max_size"])
    ):
        errors.append("content: the key has %d bytes; it must have %s" % (len(wanted), limits))
    uid, problem = _id("owner", p["owner"], pwd.getpwnam, "pw_uid")
    errors.append(problem)
    gid, problem = _id("group", p["group"], grp.getgrnam, "gr_gid")
    errors.append(problem)
    mode, problem = _files.octal_mode(p["mode"])
    errors.append(problem)
    errors = [e for e in errors if e]
    if errors:
        module.fail_json(msg="; ".join(errors), errors=errors, changed=False)

    target = _files.FileTarget(p["path"], "path")
    path = target.path
    lock = None
    try:
        if not module.check_mode and os.path.isdir(os.path.dirname(path)):
            lock = _files.lock_for(path, "path")  # concurrent writers of one key queue
        current = target.read(missing_ok=True)
        result = _converge(module, target, current, wanted, limits, uid, gid, mode)
    except _files.FileError as exc:
        module.fail_json(msg=str(exc), changed=False, key_state="unknown")
    finally:
        _files.unlock(lock)
    module.exit_json(path=path, **result)


def _converge(module, target, current, wanted, limits, uid, gid, mode):
    p = module.params
    if wanted is None and current is None and p["generate"]:
        wanted = random_key(p["size"])
        state = "created"
    elif wanted is None or wanted == current:
        if current is None:
            return dict(changed=False, key_state="absent")
        if len(current) < p["min_size"]:
            module.fail_json(
                msg="path: %s holds a %d-byte key; it must have %s"
                % (target.path, len(current), limits),
                changed=False,
                key_state="unchanged",
            )
        # the right key: owner and group are enforced; a mode at least as strict
        # as the one asked for is kept (pcs writes 0400, crmsh 0640), a looser
        # one is set to it
        st = os.stat(target.path)
        chown = (st.st_uid, st.st_gid) != (uid, gid)
        chmod = bool(st.st_mode & 0o7777 & ~mode)
        changed = chown or chmod
        if not module.check_mode:
            try:
                if chown:
                    os.chown(target.path, uid, gid)
                if chmod:
                    os.chmod(target.path, mode)
            except OSError as exc:
                raise target.error("cannot change the owner or mode of", exc)
        return dict(
            changed=changed,
            key_state="unchanged",
            sha256=hashlib.sha256(current).hexdigest(),
            size=len(current),
        )
    elif current is None:
        state = "created"
    elif p["replace"]:
        state = "replaced"
    else:
        found = hashlib.sha256(current).hexdigest()
        module.fail_json(
            msg="%s holds a different key (sha256 %s) than the one given; set replace=true to "
            "replace it (remote nodes reconnect with the new key)" % (target.path, found),
            sha256_found=found,
            changed=False,
            key_state="different",
        )
    if not module.check_mode:
        if not target.write(wanted, mode=mode, uid=uid, gid=gid):
            raise _files.FileError(
                "path: %s was changed by another writer while this task ran; nothing was "
                "written, run the task again" % target.path
            )
    return dict(
        changed=True,
        key_state=state,
        sha256=hashlib.sha256(wanted).hexdigest(),
        size=len(wanted),
    )


if __name__ == "__main__":
    main()
