"""A booth configuration built by hand with pcs (as the RHEL 8 guide does) is
already converged for the modules: no change, no rewrite, so no booth restart."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from ansible_run import one_play, playbook, result

needs_pcs = pytest.mark.skipif(shutil.which("pcs") is None, reason="pcs is not installed")
SITES, ARBITRATORS = ["192.0.2.1", "192.0.2.2"], ["192.0.2.3"]
ORACLE = Path(__file__).resolve().parents[2] / "lab" / "oracle"


def _pcs_booth(where, *args):
    conf, key = where / "booth.conf", where / "booth.key"
    subprocess.run(
        ["pcs", "booth", *args, "--booth-conf", str(conf), "--booth-key", str(key)],
        check=True,
        capture_output=True,
    )
    return conf, key


@needs_pcs
def test_pcs_booth_setup_is_already_converged(tmp_path):
    # booth refuses lines longer than its buffers: keep the authfile path short
    where = Path(tempfile.mkdtemp(prefix="hb-", dir="/tmp"))
    try:
        _converged(tmp_path, where)
    finally:
        shutil.rmtree(str(where))


def _converged(tmp_path, where):
    conf, key = _pcs_booth(where, "setup", "sites", *SITES, "arbitrators", *ARBITRATORS)
    _pcs_booth(where, "ticket", "add", "apacheticket")
    before = {p: (p.read_bytes(), os.stat(str(p))) for p in (conf, key)}
    tasks = [
        {
            "hacluster.pacemaker.booth_config": {
                "config_file": str(conf),
                "sites": SITES,
                "arbitrators": ARBITRATORS,
                "authfile": str(key),
            }
        },
        {
            "hacluster.pacemaker.booth_ticket": {
                "name": "apacheticket",
                "config_file": str(conf),
                "manage": ["config"],
            }
        },
        {
            "hacluster.pacemaker.authkey": {
                "path": str(key),
                "content": __import__("base64").b64encode(key.read_bytes()).decode(),
                "min_size": 8,
                "max_size": 64,
                "owner": "root",
                "group": "root",
                "mode": "0600",
            }
        },
    ]
    rc, data, proc = playbook(tmp_path, tasks)
    assert rc == 0, proc.stdout[-3000:]
    assert [result(data, i)["changed"] for i in range(len(tasks))] == [False, False, False]
    for path, (content, st) in before.items():
        now = os.stat(str(path))
        assert path.read_bytes() == content
        assert (now.st_ino, now.st_mtime_ns, now.st_mode) == (st.st_ino, st.st_mtime_ns, st.st_mode)


MODES = [  # found, after, changed
    (0o400, 0o400, False),
    (0o600, 0o600, False),
    (0o640, 0o640, False),
    (0o644, 0o640, True),
    (0o660, 0o640, True),
]


def _key_runs(directory, case):
    """The key as found, the task in check mode, the key's mode after it
    (stat), the task."""
    key = directory / "authkey"
    key.write_bytes(bytes(range(1, 33)))
    os.chmod(str(key), case[0])
    task = {
        "hacluster.pacemaker.authkey": {
            "path": str(key),
            "content": __import__("base64").b64encode(key.read_bytes()).decode(),
            "owner": "root",
            "group": "root",
            "mode": "0640",
        }
    }
    return [dict(task, check_mode=True), {"ansible.builtin.stat": {"path": str(key)}}, task]


@pytest.fixture(scope="module")
def key_runs(tmp_path_factory):
    return one_play(tmp_path_factory, "key-modes", MODES, _key_runs)


@pytest.mark.parametrize("case", range(len(MODES)), ids=["%o" % m[0] for m in MODES])
def test_a_key_at_least_as_strict_is_kept(key_runs, case):
    """pcs writes the authkey 0400 and crmsh 0640: neither is churned by mode 0640;
    a looser mode is tightened, and check mode says so without doing it."""
    found, after, changed = MODES[case]
    directory, (checked, seen, ran) = key_runs[case]
    assert not checked.get("failed") and checked["changed"] is changed, checked
    assert int(seen["stat"]["mode"], 8) == found
    assert not ran.get("failed") and ran["changed"] is changed
    assert os.stat(str(directory / "authkey")).st_mode & 0o777 == after


@needs_pcs
def test_an_option_pcs_wrote_is_unset_with_remove_options(tmp_path):
    """pcs booth ticket add T expire=600 retries=5, then retries removed by
    booth_ticket: check mode writes nothing, the option goes, a rerun is no
    change, and booth.conf keeps what pcs wrote otherwise."""
    where = Path(tempfile.mkdtemp(prefix="hb-", dir="/tmp"))
    try:
        conf, _key = _pcs_booth(where, "setup", "sites", *SITES, "arbitrators", *ARBITRATORS)
        _pcs_booth(where, "ticket", "add", "apacheticket", "expire=600", "retries=5")
        before = conf.read_text()
        task = {
            "hacluster.pacemaker.booth_ticket": {
                "name": "apacheticket",
                "config_file": str(conf),
                "manage": ["config"],
                "remove_options": ["retries"],
            }
        }
        runs = []
        for check in (True, False, False):
            rc, data, proc = playbook(tmp_path, [dict(task, check_mode=check)])
            assert rc == 0, proc.stdout[-3000:]
            runs.append((result(data, 0)["changed"], conf.read_text()))
        assert runs[0] == (True, before)
        assert runs[1][0] is True
        assert runs[1][1] == before.replace('  retries = "5"\n', "").replace("  retries = 5\n", "")
        assert runs[1][1] != before
        assert runs[2] == (False, runs[1][1])
    finally:
        shutil.rmtree(str(where))


@needs_pcs
@pytest.mark.parametrize("given", ["link", "real"])
def test_a_pcs_booth_group_through_a_symlinked_directory_is_recognised(tmp_path, given):
    """pcs booth create ip writes the booth-site resource's config as the
    path it was given (/etc/booth/booth.conf), which some sites keep as a
    symlink to shared storage: booth_config with site_ip recognises the
    resource by the file it names, whichever spelling it is given, and adds
    no second group with the same IP (issue 29, class 5)."""
    # booth reads at most 64 bytes of a value: keep the authfile path short
    where = Path(tempfile.mkdtemp(prefix="hb-", dir="/tmp"))
    try:
        _symlinked(tmp_path, where, given)
    finally:
        shutil.rmtree(str(where))


def _symlinked(tmp_path, where, given):
    real = where / "shared"
    real.mkdir()
    link = where / "booth"
    link.symlink_to(real)
    conf, _key = _pcs_booth(link, "setup", "sites", *SITES, "arbitrators", *ARBITRATORS)
    # the CIB pcs 0.12 wrote for pcs booth create ip in the lab (lab/oracle):
    # its booth-site names /etc/booth/booth.conf, here this test's link
    text = (ORACLE / "pcs-0.12-booth-create-ip.xml").read_text()
    assert 'value="/etc/booth/booth.conf"' in text
    cib = tmp_path / "cib.xml"
    cib.write_text(text.replace("/etc/booth/booth.conf", str(conf)))
    before = cib.read_bytes()
    task = {
        "hacluster.pacemaker.booth_config": {
            "config_file": str((link if given == "link" else real) / "booth.conf"),
            "sites": SITES,
            "arbitrators": ARBITRATORS,
            "authfile": str(link / "booth.key"),
            "site_ip": "10.89.77.100",
            "manage": ["config", "cib"],
            "cib_file": str(cib),
        }
    }
    rc, data, proc = playbook(tmp_path, [task])
    assert rc == 0, proc.stdout[-3000:]
    assert result(data, 0)["changed"] is False, result(data, 0)
    assert cib.read_bytes() == before
