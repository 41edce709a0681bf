"""The CIB engine on real CIB files: read, transaction, version guard, retries."""

import multiprocessing

import pytest
from cibfiles import epoch, tool, verify
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _nodes


def add_remote(name, server):
    def planner(plan):
        _nodes.plan_remote_nodes(plan, [{"name": name, "server": server, "state": "present"}], None)

    return planner


def test_transaction_writes_one_versioned_change(cib):
    before = epoch(cib)
    result = _cib.Cib(str(cib)).transaction(add_remote("rh1", "192.0.2.1"))
    assert result.changed and result.attempts == 1
    assert int(epoch(cib)) > int(before)
    assert result.version_after == "0.%s.0" % epoch(cib)
    assert tool(cib, "cibadmin", "--query", "--xpath", "//primitive[@id='rh1']").returncode == 0
    verify(cib)


def test_second_run_changes_nothing_and_writes_nothing(cib):
    _cib.Cib(str(cib)).transaction(add_remote("rh1", "192.0.2.1"))
    content = cib.read_bytes()
    result = _cib.Cib(str(cib)).transaction(add_remote("rh1", "192.0.2.1"))
    assert not result.changed
    assert result.version_before == result.version_after
    assert cib.read_bytes() == content


def test_check_mode_plans_without_writing(cib):
    content = cib.read_bytes()
    result = _cib.Cib(str(cib)).transaction(add_remote("rh1", "192.0.2.1"), check_mode=True)
    assert result.changed
    assert "rh1" in result.plan.diff()["after"]
    assert cib.read_bytes() == content


def test_concurrent_change_is_kept_and_ours_retried(cib):
    """Another writer changes the CIB between our read and our patch: Pacemaker
    refuses our stale patch (exit 103), we re-plan, and both changes survive."""
    calls = []

    def planner(plan):
        calls.append(1)
        if len(calls) == 1:  # a concurrent writer sneaks in after our read
            tool(
                cib,
                "cibadmin",
                "--create",
                "--scope",
                "resources",
                "--xml-text",
                '<primitive id="other" class="ocf" provider="pacemaker" type="Dummy"/>',
            )
        add_remote("rh1", "192.0.2.1")(plan)

    cib_obj = _cib.Cib(str(cib), backoff=0)
    cib_obj._lock = lambda: None  # the intruder above bypasses our lock, as pcs -f would
    result = cib_obj.transaction(planner)
    assert result.attempts == 2
    ids = etree.parse(str(cib)).xpath("//primitive/@id")
    assert {"other", "rh1", "vm1"} <= set(ids)


def test_stale_patch_is_refused_by_pacemaker(cib):
    """The guarantee itself, without our retry: a patch planned on an old CIB fails."""
    cib_obj = _cib.Cib(str(cib))
    old = cib_obj.read()
    new = etree.fromstring(etree.tostring(old))
    plan = _cib.Plan(new)
    add_remote("rh1", "192.0.2.1")(plan)
    new.set("epoch", str(int(old.get("epoch")) + 1))
    tool(
        cib,
        "cibadmin",
        "--create",
        "--scope",
        "resources",
        "--xml-text",
        '<primitive id="other" class="ocf" provider="pacemaker" type="Dummy"/>',
    )
    assert cib_obj.patch(old, new) is False
    ids = etree.parse(str(cib)).xpath("//primitive/@id")
    assert "other" in ids and "rh1" not in ids


def _writer(args):
    path, i = args
    _cib.Cib(path).transaction(add_remote("rn%d" % i, "192.0.2.%d" % (10 + i)))


def test_eight_concurrent_writers_lose_nothing(cib):
    with multiprocessing.get_context("fork").Pool(8) as pool:
        pool.map(_writer, [(str(cib), i) for i in range(8)])
    ids = set(etree.parse(str(cib)).xpath("//primitive/@id"))
    assert {"rn%d" % i for i in range(8)} <= ids
    verify(cib)


def test_validation_error_writes_nothing(cib):
    content = cib.read_bytes()
    with pytest.raises(_cib.ValidationError) as err:
        _cib.Cib(str(cib)).transaction(add_remote("vm1", "192.0.2.1"))
    assert "already used as an id" in str(err.value)
    assert cib.read_bytes() == content


def test_schema_violation_is_reported_by_pacemaker(cib):
    content = cib.read_bytes()

    def planner(plan):
        etree.SubElement(plan.cib.find("configuration/resources"), "primitive", id="bad")

    with pytest.raises(_cib.CibError, match="schema validation failed"):
        _cib.Cib(str(cib)).transaction(planner)
    assert cib.read_bytes() == content


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read"),
        (b"<cib><configuration>", "not valid XML"),
        (b"<html/>", "not a Pacemaker CIB"),
    ],
)
def test_unreadable_cib_file(tmp_path, content, message):
    path = tmp_path / "cib.xml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(_cib.CibError, match=message):
        _cib.Cib(str(path)).transaction(add_remote("rh1", "x"))
    if content is not None:
        assert path.read_bytes() == content


def test_missing_tool_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no Pacemaker tools on this PATH
    with pytest.raises(_cib.CibError, match="pacemaker-cli-utils"):
        _cib.Cib().transaction(add_remote("rh1", "192.0.2.1"))  # live: needs cibadmin


def test_unknown_schema_falls_back_to_a_pacemaker_patch(cib, monkeypatch):
    """Without Pacemaker's schema file for the CIB we let cibadmin validate."""
    monkeypatch.setattr(_cib, "schema_dir", lambda: "/nonexistent")
    monkeypatch.setattr(_cib, "_SCHEMAS", {})
    before = epoch(cib)
    result = _cib.Cib(str(cib)).transaction(add_remote("rh1", "192.0.2.1"))
    assert result.changed
    assert int(epoch(cib)) == int(before) + 2  # Pacemaker bumps once more after the patch
    assert result.version_after == "0.%s.0" % epoch(cib)
    verify(cib)


def test_file_mode_and_owner_are_kept(cib):
    cib.chmod(0o640)
    _cib.Cib(str(cib)).transaction(add_remote("rh1", "192.0.2.1"))
    assert cib.stat().st_mode & 0o777 == 0o640
