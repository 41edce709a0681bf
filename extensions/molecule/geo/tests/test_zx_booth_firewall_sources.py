"""Booth's port open only to its peers (booth_firewall_sources): on the
arbitrator (the lab's arbitrator gets booth's port from the role, not from a
service) the port becomes one firewalld rich rule per source and protocol;
a host left out of the sources can no longer reach it while booth keeps one
leader everywhere; the empty list brings the zone-wide rules back. On a site,
whose zone opens booth's port through the high-availability service (as the
RHEL 8 guide sets sites up), the same option fails before any change: the
role never closes a service it did not open, and does not pretend.
Reruns change nothing. firewalld is the oracle: what it lists, and whether a
TCP connection is accepted.

Starts from a converged formation and leaves it as it found it (first half)."""

import json

import labkit
import pytest
from geo_lab import (
    ARBITRATOR,
    ARBITRATOR_IP,
    INVENTORY,
    IP_A,
    IP_B,
    MEMBERS,
    SITE_A,
    SITE_B,
    leader,
    play,
)

PORT = INVENTORY.vars(ARBITRATOR).get("booth_port", 9929)  # the role's default


def layer(tmp_path, host, sources):
    path = tmp_path / ("sources-%s.yml" % host)
    path.write_text(json.dumps({"all": {"hosts": {host: {"booth_firewall_sources": sources}}}}))
    return path


def converge(*layers):
    result = play("geo_cluster.yml", *layers)
    assert result.ok, result.tail()
    again = play("geo_cluster.yml", *layers)
    assert again.ok and not any(again.changed().values()), again.changed_tasks()


def one_leader():
    leaders = {m: leader(m) for m in MEMBERS}
    return leaders if len(set(leaders.values())) == 1 and None not in leaders.values() else None


@pytest.fixture(scope="module", autouse=True)
def zone_wide_again():
    """After a failure, the zone-wide rules back for the tests after these
    (the last test brings them back itself)."""
    yield
    if any(zone["rich_rules"] for zone in labkit.firewall_zone(ARBITRATOR).values()):
        play("geo_cluster.yml")


def test_the_arbitrator_port_opens_to_the_peers_only(tmp_path):
    # the sites' booth addresses (booth talks UDP from them) and site A's own
    # node address (a booth client connects from it); site B's node left out
    peers = sorted([IP_A, IP_B, labkit.lab_ip(SITE_A)])
    assert labkit.connects(SITE_B, ARBITRATOR_IP, PORT), "before: the whole zone reaches booth"
    converge(layer(tmp_path, ARBITRATOR, peers))
    for where, zone in labkit.firewall_zone(ARBITRATOR).items():
        assert not {"%s/tcp" % PORT, "%s/udp" % PORT} & set(zone["ports"]), (where, zone)
        assert labkit.rich_sources(zone["rich_rules"]) == peers, (where, zone)
        assert len(zone["rich_rules"]) == 2 * len(peers), (where, zone)  # tcp and udp
    assert labkit.connects(SITE_A, ARBITRATOR_IP, PORT)
    assert not labkit.connects(SITE_B, ARBITRATOR_IP, PORT), "a host that is no peer reaches booth"
    assert labkit.wait_until(one_leader, timeout=120), {m: leader(m) for m in MEMBERS}


def test_sources_on_a_port_a_service_opens_fail_before_any_change(tmp_path):
    before = labkit.firewall_zone(SITE_A)
    epoch = labkit.cib_version(SITE_A)
    result = play("geo_cluster.yml", layer(tmp_path, SITE_A, [IP_B]))
    assert result.rc != 0
    assert "booth_firewall_sources: the zone" in result.output, result.tail()
    assert "through a firewalld service" in result.output
    assert labkit.firewall_zone(SITE_A) == before
    assert labkit.cib_version(SITE_A) == epoch


def test_the_empty_list_opens_the_zone_again():
    converge()
    for where, zone in labkit.firewall_zone(ARBITRATOR).items():
        assert {"%s/tcp" % PORT, "%s/udp" % PORT} <= set(zone["ports"]), (where, zone)
        assert labkit.rich_sources(zone["rich_rules"]) == [], (where, zone)
    assert labkit.connects(SITE_B, ARBITRATOR_IP, PORT)
    assert labkit.wait_until(one_leader, timeout=120), {m: leader(m) for m in MEMBERS}
