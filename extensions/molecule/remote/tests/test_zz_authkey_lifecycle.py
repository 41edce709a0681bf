"""Authkey lifecycle through the playbook: a host with another key is
reported (and repaired on request); rotation gives every host a new key and
leaves every remote node online, also across forced reconnects.

Runs after test_remote.py (file order) on the converged lab."""

from remote_lab import (
    AUTHKEY,
    fingerprints,
    lab,
    run_playbook,
    wait_online,
    wait_until,
)

NODES = ["node1", "node2", "remote1", "guest1"]


def test_different_key_is_detected_and_repaired():
    guest = lab("guest1")
    before = fingerprints()
    # another key on guest1, where pacemaker_remote runs (its live connection stays up)
    guest.check_output(
        f"head -c 4096 /dev/urandom > {AUTHKEY}.new && chown hacluster:haclient {AUTHKEY}.new "
        f"&& chmod 0640 {AUTHKEY}.new && mv {AUTHKEY}.new {AUTHKEY}"
    )
    wrong = fingerprints()["guest1"]
    assert wrong != before["guest1"]
    # base64 of the planted key (read as base64 only, to check it never leaks)
    planted_b64 = guest.check_output(f"base64 -w0 {AUTHKEY}")

    result = run_playbook()
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"guest1: /etc/pacemaker/authkey holds a different key (sha256 {wrong})" in out
    assert "pacemaker_remote_authkey_replace" in out
    assert planted_b64[:64] not in out
    assert fingerprints()["guest1"] == wrong  # nothing was overwritten

    result = run_playbook("pacemaker_remote_authkey_replace=true")
    assert result.returncode == 0, result.stdout[-3000:]
    assert planted_b64[:64] not in result.stdout + result.stderr
    assert fingerprints() == before
    assert wait_online(NODES, timeout=120)


def test_rotation_keeps_remote_nodes_online():
    node1 = lab("node1")
    before = set(fingerprints().values())
    assert len(before) == 1

    result = run_playbook("pacemaker_remote_authkey_rotate=true")
    assert result.returncode == 0, result.stdout[-3000:]
    after = fingerprints()
    assert len(set(after.values())) == 1, after
    assert set(after.values()) != before
    assert lab("node1").file(AUTHKEY).size == 4096
    new_b64 = node1.check_output(f"base64 -w0 {AUTHKEY}")
    assert new_b64[:64] not in result.stdout + result.stderr
    assert wait_online(NODES, timeout=120)

    # Force new TLS connections: they can only be made with the new key.
    node1.check_output("crm_resource --restart --resource remote1 --timeout 120s")
    assert wait_online(NODES, timeout=120)
    lab("guest1").check_output("systemctl restart pacemaker_remote")
    node1.check_output("crm_resource --refresh --resource guest1")
    assert wait_online(NODES, timeout=180), node1.run("crm_mon -1").stdout

    def dummy_back():
        return (
            "running on: remote1"
            in node1.run("crm_resource --resource remote1-dummy --locate").stdout
        )

    assert wait_until(dummy_back, timeout=120)
