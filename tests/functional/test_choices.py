"""The choices of issue 29, class 7, each run through real ansible-playbook
and checked with booth's parser rules (docs/reliability.md, "Choices"):

- a booth.conf with CRLF line ends: a rewritten line ends in LF, every other
  line keeps its bytes, and the file stays one booth reads;
- booth_config given a dangling symlink as config_file writes the file it
  points to (as the copy module does) and the link stays a link;
- a booth key whose first byte is NUL is installed as given (booth reads its
  authfile as bytes);
- the half of the options a task does not manage is ignored, without a
  warning: the role passes one ticket list to both halves."""

import base64
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from ansible_run import playbook, result

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth_conf as bc

SITES, ARBITRATORS = ["192.0.2.1", "192.0.2.2"], ["192.0.2.3"]


@pytest.fixture
def short_dir():
    """booth reads at most 64 bytes of a value: a short directory for
    authfile paths."""
    where = Path(tempfile.mkdtemp(prefix="hb-", dir="/tmp"))
    yield where
    shutil.rmtree(str(where))


def _config(path, **extra):
    return {
        "hacluster.pacemaker.booth_config": dict(
            config_file=str(path), sites=SITES, arbitrators=ARBITRATORS, **extra
        )
    }


def test_crlf_booth_conf_keeps_its_other_lines(tmp_path, short_dir):
    conf = short_dir / "booth.conf"
    text = bc.render(bc.build(SITES, ARBITRATORS, transport="UDP", port="9929", authfile=None))
    text += 'ticket = "T1"\n  expire = 600\n'
    conf.write_bytes(text.replace("\n", "\r\n").encode())
    task = {
        "hacluster.pacemaker.booth_ticket": {
            "name": "T1",
            "expire": "300",
            "config_file": str(conf),
            "manage": ["config"],
        }
    }
    rc, data, proc = playbook(tmp_path, [task, task])
    assert rc == 0, proc.stdout[-3000:]
    assert [result(data, i)["changed"] for i in (0, 1)] == [True, False]
    after = conf.read_bytes().decode()
    lines = after.split("\n")
    changed = [ln for ln in lines if "expire" in ln]
    assert changed == ["  expire = 300"], changed  # the rewritten line ends in LF
    assert all(ln.endswith("\r") for ln in lines if ln and "expire" not in ln), lines
    assert bc.syntax_errors(bc.parse(after)) == []


def test_dangling_symlink_config_file_writes_its_target(tmp_path, short_dir):
    link = short_dir / "booth.conf"
    target = short_dir / "shared" / "booth.conf"
    target.parent.mkdir()
    os.symlink(str(target), str(link))
    rc, data, proc = playbook(tmp_path, [_config(link)])
    assert rc == 0 and result(data, 0)["changed"], proc.stdout[-3000:]
    assert link.is_symlink() and os.readlink(str(link)) == str(target)
    assert bc.syntax_errors(bc.parse(target.read_text())) == []


def test_a_key_starting_with_nul_is_installed_as_given(tmp_path):
    key = b"\0" + bytes(range(1, 40))
    path = tmp_path / "booth.key"
    task = {
        "hacluster.pacemaker.authkey": {
            "path": str(path),
            "content": base64.b64encode(key).decode(),
            "min_size": 8,
            "max_size": 64,
            "owner": "root",
            "group": "root",
            "mode": "0600",
        }
    }
    rc, data, proc = playbook(tmp_path, [task, task])
    assert rc == 0, proc.stdout[-3000:]
    assert [result(data, i)["changed"] for i in (0, 1)] == [True, False]
    assert path.read_bytes() == key
    assert result(data, 0)["sha256"] == hashlib.sha256(key).hexdigest()


def test_the_half_not_managed_is_ignored_without_a_warning(tmp_path, short_dir):
    conf = short_dir / "booth.conf"
    rc, data, proc = playbook(tmp_path, [_config(conf)])
    assert rc == 0, proc.stdout[-3000:]
    before = conf.read_bytes()
    cib = tmp_path / "cib.xml"
    cib.write_text(
        __import__("subprocess")
        .run(["cibadmin", "--empty"], capture_output=True, text=True, check=True)
        .stdout
    )
    cib_before = cib.read_bytes()
    tasks = [
        # site_ip needs manage: [cib]; expire needs manage: [config]
        dict(_config(conf, site_ip="192.0.2.50", manage=["config"])),
        {
            "hacluster.pacemaker.booth_ticket": {
                "name": "T1",
                "expire": "300",
                "config_file": str(conf),
                "cib_file": str(cib),
                "manage": ["cib"],
            }
        },
    ]
    rc, data, proc = playbook(tmp_path, tasks)
    assert rc == 0, proc.stdout[-3000:]
    assert conf.read_bytes() == before  # no ticket T1 in booth.conf
    assert not result(data, 0)["changed"] and not result(data, 0).get("warnings")
    assert not result(data, 1).get("warnings")
    assert cib.read_bytes() == cib_before  # no site group, nothing for T1 to bind
