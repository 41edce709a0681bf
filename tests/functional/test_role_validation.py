"""The pacemaker_remote role's own checks (tasks/validate.yml): a message names
only the rules a host breaks, and an inventory of remote nodes alone (the
cluster in another inventory or AWX job, the key from a credential) passes."""

import base64
import re
import subprocess

import pytest

from ansible_run import MODULE_PYTHON, failures, playbook

KEY = base64.b64encode(bytes(range(64))).decode()


def validate(tmp_path, groups, host_vars=None, tasks_from="validate.yml", **role_vars):
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
            "tasks_from": tasks_from,
        },
        "vars": role_vars,
    }
    rc, data, proc = playbook(tmp_path, [task], hosts="all", inventory=inventory)
    validate.output = proc.stdout + proc.stderr
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


def test_a_relative_pki_dir_is_refused(tmp_path):
    rc, failed = validate(
        tmp_path,
        {"cluster_nodes": ["n1"]},
        pacemaker_remote_tls="certificates",
        pacemaker_remote_tls_pki_dir="pki",
    )
    assert rc != 0 and len(failed) == 1
    assert "pacemaker_remote_tls_pki_dir must be an absolute path (is pki)" in failed[0]
    assert not (tmp_path / "pki").exists()


@pytest.mark.parametrize("first", ["psk", "certificates"])
def test_one_credential_type_for_the_whole_play(tmp_path, first):
    """Whichever host the check runs on (the first), one declaring it as a
    host variable or one left at the default."""
    certificates = "pacemaker_remote_tls=certificates pacemaker_remote_tls_pki_dir=%s" % tmp_path
    groups = {"cluster_nodes": ["n1", "n2"], "remote_nodes": ["r1"]}
    if first == "certificates":
        groups = {"remote_nodes": ["r1"], "cluster_nodes": ["n1", "n2"]}
    rc, failed = validate(
        tmp_path,
        groups,
        host_vars={"r1": certificates, "n2": certificates},
        pacemaker_remote_authkey=KEY,
    )
    assert rc != 0 and failed
    assert (
        "pacemaker_remote_tls must be the same on every host of the play (a remote connection uses one"
        in failed[0]
    )
    assert "psk on n1;" in failed[0] or "; psk on n1." in failed[0], failed
    assert "certificates on " in failed[0] and "Nothing was changed." in failed[0]


def pki_material(days=1, crl_next_update_days=1):
    """A CA, a certificate from it with its key, another key, and the CA's
    revocation list, as PEM text (python cryptography, as a user's PKI)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)

    def name(cn):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    def pem(obj):
        return obj.public_bytes(serialization.Encoding.PEM).decode()

    def key_pem(key):
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    ca_key, key, other = (ec.generate_private_key(ec.SECP256R1()) for _i in range(3))
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("ca"))
        .issuer_name(name("ca"))
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now - datetime.timedelta(days=10))
        .not_valid_after(now + datetime.timedelta(days=10))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("host"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now - datetime.timedelta(days=5))
        .not_valid_after(now + datetime.timedelta(days=days))
        .sign(ca_key, hashes.SHA256())
    )
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(now - datetime.timedelta(days=5))
        .next_update(now + datetime.timedelta(days=crl_next_update_days))
        .sign(ca_key, hashes.SHA256())
    )
    return {
        "pacemaker_remote_tls_cert": pem(cert),
        "pacemaker_remote_tls_key": key_pem(key),
        "pacemaker_remote_tls_ca": pem(ca),
        "pacemaker_remote_tls_crl": pem(crl),
        "other_key": key_pem(other),
    }


def given(tmp_path, material, **changes):
    role_vars = {k: v for k, v in material.items() if k.startswith("pacemaker_remote_tls_")}
    role_vars.update(changes)
    return validate(
        tmp_path,
        {"cluster_nodes": ["n1"]},
        pacemaker_remote_tls="certificates",
        pacemaker_remote_authkey=KEY,
        **role_vars,
    )


def test_a_pki_of_your_own_passes_without_the_role_s_cas(tmp_path):
    m = pki_material()
    assert given(tmp_path, m) == (0, [])
    assert given(tmp_path, m, pacemaker_remote_tls_crl=None) == (0, [])


def test_a_pki_of_your_own_is_given_whole(tmp_path):
    m = pki_material()
    rc, failed = given(tmp_path, m, pacemaker_remote_tls_key=None, pacemaker_remote_tls_ca="")
    assert rc != 0 and len(failed) == 1
    assert (
        "pacemaker_remote_tls_cert, pacemaker_remote_tls_key and pacemaker_remote_tls_ca are given together"
        " (this host lacks pacemaker_remote_tls_key, pacemaker_remote_tls_ca)"
    ) in failed[0]
    assert "pki_dir" not in failed[0]


def test_a_pki_of_your_own_is_checked_and_the_key_never_shown(tmp_path):
    m = pki_material(days=-1, crl_next_update_days=-1)
    rc, failed = given(tmp_path, m, pacemaker_remote_tls_key=m["other_key"])
    assert rc != 0 and len(failed) == 1
    msg = failed[0]
    assert "n1: pacemaker_remote_tls_cert is not valid now" in msg
    assert "pacemaker_remote_tls_cert is not the certificate of pacemaker_remote_tls_key" in msg
    assert "pacemaker_remote_tls_crl is out of date" in msg and msg.endswith("Nothing was changed.")
    for key in (m["other_key"], m["pacemaker_remote_tls_key"]):
        assert key.splitlines()[1] not in validate.output


# Python 3.6 as well (the oldest modules' interpreter): no capture_output
ASK_DPKG = """
import subprocess, sys
try:
    out = subprocess.check_output(["dpkg-query", "-W", "-f", "${Version}", "pacemaker"], stderr=subprocess.DEVNULL)
    sys.stdout.write(out.decode())
except Exception:
    pass
"""


def test_a_pacemaker_this_run_installed_is_checked_for_certificates(tmp_path):
    """tasks/tls_version.yml, which the package step includes: the versions
    read again from the package database; dpkg-query is the oracle."""
    # asked where the modules run (scripts/generations.sh: inside a lab image)
    proc = subprocess.run(
        [MODULE_PYTHON, "-c", ASK_DPKG],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout:
        pytest.skip("no pacemaker package here to read")
    version = re.sub(r"^[0-9]+:", "", proc.stdout)
    rc, failed = validate(
        tmp_path,
        {"cluster_nodes": ["n1"]},
        tasks_from="tls_version.yml",
        pacemaker_remote_tls="certificates",
    )
    numeric = tuple(int(x) for x in re.match(r"[0-9]+(?:\.[0-9]+)*", version).group(0).split("."))
    if numeric >= (3, 0):
        assert (rc, failed) == (0, [])
    else:
        assert rc != 0 and len(failed) == 1, failed
        assert (
            "older here, as installed now: n1 (pacemaker %s)"
            % re.match(r"[0-9]+(?:\.[0-9]+)*", version).group(0)
            in failed[0]
        ), failed
        assert "Packages were installed; nothing else was changed." in failed[0]
