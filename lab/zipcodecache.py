# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compiled code of the modules Python imports from zip files, kept on disk.

Test machinery only (the lab's hosts, the test venv); never installed by the
collection. An Ansible module runs from its AnsiballZ payload, a zip that
zipimport reads and compiles on every run: it holds no .pyc and zipimport
writes none. Compiling ansible.module_utils.basic and ours is about half of
a module run's CPU (docs/testing.md, session 30), and the tests run modules
thousands of times. This keeps each compiled source under the hash of the
interpreter's bytecode version (magic number), its path inside the zip and
its bytes, and loads it from there the next time, once per import (zipimport
loads each module's code twice); only the compile is skipped: the module
imports and runs the same code. Interpreters whose zipimport is not written
in Python (before 3.8) are left alone.
"""

import marshal
import os
import sys
import zipimport

try:
    import _imp
except ImportError:  # another Python implementation: nothing to do
    _imp = None


def install(directory):
    """Cache zipimport's compiles under directory (made when first needed)."""
    compile_source = getattr(zipimport, "_compile_source", None)
    if compile_source is None or _imp is None or getattr(compile_source, "cached", False):
        return
    # the bytecode's own version (a .pyc's magic number), which can change
    # within a minor release, where the cache tag would not
    tag = getattr(getattr(zipimport, "_bootstrap_external", None), "MAGIC_NUMBER", None)
    tag = tag or (sys.implementation.cache_tag or "").encode()

    def cached(pathname, source):
        import hashlib  # here: the .pth imports this module in every process

        inner = pathname.rpartition(".zip" + os.sep)[2]
        key = hashlib.sha256(tag + b"\0" + inner.encode() + b"\0" + source).hexdigest()
        path = os.path.join(directory, key)
        try:
            with open(path, "rb") as f:
                code = marshal.loads(f.read())
            # the code names the zip it was first compiled from: name this one
            _imp._fix_co_filename(code, pathname)
            return code
        except (OSError, ValueError, EOFError, TypeError):
            pass
        code = compile_source(pathname, source)
        tmp = "%s.%d" % (path, os.getpid())
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(marshal.dumps(code))
            os.replace(tmp, path)  # whole or not at all, for runs side by side
        except OSError:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        return code

    cached.cached = True
    zipimport._compile_source = cached

    # zipimport loads a module's code twice: find_spec asks get_filename,
    # which loads it, and exec_module loads it again. The second load is
    # handed the first one's result (each is asked for once more, then let go).
    module_code = zipimport._get_module_code
    first = {}

    def once(importer, fullname):
        key = (importer.archive, importer.prefix, fullname)
        found = first.pop(key, None)
        if found is None:
            found = first[key] = module_code(importer, fullname)
        return found

    zipimport._get_module_code = once
