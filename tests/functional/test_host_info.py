"""hacluster.pacemaker.host_info through real ansible-playbook on this machine,
compared with what the system's own tools say (dpkg-query, stat, sha256sum,
crm_mon), never with values written into the test."""

import grp
import hashlib
import os
import pwd
import subprocess

import pytest
from ansible_run import MODULE_PYTHON, one_play, playbook, result


def where_modules_run(code):
    """Run Python code with the modules' interpreter (scripts/generations.sh
    points it into a container of another Debian release): what the module
    sees is what that system's own tools say there."""
    return subprocess.run(
        [MODULE_PYTHON, "-c", code], capture_output=True, text=True, check=True
    ).stdout


def info(tmp_path, **args):
    rc, data, proc = playbook(tmp_path, [{"hacluster.pacemaker.host_info": args}], check=True)
    assert rc == 0, proc.stdout[-3000:]
    return result(data)


def test_platform_facts_match_setup(tmp_path):
    rc, data, proc = playbook(
        tmp_path,
        [
            {"hacluster.pacemaker.host_info": {}},
            {"ansible.builtin.setup": {"gather_subset": ["min"]}},
        ],
    )
    assert rc == 0, proc.stdout[-3000:]
    ours = result(data, 0)["ansible_facts"]
    setup = result(data, 1)["ansible_facts"]
    assert ours, "no platform facts"
    for key, value in ours.items():
        assert setup["ansible_" + key] == value, key


def test_packages_as_dpkg_sees_them(tmp_path):
    if where_modules_run("import shutil; print(shutil.which('dpkg-query') or '')").strip() == "":
        pytest.skip("not a Debian system")
    # every package dpkg knows as installed there is as good as any fixed name
    out = where_modules_run(
        "import subprocess; print(subprocess.run(['dpkg-query', '-W', '-f', "
        "'${Package}\\t${db:Status-Status}\\t${Version}\\n'], stdout=subprocess.PIPE, "
        "universal_newlines=True, check=True).stdout, end='')"
    )
    installed = dict(
        (f[0], f[2]) for f in (line.split("\t") for line in out.splitlines()) if f[1] == "installed"
    )
    names = sorted(installed)[:5] + ["hacluster-no-such-package"]
    got = info(tmp_path, packages=names)["packages"]
    assert got == dict((n, installed.get(n)) for n in names)


def test_files_report_fingerprint_owner_and_mode_not_content(tmp_path):
    key = tmp_path / "authkey"
    secret = os.urandom(256)
    key.write_bytes(secret)
    os.chmod(key, 0o604)
    missing = tmp_path / "missing"
    directory = tmp_path / "tls"
    directory.mkdir(mode=0o750)
    os.chmod(directory, 0o751)
    got = info(tmp_path, files=[str(key), str(missing), str(directory)])
    st = os.stat(key)
    assert got["files"][str(key)] == {
        "exists": True,
        "sha256": hashlib.sha256(secret).hexdigest(),
        "size": 256,
        "owner": pwd.getpwuid(st.st_uid).pw_name,
        "group": grp.getgrgid(st.st_gid).gr_name,
        "mode": "0604",
    }
    assert got["files"][str(missing)] == {"exists": False}
    # a directory: who may enter it, nothing read
    assert got["files"][str(directory)] == {
        "exists": True,
        "owner": pwd.getpwuid(st.st_uid).pw_name,
        "group": grp.getgrgid(st.st_gid).gr_name,
        "mode": "0751",
    }
    assert secret.hex()[:32] not in str(got)


def test_env_files_as_a_shell_would_read_them(tmp_path):
    env = tmp_path / "pacemaker"
    env.write_text(
        "# PCMK_remote_port=1\n"
        "PCMK_remote_port=3122\n"
        "  export PCMK_remote_port='3123'\n"
        'PCMK_logfile="/var/log/x"\n'
    )
    got = info(
        tmp_path,
        env_files=[str(env), str(tmp_path / "none")],
        env_names=["PCMK_remote_port", "PCMK_debug"],
    )["env"]
    # the shell's own reading of the file, for the values it sets last
    shell = subprocess.run(
        ["sh", "-c", '. "$1"; echo "$PCMK_remote_port"', "sh", str(env)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert got[str(env)]["PCMK_remote_port"][-1] == shell
    assert got[str(env)]["PCMK_remote_port"] == ["3122", "3123"]
    assert got[str(env)]["PCMK_debug"] == []
    assert got[str(tmp_path / "none")] == {"PCMK_remote_port": [], "PCMK_debug": []}


def test_firewalld_and_services_without_them(tmp_path):
    got = info(tmp_path, firewalld=True, services=["hacluster-no-such.service"])
    if not where_modules_run("import shutil; print(shutil.which('firewall-cmd') or '')").strip():
        assert got["firewalld"] == {"state": "absent"}
    else:
        assert got["firewalld"]["state"] in ("running", "not running")
    assert got["services"]["hacluster-no-such.service"]["active"] is False
    assert got["services"]["hacluster-no-such.service"]["enabled"] is False


# quoted, without the leading 0, and the integer YAML makes of an unquoted 0640 (as
# Ansible's file modules and the authkey module read it: 416 == 0o640)
GIVEN_MODES = ["0640", "640", 0o640, "0600", 0o600, "0644"]
ACTUAL_MODES = [0o600, 0o640, 0o644]
REFUSED_MODES = ["rw-r-----", "0986", "", True, 0o17777]


def _modes_files(directory, given):
    """A file per actual mode, and host_info asked about them with the given mode."""
    paths = []
    for actual in ACTUAL_MODES:
        path = directory / ("authkey-%o" % actual)
        path.write_bytes(b"x" * 32)
        os.chmod(path, actual)
        paths.append(str(path))
    return [
        {
            "hacluster.pacemaker.host_info": {
                "files": paths,
                "file_modes": dict.fromkeys(paths, given),
            }
        }
    ]


@pytest.fixture(scope="module")
def given_modes(tmp_path_factory):
    return one_play(tmp_path_factory, "given-modes", GIVEN_MODES, _modes_files, check=True)


@pytest.fixture(scope="module")
def refused_modes(tmp_path_factory):
    return one_play(tmp_path_factory, "refused-modes", REFUSED_MODES, _modes_files, check=True)


@pytest.mark.parametrize("case", range(len(GIVEN_MODES)), ids=[repr(g) for g in GIVEN_MODES])
@pytest.mark.parametrize("actual", ACTUAL_MODES)
def test_file_modes_as_loose_as_given(given_modes, case, actual):
    given = GIVEN_MODES[case]
    directory, (got,) = given_modes[case]
    path = str(directory / ("authkey-%o" % actual))
    allowed = given if isinstance(given, int) else int(given, 8)
    assert got["files"][path]["within_mode"] is (os.stat(path).st_mode & 0o7777 & ~allowed == 0)


@pytest.mark.parametrize("case", range(len(REFUSED_MODES)), ids=[repr(g) for g in REFUSED_MODES])
def test_file_modes_refused_naming_the_option(refused_modes, case):
    directory, (got,) = refused_modes[case]
    assert got.get("failed"), got
    path = directory / ("authkey-%o" % ACTUAL_MODES[0])
    assert "file_modes[%s]" % path in got["msg"], got


def test_cluster_status_on_the_live_cluster(tmp_path, live_cluster):
    got = info(tmp_path, cluster_status=True)
    mon = subprocess.run(
        ["crm_mon", "--one-shot", "--output-as=xml"], capture_output=True, text=True, check=True
    ).stdout
    assert got["crm_mon_error"] is None
    assert got["nodes"][live_cluster.node_name]["online"] is True
    assert ('name="%s"' % live_cluster.node_name) in mon
    assert ('maintenance-mode="%s"' % str(got["maintenance_mode"]).lower()) in mon


LISTEN = """
import socket, time
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen(1)
udp = socket.socket(type=socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 0))
peer = socket.socket(type=socket.SOCK_DGRAM); peer.connect(("127.0.0.1", 9))
time.sleep(120)
"""


@pytest.mark.skipif(
    "/generations/" in MODULE_PYTHON,
    reason="the modules run in another release's container, whose /proc shows none of ours",
)
def test_daemons_as_proc_sees_them(tmp_path):
    """A process started after one file was written and before another: the
    later one is stale, the earlier not; its environment as it holds it; a
    daemon that does not run is reported so. Compared with ps, not with
    values of the test."""
    import sys
    import time

    loaded, later = tmp_path / "loaded.conf", tmp_path / "later.conf"
    loaded.write_text("old\n")
    time.sleep(0.1)
    proc = subprocess.Popen(
        [sys.executable, "-c", LISTEN, str(loaded)],
        env=dict(os.environ, PCMK_remote_port="3199"),
    )
    # the same program, not matching: its ports are the others'
    other = subprocess.Popen([sys.executable, "-c", LISTEN, str(tmp_path / "other")])
    try:
        time.sleep(1)
        later.write_text("new\n")
        command = os.path.basename(sys.executable)
        got = info(
            tmp_path,
            daemons=[
                {
                    "name": "d",
                    "command": command,
                    "match": [str(loaded)],
                    "files": [str(loaded), str(later), str(tmp_path / "missing")],
                    "env": ["PCMK_remote_port", "HACLUSTER_UNSET"],
                },
                {"name": "gone", "command": command, "match": [str(tmp_path / "nothing")]},
            ],
        )["daemons"]
        # the clock read beside ps, not after the calls below: under load
        # (CI) those take seconds, and the check measures host_info, not them
        before_ps = time.time()
        ps = subprocess.run(
            ["ps", "-o", "etimes=", "-p", str(proc.pid)], capture_output=True, text=True, check=True
        )
        after_ps = time.time()
        ss = subprocess.run(["ss", "-Hlntup"], capture_output=True, text=True, check=True).stdout
    finally:
        for p in (proc, other):
            p.kill()
            p.wait()
    d = got["d"]
    assert d["running"] and d["pid"] == proc.pid
    # etimes is whole seconds from the uptime clock, read between before_ps
    # and after_ps; started comes from /proc's btime (whole seconds): 2 s slack
    age = int(ps.stdout)
    assert before_ps - d["started"] - 2 <= age <= after_ps - d["started"] + 2, (
        d["started"],
        before_ps,
        after_ps,
        age,
    )
    assert d["stale_files"] == [str(later)]
    assert d["env"] == {"PCMK_remote_port": "3199", "HACLUSTER_UNSET": None}
    assert got["gone"] == {"running": False}
    # what ss says each process listens on: a TCP listener, a bound UDP socket
    # (the connected UDP socket is not listening). Other processes of the same
    # program on this machine (a test run beside this one) count as others too.
    seen = {}
    for p in (proc, other):
        seen[p] = set()
        for line in ss.splitlines():
            if "pid=%d," % p.pid in line:
                proto, local = line.split()[0], line.split()[4]
                seen[p].add("%s/%s" % (local.rsplit(":", 1)[1], proto))
        assert len(seen[p]) == 2, ss
    assert d["ports"] == sorted(seen[proc]), (d, ss)
    assert seen[other] <= set(d["ports_of_others"]), (d, ss)
    assert not seen[proc] & set(d["ports_of_others"]), (d, ss)


def test_file_state_lookup_reports_what_host_info_reports(tmp_path):
    """The lookup (the controller's files, no module run) and host_info read
    the same files the same way; os.stat and hashlib are the oracle."""
    key = tmp_path / "ca.key"
    key.write_bytes(os.urandom(48))
    os.chmod(key, 0o600)
    directory = tmp_path / "pki"
    directory.mkdir(mode=0o700)
    paths = [str(key), str(directory), str(tmp_path / "missing")]
    rc, data, proc = playbook(
        tmp_path,
        [
            {"hacluster.pacemaker.host_info": {"files": paths}},
            {
                "ansible.builtin.debug": {
                    "msg": "{{ query('hacluster.pacemaker.file_state', *%r) }}" % paths
                }
            },
        ],
        check=True,
    )
    assert rc == 0, proc.stdout[-3000:]
    by_module = result(data)["files"]
    by_lookup = result(data, 1)["msg"]
    assert [d.pop("path") for d in by_lookup] == paths
    assert by_lookup == [by_module[p] for p in paths]
    assert by_lookup[0]["sha256"] == hashlib.sha256(key.read_bytes()).hexdigest()
    assert by_lookup[0]["mode"] == "%04o" % (os.stat(key).st_mode & 0o7777) == "0600"
    assert by_lookup[1]["mode"] == "0700" and "sha256" not in by_lookup[1]
    assert by_lookup[2] == {"exists": False}
