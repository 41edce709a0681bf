"""The lab's and the offline tests' store of module payloads
(lab/collection/plugins/plugin_utils/payloads.py): a payload is used again
only while everything it is built from is the same."""

import os

from ansible_collections.hacluster.lab.plugins.plugin_utils import payloads


def checkout(tmp_path, **files):
    for name, text in files.items():
        path = tmp_path / "plugins" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(tmp_path)


def test_the_store_follows_the_sources(tmp_path):
    root = checkout(tmp_path, **{"modules/m.py": "A = 1\n", "module_utils/_u.py": "B = 1\n"})
    first = payloads._store(root)
    assert payloads._store(root) == first
    assert os.path.dirname(first) == os.path.join(root, ".build", "ansiballz")
    (tmp_path / "plugins" / "module_utils" / "_u.py").write_text("B = 2\n")
    edited = payloads._store(root)
    assert edited != first
    (tmp_path / "plugins" / "modules" / "new.py").write_text("")
    assert payloads._store(root) not in (first, edited)
    # compiled files are not sources: a run that imports a module_utils leaves them
    (tmp_path / "plugins" / "module_utils" / "__pycache__").mkdir()
    (tmp_path / "plugins" / "module_utils" / "__pycache__" / "_u.cpython-311.pyc").write_text("x")
    (tmp_path / "plugins" / "modules" / "new.py").unlink()
    assert payloads._store(root) == edited


def test_a_run_directory_is_linked_once(tmp_path):
    run = tmp_path / "ansible-local-1"
    run.mkdir()
    payloads.share(str(run))
    link = run / "ansiballz_cache"
    assert link.is_symlink() and link.resolve().is_dir()
    target = os.readlink(link)
    payloads.share(str(run))
    assert os.readlink(link) == target
    # a run that made its own directory first keeps it
    other = tmp_path / "ansible-local-2"
    (other / "ansiballz_cache").mkdir(parents=True)
    payloads.share(str(other))
    assert not (other / "ansiballz_cache").is_symlink()


def test_stores_unused_for_days_are_pruned(tmp_path):
    stores = tmp_path / "stores"
    for name, age in (("old", 3 * 86400), ("recent", 3600)):
        (stores / name).mkdir(parents=True)
        (stores / name / "payload").write_text("x")
        then = os.path.getmtime(stores / name) - age
        os.utime(stores / name, (then, then))
    payloads._prune(str(stores))
    assert sorted(os.listdir(stores)) == ["recent"]
