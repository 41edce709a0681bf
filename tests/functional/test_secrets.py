"""Keys never show: run key plays with -vvv and --diff, with a log file, and
look for the key's bytes (raw, base64, hex) in everything Ansible wrote."""

import base64
import os

from ansible_run import playbook, result


def forms(key):
    """Ways a key could leak: base64, hex, and any 12-byte window as text."""
    found = {base64.b64encode(key).decode(), key.hex()}
    found.update(base64.b64encode(key[i : i + 12]).decode() for i in range(0, len(key) - 12, 12))
    return found


def test_generated_and_distributed_keys_never_appear(tmp_path, monkeypatch):
    log = tmp_path / "ansible.log"
    monkeypatch.setenv("ANSIBLE_LOG_PATH", str(log))
    monkeypatch.setenv("ANSIBLE_DISPLAY_ARGS_TO_STDOUT", "true")
    owner = {"owner": str(os.getuid()), "group": str(os.getgid())}
    decoy = os.urandom(64)  # printed on purpose: proves the search below finds a leak
    tasks = [
        {"name": "decoy", "ansible.builtin.debug": {"msg": base64.b64encode(decoy).decode()}},
        {
            "name": "generate",
            "hacluster.pacemaker.authkey": dict(
                path=str(tmp_path / "authkey"), generate=True, **owner
            ),
            "register": "made",
        },
        {
            "name": "read back",
            "ansible.builtin.slurp": {"src": str(tmp_path / "authkey")},
            "register": "key",
            "no_log": True,
        },
        {
            "name": "distribute",
            "hacluster.pacemaker.authkey": dict(
                path=str(tmp_path / "authkey2"), content="{{ key.content }}", **owner
            ),
        },
        {
            "name": "booth key",
            "hacluster.pacemaker.authkey": dict(
                path=str(tmp_path / "booth.key"),
                generate=True,
                size=64,
                max_size=64,
                mode="0600",
                **owner,
            ),
        },
        {
            "name": "wrong key is reported",
            "hacluster.pacemaker.authkey": dict(
                path=str(tmp_path / "booth.key"), content="{{ key.content }}", **owner
            ),
            "ignore_errors": True,
            "register": "mismatch",
        },
    ]
    rc, data, proc = playbook(tmp_path, tasks, extra_args=["-vvv"], diff=True)
    assert rc == 0, proc.stdout[-3000:]
    assert (tmp_path / "authkey").read_bytes() == (tmp_path / "authkey2").read_bytes()
    assert result(data, 1)["sha256"] and len((tmp_path / "authkey").read_bytes()) == 4096
    assert "different key" in result(data, 5)["msg"]
    everything = proc.stdout + proc.stderr + log.read_text()
    assert base64.b64encode(decoy).decode() in everything
    for path in ("authkey", "booth.key"):
        for form in forms((tmp_path / path).read_bytes()):
            assert form not in everything, "key material of %s leaked" % path
