"""The read-only entry points (host_info, status_info) on what a hand-edited
or odd host holds (issue 29, classes 1 and 2): no input crashes them and
none makes them hang. Each read runs under a task timeout, so a hang fails
in seconds rather than blocking a health check forever."""

import os

import pytest
from ansible_run import playbook, result
from cibfiles import new_cib, tool

TIMEOUT = 60  # seconds per task: a read that waits for a FIFO's writer fails here


def run(tmp_path, module, args):
    rc, data, proc = playbook(tmp_path, [{module: args, "timeout": TIMEOUT}])
    assert rc == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return result(data)


def odd_files(tmp_path):
    """A FIFO, a directory, a Latin-1 file and an empty one: what a host may hold."""
    fifo = tmp_path / "fifo"
    os.mkfifo(str(fifo))
    latin1 = tmp_path / "latin1"
    latin1.write_bytes(b"# r\xe9glages\nPCMK_remote_port=3121\n")
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    return {"fifo": fifo, "directory": tmp_path, "latin1": latin1, "empty": empty}


@pytest.mark.parametrize("kind", ["fifo", "directory", "latin1", "empty"])
def test_host_info_files_and_env_files(tmp_path, kind):
    path = str(odd_files(tmp_path)[kind])
    got = run(
        tmp_path,
        "hacluster.pacemaker.host_info",
        {"files": [path], "env_files": [path], "env_names": ["PCMK_remote_port"]},
    )
    regular = kind in ("latin1", "empty")
    assert got["files"][path]["exists"] is True
    assert ("sha256" in got["files"][path]) is regular
    assert got["env"][path] == {"PCMK_remote_port": ["3121"] if kind == "latin1" else []}


@pytest.mark.parametrize("kind", ["fifo", "directory", "latin1", "empty"])
def test_status_info_booth_config_files(tmp_path, kind):
    path = str(odd_files(tmp_path)[kind])
    cib = new_cib(tmp_path / "cib.xml")
    got = run(
        tmp_path,
        "hacluster.pacemaker.status_info",
        {"cib_file": str(cib), "booth_config_files": [path]},
    )
    (conf,) = got["booth_configs"]
    assert conf["path"] == path
    if kind in ("fifo", "directory"):
        why = "not a regular file" if kind == "fifo" else "Is a directory"
        assert conf["checksum"] is None and why in conf["error"], conf
    else:  # read: booth.conf's checksum is of its bytes, whatever they say
        assert conf["checksum"], conf


# digits str.isdigit() accepts and int() refuses, and other values a CIB may hold
@pytest.mark.parametrize("value", ["\u00b2", "\u0663\u0661\u0662\u0661", "3121x", " 3122 ", ""])
def test_status_info_reads_any_port_value(tmp_path, value):
    # written into the file, not through cibadmin's argv: a tool under the C
    # locale refuses bytes that are not ASCII there ("Invalid byte sequence")
    cib = new_cib(
        tmp_path / "cib.xml",
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
    got = run(tmp_path, "hacluster.pacemaker.status_info", {"cib_file": str(cib)})
    want = int(value) if value.strip().isascii() and value.strip().isdigit() else None
    assert [n["port"] for n in got["remote_nodes"]] == [want]
    assert [n["remote_port"] for n in got["guest_nodes"]] == [want]
