"""host_info's firewalld report, read two ways: in one process through
firewalld's own Python client (D-Bus), and through firewall-cmd when the
module's interpreter has no firewalld bindings (one that is not the system's,
as ansible-core 2.17 and later need on RHEL 8). Both must report what
firewall-cmd lists (the oracle), over a zone that differs at runtime and
permanently (a port and a rich rule at runtime only, a service and a port
range permanently only) and another zone; a zone that does not exist fails
with firewalld's reason both ways, and a stopped firewalld is "not running"
both ways. The pacemaker_remote role never starts that stopped firewalld:
it fails on that host unless pacemaker_remote_firewall_skip_if_absent.

Leaves the zones as it found them (a reload drops the runtime-only rules).
On the default suite only: what it proves is firewalld's and host_info's."""

import labkit
import pytest

from remote_lab import (
    INVENTORY,
    REMOTE,
    cib_epoch,
    default_suite_only,
    no_change,
    online_nodes,
    run_playbook,
)

pytestmark = default_suite_only

# an interpreter that cannot import firewalld's bindings: host_info falls back
# to firewall-cmd
NO_BINDINGS = "/tmp/hacluster-no-firewall-bindings"
PYTHON_WITHOUT_BINDINGS = NO_BINDINGS + "/python3"
OTHER_ZONE = "internal"
CHANGES = [
    # (what is changed, how it is undone: None where a reload does it)
    ("firewall-cmd -q --add-port=7777/udp", None),
    (
        'firewall-cmd -q --add-rich-rule=\'rule family="ipv6" source address="2001:db8::/64" '
        'port port="7000" protocol="tcp" accept\'',
        None,
    ),
    (
        "firewall-cmd -q --permanent --add-service=nfs",
        "firewall-cmd -q --permanent --remove-service=nfs",
    ),
    (
        "firewall-cmd -q --permanent --add-port=6000-6010/tcp",
        "firewall-cmd -q --permanent --remove-port=6000-6010/tcp",
    ),
    (
        f"firewall-cmd -q --zone={OTHER_ZONE} --add-port=9929/udp",
        None,
    ),
]
FULL = {"firewalld": True, "firewalld_service_ports": True, "firewalld_port_zones": True}


@pytest.fixture(scope="module", autouse=True)
def zone_states():
    # the package hides itself from everything but firewall-cmd (a child of
    # the module, which inherits PYTHONPATH and must still work)
    real = labkit.sh(
        REMOTE, "python3 -c 'import firewall, os; print(os.path.dirname(firewall.__file__))'"
    ).strip()
    shadow = (
        "import sys\n"
        "if not sys.argv[0].endswith('firewall-cmd'):\n"
        "    raise ImportError('no firewalld bindings in this interpreter')\n"
        f"__path__ = ['{real}']\n"
        f"exec(compile(open('{real}/__init__.py').read(), '{real}/__init__.py', 'exec'))\n"
    )
    labkit.sh(
        REMOTE,
        f"mkdir -p {NO_BINDINGS}/firewall && cat > {NO_BINDINGS}/firewall/__init__.py <<'EOF'\n{shadow}EOF",
    )
    labkit.sh(
        REMOTE,
        f"printf '#!/bin/sh\\nPYTHONPATH={NO_BINDINGS} exec /usr/bin/python3 \"$@\"\\n' > {PYTHON_WITHOUT_BINDINGS} "
        f"&& chmod +x {PYTHON_WITHOUT_BINDINGS}",
    )
    rc, _out, err = labkit.run(REMOTE, [PYTHON_WITHOUT_BINDINGS, "-c", "import firewall.client"])
    assert rc != 0 and "no firewalld bindings" in err, "the interpreter still has the bindings"
    labkit.sh(REMOTE, f"PYTHONPATH={NO_BINDINGS} firewall-cmd --state")  # and firewall-cmd works
    before = {z: labkit.firewall_zone(REMOTE, z) for z in (None, OTHER_ZONE)}
    try:
        for change, _undo in CHANGES:
            labkit.sh(REMOTE, change)
        yield
    finally:
        # every undo, whether or not its change was made (removing what is
        # not there only warns)
        for _change, undo in CHANGES:
            if undo:
                labkit.sh(REMOTE, undo, check=False)
        labkit.sh(REMOTE, f"firewall-cmd -q --reload; rm -rf {NO_BINDINGS}")
    assert {z: labkit.firewall_zone(REMOTE, z) for z in (None, OTHER_ZONE)} == before


def report(args, bindings=True):
    extra = None if bindings else {"ansible_python_interpreter": PYTHON_WITHOUT_BINDINGS}
    return labkit.module(INVENTORY, REMOTE, "hacluster.pacemaker.host_info", args, extra_vars=extra)


def ports_of(flag):
    return labkit.sh(REMOTE, f"firewall-cmd {flag} --list-ports").split()


def oracle(zone):
    """What firewall-cmd lists, question by question."""
    zone = zone or labkit.sh(REMOTE, "firewall-cmd --get-default-zone").strip()
    out = {"state": "running", "zone": zone}
    for where, z in labkit.firewall_zone(REMOTE, zone).items():
        flag = "--permanent " if where == "permanent" else ""
        service_ports = []
        for service in z["services"]:
            info = labkit.sh(REMOTE, f"firewall-cmd {flag}--info-service={service}")
            line = next(x for x in info.splitlines() if x.strip().startswith("ports:"))
            service_ports += [p for p in line.split(":", 1)[1].split() if p not in service_ports]
        out[where] = dict(z, service_ports=service_ports)
    port_zones = {}
    for flag in ("", "--permanent "):
        for name in labkit.sh(REMOTE, f"firewall-cmd {flag}--get-zones").split():
            for port in ports_of(f"{flag}--zone={name}"):
                port_zones.setdefault(port, set()).add(name)
    out["port_zones"] = {p: sorted(z) for p, z in port_zones.items()}
    return out


def same(report_):
    """Lists compared as sets of what they hold (firewall-cmd sorts some)."""
    out = dict(report_)
    for where in ("runtime", "permanent"):
        out[where] = {k: sorted(v) for k, v in report_[where].items()}
    return out


@pytest.mark.parametrize("zone", [None, OTHER_ZONE], ids=["default zone", "another zone"])
def test_both_readers_report_what_firewall_cmd_lists(zone):
    args = dict(FULL, firewalld_zone=zone) if zone else FULL
    expected = same(oracle(zone))
    assert expected["runtime"] != expected["permanent"] or zone, "the changes made them differ"
    for bindings in (True, False):
        result = report(args, bindings)
        assert not result.get("failed"), result
        assert same(result["firewalld"]) == expected, bindings


def test_a_zone_that_does_not_exist_fails_with_firewalds_reason():
    for bindings in (True, False):
        result = report({"firewalld": True, "firewalld_zone": "no-such-zone"}, bindings)
        assert result.get("failed"), result
        assert "INVALID_ZONE" in result["msg"], (bindings, result["msg"])


@pytest.fixture
def firewalld_stopped():
    labkit.run(REMOTE, ["systemctl", "stop", "firewalld"], timeout=labkit.SYSTEMCTL_TIMEOUT)
    yield
    rc, _out, err = labkit.run(
        REMOTE, ["systemctl", "start", "firewalld"], timeout=labkit.SYSTEMCTL_TIMEOUT
    )
    assert rc == 0, err


def firewalld_active():
    return labkit.run(REMOTE, ["systemctl", "is-active", "firewalld"])[1].strip()


def test_a_stopped_firewalld_is_not_running_both_ways(firewalld_stopped):
    for bindings in (True, False):
        result = report({"firewalld": True}, bindings)
        assert result["firewalld"] == {"state": "not running"}, (bindings, result)


def test_the_role_never_starts_a_stopped_firewalld(firewalld_stopped):
    """pacemaker_remote_firewall_skip_if_absent, live: by default the role
    fails on that host, naming the option, and leaves it in the cluster;
    with the option the run goes through with nothing changed. Either way
    firewalld stays stopped and the CIB is not written."""
    epoch = cib_epoch()
    refused = run_playbook()
    assert not refused.ok, refused.tail()
    failed = {h for _t, h, r in refused.results() if r.get("failed")}
    assert failed == {REMOTE}, failed
    (msg,) = refused.failed_messages()
    assert f"firewalld is not running on {REMOTE}" in msg, msg
    assert "pacemaker_remote_firewall_skip_if_absent" in msg, msg
    assert firewalld_active() == "inactive"
    assert cib_epoch() == epoch
    assert REMOTE in online_nodes()

    skipped = run_playbook("pacemaker_remote_firewall_skip_if_absent=true")
    assert no_change(skipped), (skipped.changed(), skipped.tail())
    assert firewalld_active() == "inactive"
    assert cib_epoch() == epoch
