"""The read-only entry points (host_info, status_info) on what a hand-edited
or odd host holds (issue 29, classes 1 and 2): no input crashes them and
none makes them hang. Each read runs under a task timeout, so a hang fails
in seconds rather than blocking a health check forever."""

import os
import stat

import pytest
from ansible_run import crashed, one_play, playbook, result
from cibfiles import new_cib, tool

TIMEOUT = 60  # seconds per task: a read that waits for a FIFO's writer fails here


def odd_paths(tmp_path):
    return {
        "fifo": tmp_path / "fifo",
        "directory": tmp_path,
        "latin1": tmp_path / "latin1",
        "empty": tmp_path / "empty",
    }


def odd_files(tmp_path):
    """A FIFO, a directory, a Latin-1 file and an empty one: what a host may hold."""
    paths = odd_paths(tmp_path)
    os.mkfifo(str(paths["fifo"]))
    paths["latin1"].write_bytes(b"# r\xe9glages\nPCMK_remote_port=3121\n")
    paths["empty"].write_bytes(b"")
    return paths


KINDS = ["fifo", "directory", "latin1", "empty"]


def read(module, args):
    return {module: args, "timeout": TIMEOUT}


def ok(got):
    assert not got.get("failed"), got
    return got


@pytest.fixture(scope="module")
def odd_reads(tmp_path_factory):
    """Per kind of odd file, both readers in one play: host_info, then status_info."""

    def tasks_of(directory, kind):
        path = str(odd_files(directory)[kind])
        cib = new_cib(directory / "cib.xml")
        return [
            read(
                "hacluster.pacemaker.host_info",
                {"files": [path], "env_files": [path], "env_names": ["PCMK_remote_port"]},
            ),
            read(
                "hacluster.pacemaker.status_info",
                {"cib_file": str(cib), "booth_config_files": [path]},
            ),
        ]

    return one_play(tmp_path_factory, "odd-reads", KINDS, tasks_of)


@pytest.mark.parametrize("kind", KINDS)
def test_host_info_files_and_env_files(odd_reads, kind):
    directory, (got, _status) = odd_reads[KINDS.index(kind)]
    path = str(odd_paths(directory)[kind])
    regular = kind in ("latin1", "empty")
    assert ok(got)["files"][path]["exists"] is True
    assert ("sha256" in got["files"][path]) is regular
    assert got["env"][path] == {"PCMK_remote_port": ["3121"] if kind == "latin1" else []}


@pytest.mark.parametrize("kind", KINDS)
def test_status_info_booth_config_files(odd_reads, kind):
    directory, (_host, got) = odd_reads[KINDS.index(kind)]
    path = str(odd_paths(directory)[kind])
    (conf,) = ok(got)["booth_configs"]
    assert conf["path"] == path
    if kind in ("fifo", "directory"):
        why = "not a regular file" if kind == "fifo" else "Is a directory"
        assert conf["checksum"] is None and why in conf["error"], conf
    else:  # read: booth.conf's checksum is of its bytes, whatever they say
        assert conf["checksum"], conf


# digits str.isdigit() accepts and int() refuses, and other values a CIB may hold
PORT_VALUES = ["\u00b2", "\u0663\u0661\u0662\u0661", "3121x", " 3122 ", ""]


@pytest.fixture(scope="module")
def port_reads(tmp_path_factory):
    def tasks_of(directory, value):
        # written into the file, not through cibadmin's argv: a tool under the C
        # locale refuses bytes that are not ASCII there ("Invalid byte sequence")
        cib = new_cib(
            directory / "cib.xml",
            '<primitive id="rh1" class="ocf" provider="pacemaker" type="remote">'
            '<instance_attributes id="rh1-instance_attributes">'
            '<nvpair id="rh1-instance_attributes-port" name="port" value="PORT"/>'
            "</instance_attributes></primitive>",
            '<primitive id="vm1" class="ocf" provider="pacemaker" type="Dummy">'
            '<meta_attributes id="vm1-meta_attributes">'
            '<nvpair id="vm1-meta_attributes-remote-node" name="remote-node" value="gh1"/>'
            '<nvpair id="vm1-meta_attributes-remote-port" name="remote-port" value="PORT"/>'
            "</meta_attributes></primitive>",
        )
        cib.write_bytes(cib.read_bytes().replace(b'value="PORT"', b'value="%s"' % value.encode()))
        tool(cib, "crm_verify", "--live-check", check=False)  # Pacemaker's own view, whatever it is
        return [read("hacluster.pacemaker.status_info", {"cib_file": str(cib)})]

    return one_play(tmp_path_factory, "port-reads", PORT_VALUES, tasks_of)


@pytest.mark.parametrize("value", PORT_VALUES)
def test_status_info_reads_any_port_value(port_reads, value):
    _directory, (got,) = port_reads[PORT_VALUES.index(value)]
    want = int(value) if value.strip().isascii() and value.strip().isdigit() else None
    assert [n["port"] for n in ok(got)["remote_nodes"]] == [want]
    assert [n["remote_port"] for n in got["guest_nodes"]] == [want]


def test_every_file_option_on_what_is_not_a_regular_file(tmp_path):
    """A FIFO (whose open() waits for a writer), a character device
    (/dev/zero never ends) and a directory, given to every option of every
    module that reads a file: each task ends within its time bound, without
    a traceback, failing with the option named (or, for the read-only
    modules, reporting the file), and nothing it was given changes."""
    fifo = tmp_path / "fifo"
    os.mkfifo(str(fifo))
    cib = new_cib(tmp_path / "cib.xml")
    cib_bytes = cib.read_bytes()
    sites = {"sites": ["192.0.2.1", "192.0.2.2"], "arbitrators": ["192.0.2.3"]}
    options = [
        ("hacluster.pacemaker.status_info", "cib_file", {}),
        ("hacluster.pacemaker.status_info", "booth_config_files", {"cib_file": str(cib)}),
        ("hacluster.pacemaker.host_info", "files", {}),
        ("hacluster.pacemaker.host_info", "env_files", {"env_names": ["PCMK_remote_port"]}),
        ("hacluster.pacemaker.pacemaker_remote_node", "cib_file", {"name": "rh1"}),
        ("hacluster.pacemaker.guest_node", "cib_file", {"name": "g1", "resource": "vm1"}),
        ("hacluster.pacemaker.booth_ticket", "cib_file", {"name": "T1", "manage": ["cib"]}),
        ("hacluster.pacemaker.booth_ticket", "config_file", {"name": "T1", "manage": ["config"]}),
        ("hacluster.pacemaker.booth_config", "config_file", dict(sites, manage=["config"])),
        ("hacluster.pacemaker.authkey", "path", {}),
    ]
    tasks, cases = [], []
    for kind, path in (("fifo", fifo), ("device", "/dev/zero"), ("directory", tmp_path)):
        for module, option, args in options:
            value = (
                [str(path)] if option in ("booth_config_files", "files", "env_files") else str(path)
            )
            tasks.append(
                {module: dict(args, **{option: value}), "timeout": TIMEOUT, "ignore_errors": True}
            )
            cases.append((kind, module, option))
    before = sorted(os.listdir(str(tmp_path)))  # the inventory is written with the play
    _rc, data, proc = playbook(tmp_path, tasks)
    problems = []
    for index, (kind, module, option) in enumerate(cases):
        res = result(data, index)
        msg = str(res.get("msg", ""))
        if "timed out" in msg or "Timeout" in msg:
            problems.append("%s %s %s: hung (%s)" % (kind, module, option, msg[:200]))
        elif crashed(res):
            problems.append("%s %s %s: traceback %s" % (kind, module, option, res))
        elif res.get("failed") and option not in msg:
            problems.append("%s %s %s: the option is not named: %s" % (kind, module, option, msg))
        elif not res.get("failed") and module.split(".")[-1] not in ("host_info", "status_info"):
            problems.append("%s %s %s: accepted" % (kind, module, option))
    assert not problems, "\n".join(problems)
    ours = ("play-", "inventory", "ansible-local")
    assert [p for p in sorted(os.listdir(str(tmp_path))) if not p.startswith(ours)] == before
    assert stat.S_ISFIFO(os.stat(str(fifo)).st_mode) and cib.read_bytes() == cib_bytes
