"""The booth role's key step (tasks/authfile.yml) in a play that does not
reach every booth member, as per-site inventories, AWX job slices or --limit
give: it never generates a key the other members would not get."""

import base64
import os

from ansible_run import MODULE_PYTHON, failures, playbook

SITES, ARBITRATORS = ["192.0.2.1", "192.0.2.2"], ["192.0.2.3"]


def inventory(tmp_path):
    local = "ansible_connection=local ansible_python_interpreter=%s" % MODULE_PYTHON
    path = tmp_path / "hosts.ini"
    path.write_text(
        "[geo_sites]\n"
        + "".join(
            "s%d %s booth_member=site booth_site_ip=%s booth_authfile=%s/s%d/booth.key\n"
            % (i, local, ip, tmp_path, i)
            for i, ip in enumerate(SITES)
        )
        + "[geo_arbitrators]\n"
        + "a0 %s booth_member=arbitrator booth_authfile=%s/a0/booth.key\n" % (local, tmp_path)
    )
    return path


def key_step(tmp_path, limit, **role_vars):
    task = {
        "name": "booth key",
        "ansible.builtin.include_role": {
            "name": "hacluster.pacemaker.booth",
            "tasks_from": "authfile.yml",
        },
        "vars": {
            "booth_sites": SITES,
            "booth_arbitrators": ARBITRATORS,
            "booth_key_owner": "root",
            "booth_key_group": "root",
            **role_vars,
        },
    }
    rc, data, proc = playbook(
        tmp_path, [task], hosts="all", inventory=inventory(tmp_path), extra_args=["--limit", limit]
    )
    tasks = data["plays"][0]["tasks"]
    failed = failures(data)
    changed = [t["task"]["name"] for t in tasks for r in t["hosts"].values() if r.get("changed")]
    return rc, failed, changed


def test_a_play_of_one_site_without_a_key_refuses_to_generate_one(tmp_path):
    rc, failed, _changed = key_step(tmp_path, "s0")
    assert rc != 0 and len(failed) == 1
    assert (
        "the play reaches only the sites ['192.0.2.1'] of ['192.0.2.1', '192.0.2.2']" in failed[0]
    )
    assert "booth_key_b64" in failed[0]
    assert not any((tmp_path / h / "booth.key").exists() for h in ("s0", "s1", "a0"))


def test_the_arbitrators_count_too(tmp_path):
    rc, failed, _changed = key_step(tmp_path, "geo_sites")
    assert rc != 0 and "0 of 1 arbitrators" in failed[0]


def test_a_member_that_has_its_key_is_left_alone(tmp_path):
    (tmp_path / "s0").mkdir()
    key = tmp_path / "s0" / "booth.key"
    key.write_bytes(b"\x01" + os.urandom(63))  # booth reads a leading 0 as no key
    key.chmod(0o600)
    before = key.read_bytes()
    rc, failed, changed = key_step(tmp_path, "s0")
    assert rc == 0 and not failed and not changed
    assert key.read_bytes() == before


def test_a_key_given_as_credential_reaches_each_play_alike(tmp_path):
    """booth_key_b64 (an AWX credential): one play per member, each installs
    the same key, and the same-key check passes."""
    key = b"\x01" + os.urandom(63)
    b64 = base64.b64encode(key).decode()
    # a changed key notifies the restart handlers: no booth runs here to restart
    no_restart = {"__booth_site_leader": "", "booth_manage_arbitrator_service": False}
    for member in ("s0", "s1", "a0"):
        rc, failed, changed = key_step(tmp_path, member, booth_key_b64=b64, **no_restart)
        assert rc == 0 and not failed, failed
        assert changed, changed
    assert {(tmp_path / h / "booth.key").read_bytes() for h in ("s0", "s1", "a0")} == {key}
    rc, failed, changed = key_step(tmp_path, "all", booth_key_b64=b64, **no_restart)
    assert rc == 0 and not failed and not changed
