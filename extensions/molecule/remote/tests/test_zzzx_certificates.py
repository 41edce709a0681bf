"""X.509 certificates for remote connections (pacemaker_remote_tls, issue 28),
live on Pacemaker 3.0: the switch from the shared key to certificates, the
day-2 operations (renewal, revocation) and back, the first switch cut
halfway (remote hosts on certificates, cluster nodes on the key), each with a resource on
every remote, guest and second cluster node.

After each step every pacemaker-remoted and pacemaker-controld runs with
the declared environment (the four PCMK_*_file names, or none), every node
is online, nothing moved or restarted (the Dummy state files keep their
change time), no maintenance mode is left, no fence (conftest.py) and a rerun
changes nothing. With certificates, remote1's pacemaker-remoted is asked
directly (Python's TLS client on node1): it shows a certificate from the
remote CA and refuses a client without a certificate, one with a
certificate from another CA, and, once revoked, one from the cluster CA
(its log says why); that revocation run is first cut off once the lists
are written, and the next run restarts what read the old ones. Renewal: certificates made for 3 days are renewed by a
run with the default 730 (less than a third left). Revocation also of
remote1's own certificate: remote1 gets a new key and certificate, and the
cluster nodes' list (openssl as the oracle) names the old one. Each rerun
with the role's own CAs looks at no certificate (the ledger in the CA
directory); drift of modes and a ledger line due are repaired without a
restart. Back to the shared key, the TLS files are removed once no daemon
runs with them.
Last, a PKI of one's own, given as host variables (no CA directory), with
a revocation list on the remote hosts only. On the older suites the role
refuses before any change.

Runs after the AWX jobs (file order), and goes back to the shared key."""

import datetime
import json
import os
import pathlib
import time

import labkit
import pytest
from remote_lab import (
    ALL_HOSTS,
    CLUSTER,
    INVENTORY,
    NODE,
    REMOTE,
    REMOTE_HOSTS,
    cib_epoch,
    maintenance_marker,
    no_change,
    run_playbook,
    wait_online,
)

OLDER = os.environ.get("LAB_SUITE") not in (None, "")  # bookworm, bullseye
PLACED = {"tls-on-%s" % h: h for h in REMOTE_HOSTS + CLUSTER[1:]}
TLS = {
    "PCMK_ca_file": "/etc/pacemaker/tls/ca.pem",
    "PCMK_cert_file": "/etc/pacemaker/tls/cert.pem",
    "PCMK_key_file": "/etc/pacemaker/tls/key.pem",
    "PCMK_crl_file": "/etc/pacemaker/tls/crl.pem",
}
ENV_FILE = "/etc/default/pacemaker"
# what a host holds of the switch: the environment file and the TLS files
REMOTED_RESTART = "Restart pacemaker_remote where it holds an older key"
INSTALLED = "Install the host's certificate and the CA it trusts"
SIGNED = "Sign the host's certificate with its CA (on the controller)"
REMOTED = {
    "name": "remoted",
    "command": "pacemaker-remoted",
    "env": [],
    "files": list(TLS.values()),
}
# what pacemaker-remoted logged (its log file, or the journal)
LOG = (
    "{ cat /var/log/pacemaker/pacemaker.log; journalctl -q -u pacemaker_remote --no-pager; }"
    " 2>/dev/null | grep '%s' || true"
)
FILES = "sha256sum %s /etc/pacemaker/tls/* 2>/dev/null; ls -la /etc/pacemaker/tls 2>/dev/null; true"


def certificates(pki, *more):
    return ("pacemaker_remote_tls=certificates", "pacemaker_remote_tls_pki_dir=%s" % pki) + more


def certificate(h):
    """(serial, seconds since the epoch it ends, key's sha256) of a host's
    certificate, read on the host with openssl."""
    serial, end, key = labkit.sh(
        h,
        "cd /etc/pacemaker/tls && openssl x509 -in cert.pem -noout -serial | cut -d= -f2"
        ' && date -d "$(openssl x509 -in cert.pem -noout -enddate | cut -d= -f2)" +%s'
        " && sha256sum key.pem | cut -d' ' -f1",
    ).split()
    return serial, int(end), key


def idle(result):
    """No change, and no host's certificate even looked at: the ledger in the
    CA directory showed each holding what was last signed for it."""
    return no_change(result) and not signing(result)


def signing(result):
    return {h for t, h, r in result.results() if t.endswith(SIGNED) and not r.get("skipped")}


def certificates_now():
    return {h: certificate(h) for h in ALL_HOSTS}


def days_left(cert):
    return (cert[1] - time.time()) // 86400


def issue(cn, ca=None, ca_key=None):
    """(certificate, key) for cn (python cryptography), signed by ca_key, or a
    CA of its own when none is given; valid from an hour ago for two days."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.subject if ca else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=ca is None, path_length=None), critical=True)
        .sign(ca_key or key, hashes.SHA256())
    )
    return cert, key


def pem(obj):
    from cryptography.hazmat.primitives import serialization

    if hasattr(obj, "private_bytes"):
        return obj.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    return obj.public_bytes(serialization.Encoding.PEM).decode()


def intruder(pki, where):
    """A certificate and key from the cluster CA for a host that is none of
    the cluster's (a stolen or leftover one), placed on `where`; its serial
    as openssl prints it."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    ca = x509.load_pem_x509_certificate(pathlib.Path(pki, "cluster-ca.pem").read_bytes())
    ca_key = serialization.load_pem_private_key(
        pathlib.Path(pki, "cluster-ca.key").read_bytes(), None
    )
    cert, key = issue("intruder", ca, ca_key)
    labkit.sh(
        where,
        "mkdir -p /tmp/intruder && cat > /tmp/intruder/cert.pem <<'E'\n%sE\ncat > /tmp/intruder/key.pem <<'E'\n%sE\n"
        % (pem(cert), pem(key)),
    )
    return "%X" % cert.serial_number


def own_pki(directory):
    """A company's PKI, as the role's (two CAs), given as host variables in an
    inventory beside the lab's: cluster nodes without a revocation list,
    remote and guest hosts with one. Returns (its path, {host: certificate})."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    cas = {side: issue("company %s CA" % side) for side in ("cluster", "remote")}
    now = datetime.datetime.now(datetime.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(cas["cluster"][0].subject)
        .last_update(now - datetime.timedelta(hours=1))
        .next_update(now + datetime.timedelta(days=30))
        .sign(cas["cluster"][1], hashes.SHA256())
    )
    hosts, certs = {}, {}
    for h in ALL_HOSTS:
        own, peer = ("cluster", "remote") if h in CLUSTER else ("remote", "cluster")
        cert, key = issue(h, *cas[own])
        certs[h] = pem(cert)
        hosts[h] = {
            "pacemaker_remote_tls_cert": certs[h],
            "pacemaker_remote_tls_key": pem(key),
            "pacemaker_remote_tls_ca": pem(cas[peer][0]),
        }
        if h not in CLUSTER:
            hosts[h]["pacemaker_remote_tls_crl"] = pem(crl)
    path = pathlib.Path(directory, "own-pki.json")
    path.write_text(json.dumps({"all": {"hosts": hosts}}))
    return path, certs


def daemon_env():
    """{host: {daemon: its TLS environment}} of the running daemons, from
    host_info as the role reads it."""
    spec = [
        {"name": "remoted", "command": "pacemaker-remoted", "env": list(TLS)},
        {"name": "controld", "command": "pacemaker-controld", "env": list(TLS)},
    ]
    return {
        h: {n: d["env"] for n, d in got.items() if d["running"]}
        for h, got in labkit.daemons(INVENTORY, ALL_HOSTS, *spec).items()
    }


def placement():
    return {rsc: next(iter(labkit.where(NODE, rsc)), None) for rsc in PLACED}


def started_at():
    return {
        rsc: labkit.sh(where, "stat -c %%Z /run/Dummy-%s.state" % rsc).strip()
        for rsc, where in PLACED.items()
    }


@pytest.fixture(scope="module")
def resources():
    for rsc, where in PLACED.items():
        labkit.sh(NODE, "pcs resource create %s ocf:pacemaker:Dummy op monitor interval=10s" % rsc)
        labkit.sh(NODE, "pcs constraint location %s prefers %s=100" % (rsc, where))
    assert labkit.wait_until(lambda: placement() == PLACED, 120), placement()
    yield started_at()
    for rsc in PLACED:
        labkit.sh(NODE, "pcs resource delete %s" % rsc, timeout=120)


def switched(result, before, env, cluster_env=None):
    assert result.ok, result.tail()
    assert daemon_env() == {
        h: {"controld": cluster_env or env} if h in CLUSTER else {"remoted": env} for h in ALL_HOSTS
    }
    assert wait_online(ALL_HOSTS, timeout=240), labkit.online_nodes(NODE)
    assert not maintenance_marker()
    assert placement() == PLACED
    assert started_at() == before, "a resource was restarted"


# Python's TLS client, run on node1 against remote1's pacemaker-remoted: the
# handshake alone (Pacemaker's own protocol comes after it)
HANDSHAKE = r"""
import socket, ssl, sys
host, port, ca, cert, key = sys.argv[1:6]
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.load_verify_locations(ca)
if cert != "-":
    ctx.load_cert_chain(cert, key)
try:
    with socket.create_connection((host, int(port)), 10) as raw:
        with ctx.wrap_socket(raw) as tls:
            # TLS 1.3 reports a refused client certificate after the
            # handshake: an accepted client gets no answer until it speaks
            issuer = dict(x[0] for x in tls.getpeercert()["issuer"])["commonName"]
            tls.settimeout(3)
            try:
                data = tls.recv(1)
            except socket.timeout:
                data = None
            except (ssl.SSLError, ConnectionResetError) as exc:
                data = exc
            print("accepted" if data is None else "refused", "|", issuer)
except (ssl.SSLError, ConnectionResetError) as exc:
    print("refused |", exc)
"""


def handshake(ca, cert="-", key="-"):
    server = INVENTORY.var("pacemaker_remote_server", REMOTE)
    out = labkit.sh(NODE, "python3 -c '%s' %s 3121 %s %s %s" % (HANDSHAKE, server, ca, cert, key))
    return out.strip()


@pytest.mark.skipif(not OLDER, reason="Pacemaker 3.0 here: the switch is tested")
def test_older_pacemaker_is_refused_before_any_change(tmp_path):
    env = labkit.sh(NODE, "cat %s" % ENV_FILE, check=False)
    epoch = cib_epoch()
    result = run_playbook(*certificates(tmp_path / "pki"))
    assert not result.ok
    (msg,) = set(result.failed_messages())
    assert "pacemaker_remote_tls: certificates needs Pacemaker 3.0 or later" in msg, msg
    assert labkit.sh(NODE, "cat %s" % ENV_FILE, check=False) == env
    assert cib_epoch() == epoch
    assert not (tmp_path / "pki").exists()


@pytest.mark.skipif(OLDER, reason="certificates need Pacemaker 3.0 (trixie)")
def test_switch_to_certificates_and_back(tmp_path, resources):
    pki = tmp_path / "pki"

    # check mode: announced, nothing written on any host or the controller
    def files():
        return {h: labkit.sh(h, FILES % ENV_FILE) for h in ALL_HOSTS}

    before, epoch = files(), cib_epoch()
    planned = run_playbook(*certificates(pki), check=True)
    assert planned.ok, planned.tail()
    assert all(planned.changed()[h] for h in ALL_HOSTS), planned.changed()
    assert files() == before
    assert cib_epoch() == epoch and not pki.exists()

    # the switch is cut (as an AWX cancel) when the remote hosts run with
    # certificates and the cluster nodes still with the key: the cluster
    # stays in maintenance mode, and the next run finishes from what runs
    switch = certificates(pki, "pacemaker_remote_tls_days=3")
    labkit.play_interrupted("remote_nodes.yml", INVENTORY, REMOTED_RESTART, switch)
    assert maintenance_marker()
    result = run_playbook(*switch)
    switched(result, resources, TLS)
    restarted = [h for t, h in result.changed_tasks() if t.endswith(": Restart pacemaker")]
    assert restarted, result.changed_tasks()
    again = run_playbook(*certificates(pki, "pacemaker_remote_tls_days=3"))
    assert idle(again), (again.changed_tasks(), signing(again))

    # renewal: a third of 730 days is more than what the 3-day ones have left
    short = certificates_now()
    assert all(days_left(c) <= 3 for c in short.values()), short
    renewed = run_playbook(*certificates(pki))
    switched(renewed, resources, TLS)
    long = certificates_now()
    long_pem = labkit.sh(REMOTE, "cat /etc/pacemaker/tls/cert.pem")
    for h in ALL_HOSTS:
        assert long[h][0] != short[h][0] and days_left(long[h]) >= 728, (h, short[h], long[h])
        assert long[h][2] == short[h][2], "%s: a renewal keeps the key" % h
    again = run_playbook(*certificates(pki))
    assert idle(again), (again.changed_tasks(), signing(again))

    # what the ledger cannot vouch for takes the full way: owners and modes
    # (the CA key on the controller, a host's key, directory and CA file)
    # and a line whose renewal time has come. Modes alone are repaired and
    # no daemon restarts: what each loaded is unchanged.
    ca_key, ledger = pathlib.Path(pki, "cluster-ca.key"), pathlib.Path(pki, "signed")
    ca_key.chmod(0o644)
    labkit.sh(REMOTE, "chmod 0604 /etc/pacemaker/tls/key.pem")
    other = CLUSTER[1]
    labkit.sh(other, "chmod 0755 /etc/pacemaker/tls && chmod 0600 /etc/pacemaker/tls/ca.pem")
    lines = ledger.read_text().splitlines()
    ledger.write_text("\n".join(line.rsplit(" ", 1)[0] + " 1" for line in lines) + "\n")
    repaired = run_playbook(*certificates(pki))
    switched(repaired, resources, TLS)
    assert sorted({(t.split(" : ")[-1], h) for t, h in repaired.changed_tasks()}) == sorted(
        [
            ("Create the CA keys", NODE),
            ("Create the host's private key", REMOTE),
            ("Create the directory of the host's TLS files", other),
            (INSTALLED, other),
        ]
    ), repaired.changed_tasks()
    assert ca_key.stat().st_mode & 0o777 == 0o600
    modes = "stat -c %a /etc/pacemaker/tls /etc/pacemaker/tls/key.pem /etc/pacemaker/tls/ca.pem"
    assert labkit.sh(REMOTE, modes).split() == ["750", "640", "644"]
    assert labkit.sh(other, modes).split() == ["750", "640", "644"]
    assert certificates_now() == long

    # remote1's pacemaker-remoted refuses a client without a certificate
    # and one from another CA, and shows its own from the remote CA. (A
    # client with node1's certificate would be let in, and pacemaker-remoted
    # drops the cluster's connection for it, "unexpected client takeover":
    # remote1 online with these daemons is the proof of that side.)
    tls = "/etc/pacemaker/tls"
    assert handshake("%s/ca.pem" % tls) == "refused | hacluster.pacemaker remote CA"
    rogue = "/tmp/rogue"
    labkit.sh(
        NODE,
        "mkdir -p %s && cd %s && python3 -c '%s'" % (rogue, rogue, ROGUE),
    )
    got = handshake("%s/ca.pem" % tls, "%s/cert.pem" % rogue, "%s/key.pem" % rogue)
    assert got == "refused | hacluster.pacemaker remote CA", got
    assert pathlib.Path(pki, "cluster-ca.key").stat().st_mode & 0o077 == 0

    # revocation: a cluster-CA certificate of no cluster node, and remote1's own
    revoke = [intruder(pki, NODE), "serial=" + long[REMOTE][0]]
    declared = certificates(pki, {"pacemaker_remote_tls_revoke": revoke})
    # cut (as an AWX cancel) once the lists are written, before any restart:
    # the next run finds the daemons that started before them
    labkit.play_interrupted("remote_nodes.yml", INVENTORY, INSTALLED, declared)
    stale = {
        h: d["stale_files"]
        for h, got in labkit.daemons(INVENTORY, REMOTE_HOSTS, REMOTED).items()
        for d in got.values()
    }
    assert all(TLS["PCMK_crl_file"] in files for files in stale.values()), stale
    revoked = run_playbook(*declared)
    switched(revoked, resources, TLS)
    now = certificates_now()
    assert now[REMOTE][0] != long[REMOTE][0] and now[REMOTE][2] != long[REMOTE][2], (
        "remote1: new key and certificate"
    )
    assert {h: c for h, c in now.items() if h != REMOTE} == {
        h: c for h, c in long.items() if h != REMOTE
    }
    got = handshake("%s/ca.pem" % tls, "/tmp/intruder/cert.pem", "/tmp/intruder/key.pem")
    assert got.startswith("refused"), got
    log = labkit.sh(REMOTE, LOG % "Peer certificate invalid")
    assert "revoked" in log, log
    with_crl = (
        "openssl verify -crl_check -CRLfile %s/crl.pem -CAfile %s/ca.pem /tmp/remote1-old.pem"
        % (tls, tls)
    )
    labkit.sh(NODE, "cat > /tmp/remote1-old.pem <<'E'\n%sE\n" % long_pem)
    out = labkit.sh(NODE, with_crl + " 2>&1 || true")
    assert "certificate revoked" in out, out
    again = run_playbook(*certificates(pki, {"pacemaker_remote_tls_revoke": revoke}))
    assert idle(again), (again.changed_tasks(), signing(again))

    # a PKI of your own, given as host variables: the role makes nothing and
    # needs no CA directory; the cluster nodes, given no list, run without one
    inventory, given = own_pki(tmp_path)
    theirs = ("pacemaker_remote_tls=certificates",)
    mine = labkit.play("remote_nodes.yml", INVENTORY, theirs, args=("-i", str(inventory)))
    without_list = dict(TLS, PCMK_crl_file=None)
    switched(mine, resources, TLS, without_list)
    for h in ALL_HOSTS:
        assert labkit.sh(h, "cat /etc/pacemaker/tls/cert.pem") == given[h], h
    again = labkit.play("remote_nodes.yml", INVENTORY, theirs, args=("-i", str(inventory)))
    assert no_change(again), again.changed_tasks()

    back = run_playbook()
    switched(back, resources, dict.fromkeys(TLS))
    # no daemon runs with them any more: the keys and certificates are gone
    gone = {
        h: labkit.sh(h, "test -e /etc/pacemaker/tls && echo left || echo gone").strip()
        for h in ALL_HOSTS
    }
    assert set(gone.values()) == {"gone"}, gone
    assert not labkit.sh(
        NODE, "grep -E '^[[:space:]]*PCMK_(ca|cert|key|crl)_file=' %s || true" % ENV_FILE
    ).strip()
    again = run_playbook()
    assert no_change(again), again.changed_tasks()


# a CA of its own and a certificate from it, as a host outside the cluster
# could make (python3-cryptography, which pcs needs, is on every lab host)
ROGUE = r"""
import datetime
import json
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
now = datetime.datetime.now(datetime.timezone.utc)
def cert(subject, issuer, key, signer, ca):
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(signer, hashes.SHA256()))
name = lambda cn: x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
ca = cert(name("rogue CA"), name("rogue CA"), ca_key, ca_key, True)
open("cert.pem", "wb").write(cert(name("node1"), ca.subject, key, ca_key, False)
                             .public_bytes(serialization.Encoding.PEM))
open("key.pem", "wb").write(key.private_bytes(serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
"""
