"""Verify the booth geo cluster built by playbooks/geo_cluster.yml in the lab
(members and addresses from lab/inventory/geo.yml). The tests run in file
order: the last ones move the ticket to site B.
"""

import re

import labkit
import pytest
from geo_lab import (
    ARBITRATOR,
    ARBITRATOR_IP,
    CONF,
    IP_A,
    IP_B,
    KEY,
    MEMBERS,
    SCENARIO,
    SITE_A,
    SITE_B,
    SITES,
    TICKET,
    host,
    leader,
    play,
    resource_state,
    wait_for,
)


@pytest.mark.parametrize("path", [CONF, KEY])
def test_same_file_on_every_member(path):
    sums = {m: host(m).file(path).sha256sum for m in MEMBERS}
    assert len(set(sums.values())) == 1, sums


def test_key_mode_and_size():
    for m in MEMBERS:
        f = host(m).file(KEY)
        assert f.mode == 0o600, m
        assert (f.user, f.group) == ("hacluster", "haclient"), m
        assert f.size == 64, m


def test_conf_globals_first():
    text = host(SITE_A).file(CONF).content_string
    lines = [line.split("=")[0].strip() for line in text.splitlines() if "=" in line]
    assert lines.index("site") > lines.index("port")
    assert lines.index("site") > lines.index("authfile")
    assert ("site = %s" % IP_A) in text and ("arbitrator = %s" % ARBITRATOR_IP) in text


def test_booth_runs_everywhere():
    assert host(ARBITRATOR).service("booth@booth").is_running
    assert host(ARBITRATOR).service("booth@booth").is_enabled
    for site in SITES:
        assert labkit.where(site, "booth-booth-service") == {site}, site


def open_ports(member, config):
    """Ports the default zone opens, itself or through its services."""
    opt = "--permanent " if config == "permanent" else ""
    h = host(member)
    ports = h.check_output("firewall-cmd %s--list-ports" % opt).split()
    for service in h.check_output("firewall-cmd %s--list-services" % opt).split():
        info = h.check_output("firewall-cmd %s--info-service=%s" % (opt, service))
        ports += re.search(r"^\s*ports:(.*)$", info, re.M).group(1).split()
    return ports


@pytest.mark.parametrize("config", ["runtime", "permanent"])
def test_firewall_open(config):
    for m in MEMBERS:
        ports = open_ports(m, config)
        assert "9929/tcp" in ports and "9929/udp" in ports, (m, ports)
    # the sites had booth's port through the high-availability service: no
    # second rule; the arbitrator had none, so the role added the ports
    assert "9929/tcp" not in host(SITE_A).check_output("firewall-cmd --list-ports")
    assert "9929/udp" in host(ARBITRATOR).check_output("firewall-cmd --permanent --list-ports")


def test_leader_is_site_a_everywhere():
    for site in SITES:
        assert wait_for(lambda s=site: leader(s), IP_A) == IP_A


def test_resource_only_at_site_a():
    assert wait_for(lambda: resource_state(SITE_A), "Started") == "Started"
    assert resource_state(SITE_B) == "Stopped"


def test_wrong_key_is_rejected():
    """CVE-2022-2553: booth must really authenticate. The same booth.conf
    pointing at a copy of the right key gets an answer from site B's booth;
    pointing at another key it gets none (site B logs "failed to authenticate")."""
    a = host(SITE_A)
    a.check_output(
        "install -d -m 0700 /tmp/wk && cp -p %s /tmp/wk/good.key && "
        "head -c 64 /dev/urandom | tr '\\000' x > /tmp/wk/bad.key && chmod 0600 /tmp/wk/*.key && "
        "for k in good bad; do "
        'sed "s|^authfile.*|authfile = /tmp/wk/$k.key|" %s > /tmp/wk/$k.conf; done',
        KEY,
        CONF,
    )
    try:
        good = a.run("timeout 30 booth list -s %s -c /tmp/wk/good.conf", IP_B)
        bad = a.run("timeout 30 booth list -s %s -c /tmp/wk/bad.conf", IP_B)
    finally:
        a.run("rm -rf /tmp/wk")
    assert good.rc == 0 and TICKET in good.stdout, good.stdout + good.stderr
    assert bad.rc != 0, bad.stdout + bad.stderr
    assert TICKET not in bad.stdout


def scenario_play(name):
    """Run one of the scenario's playbooks against the geo inventory."""
    result = play(SCENARIO / name)
    assert result.ok, result.tail()


def test_failover_to_site_b():
    """Revoke at A and grant at B with the booth_ticket module."""
    scenario_play("failover.yml")
    for site in SITES:
        assert wait_for(lambda s=site: leader(s), IP_B) == IP_B
    assert wait_for(lambda: resource_state(SITE_B), "Started") == "Started"
    assert wait_for(lambda: resource_state(SITE_A), "Stopped") == "Stopped"


def test_a_stopped_firewall_stays_stopped():
    """The booth role never starts firewalld (see firewall_off.yml)."""
    scenario_play("firewall_off.yml")
    for m in (SITE_B, ARBITRATOR):  # started again by the play's always block
        assert host(m).service("firewalld").is_running
