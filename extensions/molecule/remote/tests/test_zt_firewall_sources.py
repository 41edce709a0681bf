"""Ports open only to peers (pacemaker_remote_firewall_sources): on remote and
guest hosts the role's rules become one firewalld rich rule per cluster node
address, a host that is not a cluster node can no longer reach the remote
port while every connection from the cluster is made again, a source added
and dropped again opens and closes its rules, and the empty list brings the
zone-wide rules back. Reruns change nothing. firewalld is the oracle: what it
lists, and whether a TCP connection is accepted.

Starts from a converged lab and leaves the zone-wide rules as it found them,
so it runs in the second half (remote-b). On the default suite only: what it
proves is firewalld's and the role's, not a Pacemaker generation's."""

import labkit
import pytest

from remote_lab import (
    ALL_HOSTS,
    CLUSTER,
    GUEST,
    INVENTORY,
    NODE,
    REMOTE,
    REMOTE_HOSTS,
    host,
    no_change,
    run_playbook,
    default_suite_only,
    wait_online,
)

pytestmark = default_suite_only

SERVER = INVENTORY.var("pacemaker_remote_server", REMOTE)  # where the cluster connects to
EXTRA = "192.0.2.99"  # TEST-NET-1: a source no host has


def cluster_addresses():
    return sorted({a for n in CLUSTER for a in labkit.sh(n, "hostname -I").split()})


def connects(source):
    return labkit.connects(source, SERVER, 3121)


def zone(h):
    return labkit.firewall_zone(h)


@pytest.fixture(scope="module", autouse=True)
def zone_wide_again():
    yield
    run_playbook()


def test_sources_open_the_remote_port_to_the_cluster_nodes_only():
    assert connects(GUEST), "before: the whole zone reaches the remote port"
    before = {h: zone(h) for h in REMOTE_HOSTS}
    peers = cluster_addresses()
    declared = {"pacemaker_remote_firewall_sources": peers}

    preview = run_playbook(declared, check=True)
    assert preview.ok, preview.tail()
    assert all(preview.changed()[h] for h in REMOTE_HOSTS), preview.changed()
    assert {h: zone(h) for h in REMOTE_HOSTS} == before  # check mode wrote nothing

    result = run_playbook(declared)
    assert result.ok, result.tail()
    for h in REMOTE_HOSTS:
        for where, z in zone(h).items():
            assert "high-availability" not in z["services"], (h, where, z)
            assert labkit.rich_sources(z["rich_rules"]) == peers, (h, where, z)
    assert not connects(GUEST), "a host that is not a cluster node reaches the remote port"
    assert all(connects(n) for n in CLUSTER)

    # connections made anew after the change: the remote node's and the guest's
    host(NODE).check_output(f"crm_resource --restart --resource {REMOTE} --timeout 120s")
    assert wait_online(ALL_HOSTS, timeout=120)

    again = run_playbook(declared)
    assert no_change(again), again.changed_tasks()


def test_a_source_added_and_dropped_opens_and_closes_its_rules():
    peers = cluster_addresses()
    result = run_playbook({"pacemaker_remote_firewall_sources": peers + [EXTRA]})
    assert result.ok, result.tail()
    assert all(
        labkit.rich_sources(z["rich_rules"]) == sorted(peers + [EXTRA])
        for h in REMOTE_HOSTS
        for z in zone(h).values()
    )
    result = run_playbook({"pacemaker_remote_firewall_sources": peers})
    assert result.ok, result.tail()
    assert all(
        labkit.rich_sources(z["rich_rules"]) == peers
        for h in REMOTE_HOSTS
        for z in zone(h).values()
    )


def test_a_source_that_is_no_address_fails_before_any_change():
    before = {h: zone(h) for h in REMOTE_HOSTS}
    result = run_playbook({"pacemaker_remote_firewall_sources": ["10.89.77.11/24"]})
    assert result.rc != 0
    assert "pacemaker_remote_firewall_sources: '10.89.77.11/24' is not an address" in result.output
    assert {h: zone(h) for h in REMOTE_HOSTS} == before


def test_the_empty_list_opens_the_zone_again():
    result = run_playbook()
    assert result.ok, result.tail()
    for h in REMOTE_HOSTS:
        for where, z in zone(h).items():
            assert "high-availability" in z["services"], (h, where, z)
            assert labkit.rich_sources(z["rich_rules"]) == [], (h, where, z)
    assert connects(GUEST)
    again = run_playbook()
    assert no_change(again), again.changed_tasks()
    assert wait_online(ALL_HOSTS, timeout=120)


def test_a_port_a_service_opens_to_every_source_fails_naming_it():
    """In "ports" mode the high-availability service the zone holds is the
    admin's: it opens 2224 and 3121 to every source, so the role refuses
    sources there instead of reporting them narrowed."""
    before = {h: zone(h) for h in REMOTE_HOSTS}
    epoch = labkit.cib_version(NODE)
    result = run_playbook(
        {
            "pacemaker_remote_firewall_mode": "ports",
            "pacemaker_remote_firewall_sources": cluster_addresses(),
        }
    )
    assert result.rc != 0
    for h in REMOTE_HOSTS:
        assert (
            f"pacemaker_remote_firewall_sources: the zone (default) on {h} opens 2224/tcp and "
            "3121/tcp to every source through a firewalld service" in result.output
        ), result.tail()
    assert {h: zone(h) for h in REMOTE_HOSTS} == before
    assert labkit.cib_version(NODE) == epoch
    assert connects(GUEST)
