# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files a task changes besides the CIB (booth.conf, keys, a CIB file): one
way to read, lock, write and roll them back, so that every module follows the
same rules:

- a path given as a symlink is resolved: the link's target is written and the
  link stays a link; the lock is taken on the target's directory, so writers
  through the link and through the real path serialize;
- a write goes to a temporary file in the same directory that already has the
  final content, owner and mode (a full disk, a missing owner or a read-only
  directory fail there, before anything visible changed); the rename over the
  old file is the only visible step;
- a write is refused when the file changed since it was read (compare and
  swap on inode, size and mtime), like a CIB patch refused for its version;
- a written file can be put back as it was (``rollback``), so a task that fails
  after a write leaves every file as it found it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import grp
import hashlib
import os
import pwd
import stat
import tempfile


class FileError(Exception):
    """A file cannot be read or written; the message names the option."""


def identity(st):
    return (st.st_ino, st.st_size, st.st_mtime_ns if hasattr(st, "st_mtime_ns") else st.st_mtime)


def resolve(path):
    """The file a path means: symlinks followed (also dangling ones, to
    where they point), relative to the current directory."""
    return os.path.realpath(os.path.abspath(path))


_HELD = {}  # directory -> [fd, holders]: one flock per directory and process


def lock_dir(path):
    """An exclusive lock on the directory of the (resolved) path; returns a
    handle for unlock(). A directory lock survives the file being replaced.
    Locks are per process and directory: a task that holds booth.conf's
    directory can lock a CIB file in the same directory without waiting for
    itself."""
    directory = os.path.dirname(path) or "."
    held = _HELD.get(directory)
    if held is not None:
        held[1] += 1
        return directory
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except Exception:
        os.close(fd)
        raise
    _HELD[directory] = [fd, 1]
    return directory


def lock_for(path, option):
    """lock_dir(path), an OSError told as a FileError naming the option."""
    try:
        return lock_dir(path)
    except OSError as exc:
        raise FileError("%s: cannot lock the directory of %s: %s" % (option, path, _why(exc)))


def unlock(handle):
    if handle is None:
        return
    held = _HELD[handle]
    held[1] -= 1
    if held[1] == 0:
        del _HELD[handle]
        os.close(held[0])


def read_regular(path):
    """(stat, bytes) of a regular file. Anything else (a FIFO, a device, a
    directory) raises OSError unread: opening a FIFO waits for a writer
    forever, and no read of ours may hang."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise OSError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        handle, fd = os.fdopen(fd, "rb"), None
        with handle:
            return st, handle.read()
    finally:
        if fd is not None:
            os.close(fd)


def octal_mode(value, option="mode"):
    """(mode, None) from '0640', '640' or the integer YAML makes of an
    unquoted 0640 (416, which is 0o640: Ansible's own file modules read it
    so); (None, why) for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        mode = value
    elif isinstance(value, str) and value and all(c in "01234567" for c in value):
        mode = int(value, 8)
    else:
        return None, "%s: '%s' is not an octal mode; give it quoted, e.g. '0640'" % (option, value)
    if not 0 <= mode <= 0o7777:
        return None, "%s: '%s' is not a file mode (0000 to 7777 octal)" % (option, value)
    return mode, None


def _missing_directory(path):
    """The topmost directory on the way to path that does not exist, or None."""
    missing, parent = None, os.path.dirname(path)
    while parent and not os.path.lexists(parent):
        missing, parent = parent, os.path.dirname(parent)
    return missing


def _why(exc):
    return exc.strerror or str(exc)


class FileTarget:
    """One file a task may write. ``read()`` once, ``prepare(data)``, then
    ``commit()``; ``rollback()`` undoes a commit."""

    def __init__(self, path, option):
        self.given = path
        self.path = resolve(path)
        self.option = option
        self.before = None  # bytes read, or None when the file did not exist
        self._identity = None
        self._stat = None
        self._tmp = None
        self._delete = False
        self._committed = False
        self._made = []  # directories prepare(parents=True) created, top first

    def _name(self):
        if self.given != self.path:
            return "%s (-> %s)" % (self.given, self.path)
        return self.path

    def error(self, what, exc=None):
        return FileError(
            "%s: %s %s%s" % (self.option, what, self._name(), ": %s" % _why(exc) if exc else "")
        )

    def read(self, missing_ok=False, parents=False):
        """The file's bytes (None if it does not exist and missing_ok; with
        parents, also when its directories are missing, for prepare(parents=True))."""
        try:
            self._stat, self.before = read_regular(self.path)
        except OSError as exc:
            if (
                missing_ok
                and not os.path.lexists(self.path)
                and (
                    os.path.isdir(os.path.dirname(self.path))
                    or (parents and exc.errno == errno.ENOENT)
                )
            ):
                self.before = None
                self._stat = None
                self._identity = None
                return None
            missing = _missing_directory(self.path) if exc.errno == errno.ENOENT else None
            if missing:
                raise FileError(
                    "%s: the directory %s does not exist (for %s); create it first"
                    % (self.option, missing, self._name())
                )
            raise self.error("cannot read", exc)
        if not os.path.isfile(self.path):
            raise FileError("%s: %s is not a regular file" % (self.option, self._name()))
        self._identity = identity(self._stat)
        return self.before

    @property
    def pending(self):
        """prepared and not yet committed"""
        return self._tmp is not None or self._delete

    def prepare_delete(self):
        """commit() will remove the file."""
        self.discard()
        self._delete = True

    def prepare(self, data, mode=None, uid=None, gid=None, parents=False):
        """Write data to a temporary file beside the target, with the old
        file's mode and owner (or the ones given). Nothing visible changes
        but, with parents=True, the missing directories (0755) it goes in:
        they are removed again by discard() and rollback()."""
        self.discard()
        directory = os.path.dirname(self.path)
        if parents:
            self._make_parents(directory)
        chown = os.geteuid() == 0 or uid is not None or gid is not None
        if mode is None:
            mode = self._stat.st_mode & 0o7777 if self._stat is not None else 0o644
        if uid is None:
            uid = self._stat.st_uid if self._stat is not None else -1
        if gid is None:
            gid = self._stat.st_gid if self._stat is not None else -1
        try:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".%s-" % os.path.basename(self.path))
        except OSError as exc:
            raise self.error("cannot write", exc)
        self._tmp = tmp
        try:
            os.fchmod(fd, 0o600)  # never readable by others while being written
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            if chown:
                os.chown(tmp, uid, gid)
            os.chmod(tmp, mode)
        except OSError as exc:
            self.discard()
            raise self.error("cannot write", exc)

    def _make_parents(self, directory):
        missing = []
        while not os.path.isdir(directory):
            missing.append(directory)
            directory = os.path.dirname(directory)
        for directory in reversed(missing):
            try:
                os.mkdir(directory, 0o755)
            except OSError as exc:
                if exc.errno == errno.EEXIST and os.path.isdir(directory):
                    continue  # a concurrent task made it: not ours to remove
                self._remove_made()
                raise self.error("cannot create the directory of", exc)
            self._made.append(directory)

    def _remove_made(self):
        for directory in reversed(self._made):
            try:
                os.rmdir(directory)
            except OSError:
                break  # something else was put there since: it stays
        self._made = []

    def unchanged(self):
        """True if the file is still the one read (or still absent)."""
        try:
            now = identity(os.stat(self.path))
        except OSError:
            now = None
        return now == self._identity

    def commit(self):
        """Rename the prepared file over the target. False (nothing written)
        when the target changed since it was read: re-read and re-plan."""
        if not self.unchanged():
            self.discard()
            return False
        try:
            if self._delete:
                os.unlink(self.path)
                self._delete = False
            else:
                os.rename(self._tmp, self.path)
        except OSError as exc:
            self.discard()
            raise self.error("cannot replace", exc)
        self._tmp = None
        self._committed = True
        return True

    def write(self, data, **attrs):
        """prepare + commit."""
        self.prepare(data, **attrs)
        return self.commit()

    def discard(self):
        self._delete = False
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None
        if not self._committed:
            self._remove_made()

    def rollback(self):
        """Put the file back as it was read: same bytes, owner and mode."""
        if not self._committed:
            self.discard()
            return
        self._committed = False
        if self.before is None:
            os.unlink(self.path)
            self._remove_made()
            return
        st = self._stat
        self.prepare(self.before, mode=st.st_mode & 0o7777, uid=st.st_uid, gid=st.st_gid)
        os.rename(self._tmp, self.path)
        self._tmp = None


def commit_all(targets):
    """Commit every pending target, or none: a failed commit rolls back the
    ones before it. Raises FileError (a target changed by a writer that does
    not take our lock is one too: nothing is written, the task can be rerun)."""
    done = []
    try:
        for target in targets:
            if not target.pending:
                continue
            if not target.commit():
                raise FileError(
                    "%s: %s was changed by another writer while this task ran; nothing was "
                    "written, run the task again" % (target.option, target.path)
                )
            done.append(target)
    except Exception:
        rollback_all(done)
        raise
    return done


def rollback_all(targets):
    """Undo commits (last first) and drop what is still only prepared."""
    for target in reversed(list(targets)):
        target.rollback()


def describe(paths, modes=None):
    """{path: what host_info and the file_state lookup report of it}: exists,
    and for a regular file its sha256, size, owner, group and mode (never its
    content), within_mode for a path of modes ({path: allowed bits}); for a
    directory owner, group and mode only."""
    modes = modes or {}
    result = {}
    for path in paths:
        try:
            st, data = read_regular(path)
        except OSError:
            # missing, unreadable, or no regular file (a FIFO is never opened for reading)
            result[path] = {"exists": os.path.exists(path)}
            if os.path.isdir(path):
                # a directory: who may enter it, no content
                result[path].update(_owner_mode(os.stat(path)))
            continue
        result[path] = {
            "exists": True,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": st.st_size,
        }
        result[path].update(_owner_mode(st))
        if path in modes:
            result[path]["within_mode"] = not st.st_mode & 0o7777 & ~modes[path]
    return result


def _owner_mode(st):
    return {
        "owner": _name(pwd.getpwuid, st.st_uid, "pw_name"),
        "group": _name(grp.getgrgid, st.st_gid, "gr_name"),
        "mode": "%04o" % (st.st_mode & 0o7777),
    }


def _name(lookup, number, attr):
    try:
        return getattr(lookup(number), attr)
    except KeyError:
        return str(number)
