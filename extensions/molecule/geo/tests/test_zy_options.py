"""Every value option of the booth role set, changed and returned to its
default, live (issue 26): after each run what runs is what was declared
(booth.conf on every member, the key at the declared path with its mode and
owner, each boothd on the declared port with the config and key on disk,
firewalld), the ticket is still where it was, and a rerun changes nothing.
The ports are not the second formation's (test_two_formations: 9930), whose
boothd still runs on the same hosts.
Between the set and the change, the role's switches off: drift in what each
switch covers stays as it is, and the next run with the switches on repairs
it. The ticket options and the formation's own port have their own tests
(test_interrupted, the harness, test_two_formations); docs/reliability.md
lists the test of each option. Runs before the harness, whose reset puts
back what the inventory declares."""

import base64
import hashlib
import json

import labkit
from geo_lab import (
    ARBITRATOR,
    ARBITRATOR_IP,
    CONF,
    INVENTORY,
    IP_A,
    IP_B,
    MEMBERS,
    SITE_A,
    SITE_B,
    SITES,
    TICKET,
    host,
    leader,
    play,
)

KEY_CHANGED = base64.b64encode(hashlib.sha512(b"hacluster.pacemaker options").digest()).decode()
DEFAULTS = {
    "booth_port": 9929,
    "booth_use_authfile": True,
    "booth_authfile": "/etc/booth/booth.key",
    "booth_key_b64": "",
    "booth_key_mode": "0600",
    "booth_key_owner": "hacluster",
    "booth_key_group": "haclient",
    "booth_key_size": 64,
    "booth_firewall_zone": "",
    "booth_allow_hostnames": False,
    "booth_arbitrators": [ARBITRATOR_IP],
}
PHASES = {
    "set": {
        "booth_port": 9940,
        "booth_authfile": "/etc/booth/options-set.key",
        "booth_key_mode": "0400",
        "booth_key_owner": "root",
        "booth_key_group": "root",
        # a new path holds no key: one is generated, of this size
        "booth_key_size": 32,
    },
    "changed": {
        "booth_port": 9941,
        "booth_authfile": "/etc/booth/options-changed.key",
        "booth_key_b64": KEY_CHANGED,
        "booth_key_mode": "0700",
        "booth_key_owner": "hacluster",
        "booth_key_group": "root",
    },
    # The zone phases keep booth's default port, which the lab's default
    # zone opens (high-availability): rules in a zone that holds no
    # interface would leave another port closed to the peers.
    "no authfile": {"booth_use_authfile": False, "booth_firewall_zone": "internal"},
    # and the arbitrator by its host name, which booth resolves at start
    "zone changed": {
        "booth_firewall_zone": "work",
        "booth_allow_hostnames": True,
        "booth_arbitrators": [ARBITRATOR],
    },
    "default": {},
}
BOOTH_PORTS = {DEFAULTS["booth_port"]} | {
    p["booth_port"] for p in PHASES.values() if "booth_port" in p
}
ZONES = ["public", "internal", "work"]  # the lab's default zone and the phases'
SWITCHES_OFF = {
    "booth_manage_firewall": False,
    "booth_manage_tickets_cib": False,
    "booth_manage_packages": False,
    "booth_manage_site_resources": False,
    "booth_manage_arbitrator_service": False,
}
TICKET_CONSTRAINT = "//rsc_ticket[@ticket='%s']" % TICKET


def booth_conf(member):
    """{key: [values]} of the global lines of booth.conf (before the first ticket)."""
    out = {}
    for line in host(member).file(CONF).content_string.splitlines():
        key, value = (line.split("=", 1) + [""])[:2]
        if key.strip() == "ticket":
            break
        if value:
            out.setdefault(key.strip(), []).append(value.strip().strip('"'))
    return out


def open_ports(member, flag="", zone=""):
    """The ports a firewalld zone (by default the default zone) opens, as
    ports or through its services (the RHEL guide opens high-availability,
    which has 9929)."""
    flag += " --zone=%s" % zone if zone else ""
    script = (
        "firewall-cmd{0} --list-ports; for s in $(firewall-cmd{0} --list-services); do"
        " firewall-cmd{0} --info-service=$s | sed -n 's/^ *ports: //p'; done".format(flag)
    )
    return set(labkit.sh(member, script).split())


def boothd(member, wanted):
    """host_info's view of the member's boothd: running, and stale files."""
    files = [CONF] + ([wanted["booth_authfile"]] if wanted["booth_use_authfile"] else [])
    spec = {"name": "b", "command": "boothd", "match": ["booth", CONF], "files": files}
    return labkit.daemons(INVENTORY, [member], spec)[member]["b"]


def runs_as_declared(phase, holder):
    wanted = dict(DEFAULTS, **PHASES[phase])
    port = wanted["booth_port"]
    keys = set()
    for m in MEMBERS:
        conf = booth_conf(m)
        assert conf.get("port", ["9929"]) == [str(port)], (m, conf)
        assert conf["arbitrator"] == wanted["booth_arbitrators"], (m, conf)
        if wanted["booth_use_authfile"]:
            assert conf.get("authfile") == [wanted["booth_authfile"]], (m, conf)
            key = host(m).file(wanted["booth_authfile"])
            assert key.mode == int(wanted["booth_key_mode"], 8), (m, oct(key.mode))
            assert (key.user, key.group) == (wanted["booth_key_owner"], wanted["booth_key_group"])
            keys.add(key.sha256sum)
            if phase == "set":
                assert key.size == wanted["booth_key_size"], (m, key.size)
        else:
            assert "authfile" not in conf, (m, conf)
        daemon = boothd(m, wanted)
        assert daemon["running"] and daemon["stale_files"] == [], (m, daemon)
        listening = labkit.sh(m, "ss -Hlnu")
        assert ":%d " % port in listening, (m, port, listening)
        for flag in ("", " --permanent"):
            ports = open_ports(m, flag, wanted["booth_firewall_zone"])
            assert {"%d/udp" % port, "%d/tcp" % port} <= ports, (m, flag, ports)
            # a port booth left is closed, also in a zone given before
            for zone in ZONES:
                rules = set(
                    labkit.sh(m, "firewall-cmd%s --zone=%s --list-ports" % (flag, zone)).split()
                )
                left = {r for r in rules if int(r.split("/")[0]) in BOOTH_PORTS - {port}}
                assert not left, (m, flag, zone, left)
    if wanted["booth_use_authfile"]:
        assert len(keys) == 1, keys
    if wanted["booth_key_b64"]:
        assert keys == {hashlib.sha256(base64.b64decode(wanted["booth_key_b64"])).hexdigest()}
    # the ticket stays where it was (test_geo.py leaves it at site B): a
    # restart of every boothd for a new port or key must not move it
    assert labkit.wait_until(lambda: all(leader(m) == holder for m in MEMBERS), 120), {
        m: leader(m) for m in MEMBERS
    }
    site = SITE_A if holder == IP_A else SITE_B
    other = SITE_B if site == SITE_A else SITE_A
    assert labkit.ticket_granted(site, TICKET) and not labkit.ticket_granted(other, TICKET)
    labkit.cib_valid(SITES)


def run(phase, extra=None):
    return play("geo_cluster.yml", extra_vars=[json.dumps(dict(PHASES[phase], **(extra or {})))])


def converge(phase):
    holder = leader(SITE_A)
    assert holder in (IP_A, IP_B), holder
    result = run(phase)
    assert result.ok, result.tail()
    runs_as_declared(phase, holder)
    again = run(phase)
    assert again.ok and not any(again.changed().values()), again.changed_tasks()


def test_set():
    converge("set")


def test_switches_off_leave_drift_alone():
    port = PHASES["set"]["booth_port"]
    labkit.sh(
        ARBITRATOR,
        "firewall-cmd -q --remove-port={0}/tcp && firewall-cmd -q --permanent --remove-port={0}/tcp"
        "; systemctl stop booth@booth".format(port),
        timeout=labkit.SYSTEMCTL_TIMEOUT,
    )
    rc, out, err = labkit.run(SITE_A, ["cibadmin", "--query", "--xpath", TICKET_CONSTRAINT])
    assert rc == 0 and 'loss-policy="stop"' in out, (out, err)
    labkit.sh(SITE_A, "cibadmin --modify --xml-text '%s'" % out.replace('"stop"', '"freeze"'))
    epochs = {s: labkit.cib_version(s) for s in SITES}
    result = run("set", SWITCHES_OFF)
    assert result.ok and not any(result.changed().values()), result.changed_tasks()
    assert {s: labkit.cib_version(s) for s in SITES} == epochs
    assert "freeze" in labkit.run(SITE_A, ["cibadmin", "--query", "--xpath", TICKET_CONSTRAINT])[1]
    assert not host(ARBITRATOR).service("booth@booth").is_running
    assert "%d/tcp" % port not in open_ports(ARBITRATOR)


def test_changed_and_drift_repaired():
    converge("changed")
    _rc, out, _err = labkit.run(SITE_A, ["cibadmin", "--query", "--xpath", TICKET_CONSTRAINT])
    assert 'loss-policy="stop"' in out, out


def test_no_authfile():
    converge("no authfile")


def test_zone_changed():
    converge("zone changed")


def test_back_to_the_defaults():
    converge("default")
