# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules' AnsiballZ payloads, kept between the ansible runs of the lab
and of the offline tests.

ansible-core builds each distinct module's payload (the module and the
module_utils it imports, found by walking their imports) once per run, in
ansiballz_cache/ of the run's own temporary directory, which goes with the
run: about 0.2 CPU-s per module and run, 0.8 of an idle remote_nodes.yml
run's 6.8 and 1.7 of a port change's 18 (docs/testing.md, session 28). Made a
link to a store keyed by everything a payload is built from (ansible-core,
the collections installed beside it, this checkout's plugins, the
interpreter), that directory lets a run use what an earlier one built, byte
for byte what it would build. Only the build is skipped: every module still
runs on its host as a run without the store runs it. The cache names a
payload by the module's full name; modules of a role's library/ directory
(ansible.legacy.*, the same name for different files) are not used here.
"""

import hashlib
import os
import shutil
import sys
import time


def share(run_tmp):
    """Link run_tmp/ansiballz_cache (run_tmp: the run's C.DEFAULT_LOCAL_TMP)
    to the store, before the run builds its first module (called by the
    lab's connection for each task, and by the callback at the run's start).
    A run that built a module before (a controller task first) keeps its own
    directory."""
    link = os.path.join(run_tmp, "ansiballz_cache")
    if os.path.lexists(link):
        return
    try:
        store = _store()
        os.makedirs(store, mode=0o700, exist_ok=True)
        os.utime(store)  # in use: not pruned
        os.symlink(store, link)
    except OSError:
        pass  # a race with the run's own directory, or no store: only a saving


def _store(root=None):
    """The store's directory, under root/.build/ansiballz (root: this checkout)."""
    from importlib import metadata

    import ansible.release

    root = root or os.path.realpath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
    key = hashlib.sha256()
    # ansible-core and the collections of the ansible package (ansible.posix...)
    try:
        collections = metadata.version("ansible")
    except metadata.PackageNotFoundError:
        collections = "-"
    key.update(("%s\0%s\0%s\0" % (ansible.release.__version__, collections, sys.version)).encode())
    # this checkout's modules and module_utils, as they are now
    for directory, _dirs, files in sorted(os.walk(os.path.join(root, "plugins"))):
        for name in sorted(f for f in files if f.endswith(".py")):
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                key.update(path.encode() + b"\0" + hashlib.sha256(f.read()).digest())
    stores = os.path.join(root, ".build", "ansiballz")
    _prune(stores)
    return os.path.join(stores, key.hexdigest()[:16])


def _prune(stores, days=2):
    """Stores not used for days (what an edit or a new venv left behind)."""
    try:
        entries = list(os.scandir(stores))
    except OSError:
        return
    old = time.time() - days * 86400
    for entry in entries:
        try:
            if entry.stat(follow_symlinks=False).st_mtime < old:
                shutil.rmtree(entry.path)
        except OSError:
            pass
