"""Certificate serial numbers as a user copies them from openssl
(pacemaker_remote_tls_revoke, the serial_numbers filter): the serial a
revocation list built from our reading names is the certificate openssl
made, and no other. openssl makes the certificates and is the oracle
(`openssl verify -crl_check`); the list is signed as community.crypto's
x509_crl signs it (python cryptography)."""

import datetime
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from ansible_collections.hacluster.pacemaker.plugins.filter.serial_numbers import (
    serial_number_errors,
    serial_numbers,
)

# the classes of serials: one octet, a high bit DER pads with a zero octet, a
# zero octet inside, the 20 octets RFC 5280 allows, and openssl's own choice
SERIALS = ["0x01", "0x80", "0xFF00", "0x7F" + "00" * 18 + "01", None]


def openssl(*args, cwd):
    proc = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    rc, out = openssl(
        "req",
        "-x509",
        *ec,
        "-subj",
        "/CN=ca",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        cwd=d,
    )
    assert rc == 0, out
    certs = []
    for i, serial in enumerate(SERIALS):
        name = "host%d" % i
        rc, out = openssl(
            "req",
            *ec,
            "-subj",
            "/CN=" + name,
            "-keyout",
            name + ".key",
            "-out",
            name + ".csr",
            cwd=d,
        )
        assert rc == 0, out
        sign = [
            "x509",
            "-req",
            "-in",
            name + ".csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-days",
            "1",
        ]
        sign += ["-set_serial", serial] if serial else ["-CAcreateserial"]
        rc, out = openssl(*sign, "-out", name + ".pem", cwd=d)
        assert rc == 0, out
        rc, printed = openssl("x509", "-in", name + ".pem", "-noout", "-serial", cwd=d)
        assert rc == 0 and printed.startswith("serial="), printed
        certs.append((name + ".pem", printed.strip()))
    return d, certs


def crl(d, serials):
    """A revocation list of ca.pem naming the serials, as x509_crl signs it."""
    ca = x509.load_pem_x509_certificate((d / "ca.pem").read_bytes())
    key = serialization.load_pem_private_key((d / "ca.key").read_bytes(), None)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.subject)
        .last_update(now - datetime.timedelta(hours=1))
        .next_update(now + datetime.timedelta(days=1))
    )
    for serial in serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build()
        )
    (d / "crl.pem").write_bytes(
        builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    )


def verdict(d, cert):
    rc, out = openssl(
        "verify", "-crl_check", "-CRLfile", "crl.pem", "-CAfile", "ca.pem", cert, cwd=d
    )
    return "revoked" if "certificate revoked" in out else ("ok" if rc == 0 else out)


@pytest.mark.parametrize("spelling", ["as printed", "bare", "with colons", "lower case"])
def test_a_serial_copied_from_openssl_revokes_that_certificate_only(pki, spelling):
    d, certs = pki
    for i, (_cert, printed) in enumerate(certs):
        digits = printed.split("=", 1)[1]
        given = {
            "as printed": printed,
            "bare": digits,
            "with colons": ":".join(digits[j : j + 2] for j in range(0, len(digits), 2))
            if len(digits) % 2 == 0
            else digits,
            "lower case": digits.lower(),
        }[spelling]
        crl(d, serial_numbers([given], "pacemaker_remote_tls_revoke"))
        got = {c: verdict(d, c) for c, _p in certs}
        assert got == {c: ("revoked" if j == i else "ok") for j, (c, _p) in enumerate(certs)}, (
            given,
            got,
        )


def test_numbers_and_what_openssl_never_prints_are_refused(pki):
    _d, certs = pki
    printed = [p for _c, p in certs]
    assert serial_number_errors(printed, "o") == []
    bad = [
        128,
        4711,
        True,
        None,
        "",
        "serial=",
        "serial=00",
        "0",
        "xyz",
        "12:3",
        "ab:",
        "A" * 41,
        "-80",
        "0x80",
    ]
    errors = serial_number_errors(bad, "pacemaker_remote_tls_revoke")
    assert len(errors) == len(bad), errors
    for value, message in zip(bad, errors, strict=True):
        assert message.startswith(
            "pacemaker_remote_tls_revoke: '%s' is not a certificate serial number" % value
        )
    # repeats name one certificate once
    assert serial_numbers(printed + [p.lower() for p in printed]) == serial_numbers(printed)
