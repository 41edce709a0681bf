"""Every value option of the pacemaker_remote role set, changed and returned
to its default, live (issue 26): after each run what runs is what was
declared (read from the CIB through status_info, from the files and from
firewalld, in the zone declared), every node is online, and a rerun changes
nothing. Between the
set and the change, the role's switches (manage_cib, manage_firewall,
manage_pcsd, install_packages) off: drift in what each switch covers stays
as it is, and the next run with the switches on repairs it.

pacemaker_remote_port has its own tests (test_zv_interrupted and the
harness), and so has every authkey option (test_zz_authkey_lifecycle,
test_zz_key_reload); docs/reliability.md lists the test of each option.
Runs before the harness, whose reset puts back what the inventory declares."""

import json

import labkit
from remote_lab import (
    AUTHKEY,
    INVENTORY,
    NODE,
    REMOTE_HOSTS,
    ALL_HOSTS,
    default_suite_only,
    host,
    no_change,
    run_playbook,
    wait_online,
)

pytestmark = [default_suite_only]
REMOTE = INVENTORY.hosts("remote_nodes")[0]
GUEST = INVENTORY.hosts("guest_nodes")[0]
PCSD_PORT = "2224/tcp"

# option: (set, changed); the default is the role's (null, "0640", "service")
PHASES = {
    "set": {
        "pacemaker_remote_reconnect_interval": "45s",
        "pacemaker_remote_guest_connect_timeout": "40s",
        "pacemaker_remote_authkey_mode": "0440",
        "pacemaker_remote_firewall_mode": "ports",
        "pacemaker_remote_firewall_zone": "internal",
    },
    "changed": {
        "pacemaker_remote_reconnect_interval": "90s",
        "pacemaker_remote_guest_connect_timeout": "45s",
        "pacemaker_remote_authkey_mode": "0400",
        "pacemaker_remote_firewall_mode": "ports",
        "pacemaker_remote_firewall_zone": "work",
    },
    # -e beats the inventory's values: null is the role's default
    "default": {
        "pacemaker_remote_reconnect_interval": None,
        "pacemaker_remote_guest_connect_timeout": None,
    },
}
SWITCHES_OFF = {
    "pacemaker_remote_manage_cib": False,
    "pacemaker_remote_manage_firewall": False,
    "pacemaker_remote_manage_pcsd": False,
    "pacemaker_remote_install_packages": False,
}


def nodes():
    got = labkit.module(INVENTORY, NODE, "hacluster.pacemaker.status_info", {})
    return (
        {n["name"]: n for n in got["remote_nodes"]},
        {n["name"]: n for n in got["guest_nodes"]},
    )


def firewall(name, zone=None):
    """{runtime/permanent: (services, ports)} of a firewalld zone (by
    default the default zone)."""
    out = {}
    for where, flag in (("runtime", ""), ("permanent", " --permanent")):
        flag += " --zone=%s" % zone if zone else ""
        services = labkit.sh(name, "firewall-cmd%s --list-services" % flag).split()
        ports = labkit.sh(name, "firewall-cmd%s --list-ports" % flag).split()
        out[where] = (services, ports)
    return out


def declared(phase):
    wanted = dict(PHASES["default"])
    wanted.update(
        {
            "pacemaker_remote_authkey_mode": "0640",
            "pacemaker_remote_firewall_mode": "service",
        }
    )
    wanted.update(PHASES[phase])
    return wanted


def runs_as_declared(phase):
    wanted = declared(phase)
    assert wait_online(ALL_HOSTS, timeout=240), labkit.online_nodes(NODE)
    remotes, guests = nodes()
    interval = wanted["pacemaker_remote_reconnect_interval"]
    assert remotes[REMOTE].get("reconnect_interval") == interval, remotes[REMOTE]
    timeout = wanted["pacemaker_remote_guest_connect_timeout"]
    assert guests[GUEST].get("remote_connect_timeout") == timeout, guests[GUEST]
    # the loosest mode a key may have: a stricter one (pcs writes 0400) stays
    mode = int(wanted["pacemaker_remote_authkey_mode"], 8)
    for h in ALL_HOSTS:
        assert host(h).file(AUTHKEY).mode & ~mode == 0, (h, oct(host(h).file(AUTHKEY).mode))
    for h in REMOTE_HOSTS:
        zone = wanted.get("pacemaker_remote_firewall_zone")
        for where, (services, ports) in firewall(h, zone).items():
            if wanted["pacemaker_remote_firewall_mode"] == "ports":
                assert {PCSD_PORT, "3121/tcp"} <= set(ports), (h, where, ports)
            else:
                assert "high-availability" in services, (h, where, services)
        assert host(h).service("pcsd").is_running and host(h).service("pcsd").is_enabled, h


def play(phase, extra=None):
    values = dict(PHASES[phase], **(extra or {}))
    return run_playbook(json.dumps(values))


def converge(phase):
    result = play(phase)
    assert result.ok, result.tail()
    runs_as_declared(phase)
    again = play(phase)
    assert no_change(again), again.changed_tasks()


def test_set():
    converge("set")


def test_switches_off_leave_drift_alone():
    labkit.sh(
        REMOTE,
        "firewall-cmd -q --zone={0} --remove-port={1}"
        " && firewall-cmd -q --permanent --zone={0} --remove-port={1}".format(
            PHASES["set"]["pacemaker_remote_firewall_zone"], PCSD_PORT
        ),
    )
    labkit.sh(REMOTE, "systemctl disable --now pcsd", timeout=labkit.SYSTEMCTL_TIMEOUT)
    labkit.run(
        NODE,
        ["crm_resource", "-r", REMOTE, "-p", "reconnect_interval", "-v", "99s"],
    )
    epoch = labkit.cib_version(NODE)
    result = play("set", SWITCHES_OFF)
    assert no_change(result), result.changed_tasks()
    assert labkit.cib_version(NODE) == epoch
    assert nodes()[0][REMOTE]["reconnect_interval"] == "99s"
    assert not host(REMOTE).service("pcsd").is_running
    zone = PHASES["set"]["pacemaker_remote_firewall_zone"]
    assert all(PCSD_PORT not in ports for _s, ports in firewall(REMOTE, zone).values())


def test_changed_and_drift_repaired():
    converge("changed")
    assert {h: host(h).file(AUTHKEY).mode for h in ALL_HOSTS} == dict.fromkeys(ALL_HOSTS, 0o400)


def test_back_to_the_defaults():
    converge("default")
