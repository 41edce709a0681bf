"""The pacemaker_remote role's own checks (tasks/validate.yml): a message names
only the rules a host breaks, and an inventory of remote nodes alone (the
cluster in another inventory or AWX job, the key from a credential) passes."""

import base64

from ansible_run import MODULE_PYTHON, failures, playbook

KEY = base64.b64encode(bytes(range(64))).decode()


def validate(tmp_path, groups, host_vars=None, **role_vars):
    lines = []
    for group, hosts in groups.items():
        lines.append("[%s]" % group)
        lines += [
            "%s ansible_connection=local ansible_python_interpreter=%s %s"
            % (h, MODULE_PYTHON, (host_vars or {}).get(h, ""))
            for h in hosts
        ]
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("\n".join(lines) + "\n")
    task = {
        "name": "validate",
        "ansible.builtin.include_role": {
            "name": "hacluster.pacemaker.pacemaker_remote",
            "tasks_from": "validate.yml",
        },
        "vars": role_vars,
    }
    rc, data, _proc = playbook(tmp_path, [task], hosts="all", inventory=inventory)
    return rc, failures(data)


def test_remote_nodes_alone_with_the_key_given_pass(tmp_path):
    rc, failed = validate(
        tmp_path,
        {"remote_nodes": ["r1"]},
        pacemaker_remote_authkey=KEY,
        pacemaker_remote_manage_cib=False,
    )
    assert rc == 0 and not failed


def test_remote_nodes_alone_without_a_key_name_the_cluster_group(tmp_path):
    rc, failed = validate(tmp_path, {"remote_nodes": ["r1"]}, pacemaker_remote_manage_cib=False)
    assert rc != 0 and len(failed) == 1
    assert "the group 'cluster_nodes' must hold at least one cluster node" in failed[0]
    assert "pacemaker_remote_port" not in failed[0]


def test_only_the_broken_rules_are_named(tmp_path):
    rc, failed = validate(
        tmp_path,
        {"cluster_nodes": ["n1"], "remote_nodes": ["r1"]},
        pacemaker_remote_port=70000,
        pacemaker_remote_wait_timeout=0,
    )
    assert rc != 0 and len(failed) == 2  # both hosts
    for msg in failed:
        assert "pacemaker_remote_port must be 1-65535 (is 70000)" in msg
        assert "pacemaker_remote_wait_timeout must be 1-3600 (is 0)" in msg
        for fine in ("authkey_size", "rotate_delay", "authkey_mode", "cluster node", "guest"):
            assert fine not in msg, msg


def test_revoked_serials_are_checked_each_named(tmp_path):
    rc, failed = validate(
        tmp_path,
        {"cluster_nodes": ["n1"]},
        pacemaker_remote_tls_revoke=["serial=0A1B", "0a:1b:ff", 4711, "xyz", "serial=00", "A" * 42],
    )
    assert rc != 0 and len(failed) == 1
    msg = failed[0]
    for bad in ("'4711'", "'xyz'", "'serial=00'", "'%s'" % ("A" * 42)):
        assert "pacemaker_remote_tls_revoke: %s is not a certificate serial number" % bad in msg, (
            msg
        )
    assert "0A1B" not in msg and "0a:1b:ff" not in msg
    assert "quoted string of hexadecimal digits" in msg


def test_one_credential_type_for_the_whole_play(tmp_path):
    certificates = "pacemaker_remote_tls=certificates pacemaker_remote_tls_pki_dir=%s" % tmp_path
    rc, failed = validate(
        tmp_path,
        {"cluster_nodes": ["n1", "n2"], "remote_nodes": ["r1"]},
        host_vars={"r1": certificates, "n2": certificates},
        pacemaker_remote_authkey=KEY,
    )
    assert rc != 0 and failed
    assert (
        "pacemaker_remote_tls must be the same on every host of the play (a remote connection uses one"
        " credential type at both ends): psk on n1; certificates on n2, r1. Nothing was changed."
    ) in failed[0], failed
