"""Removing a ticket through playbooks/geo_cluster.yml (booth_tickets entry
with state: absent): refused before any file or CIB changes while it would
leave a running resource bound to no ticket; with release_resources the
ticket leaves booth.conf on every member, its constraints and its state
leave both sites' CIBs, booth forgets it, and the other ticket stays where
it is; a rerun changes nothing.

Runs after test_geo.py (file order): apacheticket is at site B by then."""

import labkit
import pytest
from geo_lab import CONF, INVENTORY, IP_A, MEMBERS, SITE_A, SITE_B, SITES, cib_version, host, play
from geo_lab import TICKET as FIRST_TICKET

TICKET, RESOURCE = "oldticket", "oldsvc"
APACHE = INVENTORY.var("booth_tickets")[0]
OLD = {
    "name": TICKET,
    "expire": "600",
    "constraints": [{"resource": RESOURCE, "loss_policy": "stop"}],
    "grant": "granted",
    "site": IP_A,
}


def geo_playbook(tickets):
    return play("geo_cluster.yml", extra_vars=[{"booth_tickets": tickets}])


def snapshot():
    """booth.conf of every member and each site's CIB epoch."""
    out = {m: host(m).file(CONF).sha256sum for m in MEMBERS}
    for s in SITES:
        out[s + "-epoch"] = cib_version(s)
    return out


def booth_knows(member, ticket):
    return ticket in labkit.booth_tickets(member)


def state_in_cib(site):
    return host(site).check_output("cibadmin --query --scope status")


@pytest.fixture(scope="module")
def with_old_ticket():
    """A second ticket, granted at site A, bound to a running resource."""
    for s in SITES:
        if host(s).run("crm_resource --resource %s --query-xml" % RESOURCE).rc != 0:
            host(s).check_output(
                "cibadmin --create --scope resources --xml-text "
                '\'<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>\'' % RESOURCE
            )
    result = geo_playbook([APACHE, OLD])
    assert result.ok, result.tail()
    for m in MEMBERS:
        assert 'ticket = "%s"' % TICKET in host(m).file(CONF).content_string, m
    assert 'ticket="%s"' % TICKET in host(SITE_A).check_output(
        "cibadmin --query --scope constraints"
    )
    return snapshot()


def test_removal_that_would_release_a_running_resource_is_refused(with_old_ticket):
    result = geo_playbook([APACHE, dict(name=TICKET, state="absent")])
    assert not result.ok
    out = result.output
    assert "release_resources" in out and "'%s'" % RESOURCE in out, result.tail()
    assert snapshot() == with_old_ticket  # no member's booth.conf, no site's CIB changed


def test_removal_with_release_resources(with_old_ticket):
    leader_before = labkit.leader(SITE_B, FIRST_TICKET)
    assert leader_before
    gone = dict(name=TICKET, state="absent", release_resources=True)
    result = geo_playbook([APACHE, gone])
    assert result.ok, result.tail()
    sums = {m: host(m).file(CONF).sha256sum for m in MEMBERS}
    assert len(set(sums.values())) == 1, sums
    for m in MEMBERS:
        assert TICKET not in host(m).file(CONF).content_string, m
        assert not booth_knows(m, TICKET), m
    for s in SITES:
        assert 'ticket="%s"' % TICKET not in host(s).check_output(
            "cibadmin --query --scope constraints"
        ), s
        assert 'id="%s"' % TICKET not in state_in_cib(s), s
        verify = host(s).run("crm_verify --live-check")
        assert verify.rc == 0, verify.stdout + verify.stderr
    assert labkit.leader(SITE_B, FIRST_TICKET) == leader_before

    again = geo_playbook([APACHE, gone])
    assert again.ok, again.tail()
    assert not any(again.changed().values()), again.changed()
