# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The authkey module's flow: a shared key file (Pacemaker's authkey, a
booth authfile) made to hold the key given, a generated one, or kept as it
is; its owner, group and mode. All reads and writes go through the task's
_module.Environment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import hashlib
import os
import pwd

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


def converge(env, p):
    """Check the options, then make p["path"] hold the key; returns the
    values of the task. Fails (before anything is written) on any bad option."""
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
    env.fail_on(errors)
    target = env.file(p["path"], "path")  # concurrent writers of one key queue
    current = target.read(missing_ok=True)
    values = _converge(env, p, target, current, wanted, limits, uid, gid, mode)
    values["path"] = target.path
    return values


def _converge(env, p, target, current, wanted, limits, uid, gid, mode):
    if wanted is None and current is None and p["generate"]:
        wanted = random_key(p["size"])
        state = "created"
    elif wanted is None or wanted == current:
        if current is None:
            return dict(changed=False, key_state="absent")
        if len(current) < p["min_size"]:
            env.fail(
                "path: %s holds a %d-byte key; it must have %s"
                % (target.path, len(current), limits),
                key_state="unchanged",
            )
        # the right key: owner and group are enforced; a mode at least as strict
        # as the one asked for is kept (pcs writes 0400, crmsh 0640), a looser
        # one is set to it
        st = os.stat(target.path)
        chown = (st.st_uid, st.st_gid) != (uid, gid)
        chmod = bool(st.st_mode & 0o7777 & ~mode)
        changed = chown or chmod
        if not env.check_mode:
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
        env.fail(
            "%s holds a different key (sha256 %s) than the one given; set replace=true to "
            "replace it (remote nodes reconnect with the new key)" % (target.path, found),
            sha256_found=found,
            key_state="different",
        )
    if not env.check_mode:
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
