"""_files: the file half of a task's transaction, on real files and a real CIB
(Pacemaker's RelaxNG schema refuses the CIB write, the booth.conf committed
before it must be put back)."""

import os

import pytest
from cibfiles import new_cib
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _files

DUMMY = '<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>'


def test_symlink_target_is_written_and_the_link_stays(tmp_path):
    (tmp_path / "real.conf").write_text("old\n")
    os.symlink("real.conf", str(tmp_path / "link.conf"))
    target = _files.FileTarget(str(tmp_path / "link.conf"), "config_file")
    assert target.read() == b"old\n"
    assert target.write(b"new\n")
    assert os.path.islink(str(tmp_path / "link.conf"))
    assert (tmp_path / "real.conf").read_bytes() == b"new\n"


def test_staged_file_has_final_mode_and_the_old_mode_is_kept(tmp_path):
    path = tmp_path / "booth.conf"
    path.write_text("a\n")
    os.chmod(str(path), 0o640)
    target = _files.FileTarget(str(path), "config_file")
    target.read()
    target.prepare(b"b\n")
    (tmp,) = [p for p in tmp_path.iterdir() if p.name.startswith(".booth.conf-")]
    assert oct(tmp.stat().st_mode & 0o7777) == oct(0o640)
    assert path.read_bytes() == b"a\n"  # nothing visible yet
    assert target.commit()
    assert oct(path.stat().st_mode & 0o7777) == oct(0o640)
    assert [p.name for p in tmp_path.iterdir()] == ["booth.conf"]


def test_a_file_changed_since_read_is_not_overwritten(tmp_path):
    path = tmp_path / "booth.conf"
    path.write_text("a\n")
    target = _files.FileTarget(str(path), "config_file")
    target.read()
    path.write_text("someone else\n")
    assert not target.write(b"ours\n")
    assert path.read_text() == "someone else\n"
    assert [p.name for p in tmp_path.iterdir()] == ["booth.conf"]


def test_rollback_restores_bytes_and_mode_or_removes_a_new_file(tmp_path):
    old = tmp_path / "old.conf"
    old.write_bytes(b"x\n")
    os.chmod(str(old), 0o600)
    a = _files.FileTarget(str(old), "config_file")
    a.read()
    b = _files.FileTarget(str(tmp_path / "new.conf"), "config_file")
    assert b.read(missing_ok=True) is None
    a.prepare(b"y\n")
    b.prepare(b"z\n")
    assert _files.commit_all([a, b]) == [a, b]
    _files.rollback_all([a, b])
    assert old.read_bytes() == b"x\n" and oct(old.stat().st_mode & 0o777) == oct(0o600)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.conf"]


def test_lock_is_per_directory_and_reentrant_in_one_process(tmp_path):
    first = _files.lock_dir(str(tmp_path / "booth.conf"))
    second = _files.lock_dir(str(tmp_path / "cib.xml"))  # same directory: no self-deadlock
    _files.unlock(second)
    _files.unlock(first)
    assert not _files._HELD


def test_files_are_put_back_when_the_cib_write_fails(tmp_path):
    cib_path = new_cib(tmp_path / "cib.xml", DUMMY % "vm1")
    cib_before = cib_path.read_bytes()
    conf = tmp_path / "booth.conf"
    conf.write_text('ticket = "T1"\n')
    conf_before = (conf.read_bytes(), conf.stat().st_mode, conf.stat().st_uid)
    target = _files.FileTarget(str(conf), "config_file")
    target.read()
    target.prepare(b'ticket = "T1"\nticket = "T2"\n')

    def planner(plan):
        # passes the planner's checks, refused by Pacemaker's schema at write time
        etree.SubElement(plan.cib.find("configuration/resources"), "bogus", id="x")
        plan.touch(plan.cib.find("configuration/resources"))

    with pytest.raises(_cib.CibError, match="schema validation failed"):
        _cib.Cib(str(cib_path)).transaction(planner, files=[target])
    assert (conf.read_bytes(), conf.stat().st_mode, conf.stat().st_uid) == conf_before
    assert cib_path.read_bytes() == cib_before


def test_directories_made_for_a_new_file_go_when_it_is_not_kept(tmp_path):
    path = tmp_path / "etc" / "booth" / "booth.conf"

    def staged():
        target = _files.FileTarget(str(path), "config_file")
        assert target.read(missing_ok=True, parents=True) is None
        target.prepare(b'ticket = "T1"\n', mode=0o644, parents=True)
        assert oct((tmp_path / "etc").stat().st_mode & 0o777) == oct(0o755)
        return target

    staged().discard()  # failed before the commit (or check mode)
    assert list(tmp_path.iterdir()) == []
    target = staged()
    assert _files.commit_all([target]) == [target]
    assert path.read_bytes() == b'ticket = "T1"\n'
    _files.rollback_all([target])  # the CIB write after it failed
    assert list(tmp_path.iterdir()) == []
    # a directory that got other content since is left alone
    target = staged()
    _files.commit_all([target])
    (tmp_path / "etc" / "other").write_text("x")
    _files.rollback_all([target])
    assert sorted(p.name for p in (tmp_path / "etc").iterdir()) == ["other"]


def test_a_directory_another_task_uses_is_not_removed(tmp_path):
    path = tmp_path / "booth" / "booth.conf"
    a = _files.FileTarget(str(path), "config_file")
    b = _files.FileTarget(str(path), "config_file")
    for t in (a, b):
        assert t.read(missing_ok=True, parents=True) is None
    a.prepare(b"a\n", parents=True)  # makes booth/
    b.prepare(b"b\n", parents=True)  # finds it
    a.discard()  # a fails: booth/ holds b's staged file, so it stays
    assert _files.commit_all([b]) == [b]
    assert path.read_bytes() == b"b\n"


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_file_that_is_not_regular_is_refused_unread(tmp_path, kind):
    """Opening a FIFO for reading waits for a writer: it must be refused
    without that wait (a booth.conf or key path may point anywhere)."""
    path = tmp_path / "conf"
    if kind == "fifo":
        os.mkfifo(str(path))
    else:
        path.mkdir()
    with pytest.raises(_files.FileError, match="not a regular file|Is a directory"):
        _files.FileTarget(str(path), "config_file").read()
