"""Peer-only firewall rules (the peer_rules and owned_peer_rules filters).

firewalld keeps a rich rule's source as given, so a rule is found again only
if it is always spelled alike: every spelling of one address gives one rule,
and Python's ipaddress (the oracle here) decides what is one address. That
firewalld lists them back as written is what the lab's rerun (changed=0)
proves."""

import ipaddress

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.hacluster.pacemaker.plugins.filter.firewall_rules import (
    owned_peer_rules,
    peer_rules,
)

SPELLINGS = [
    ["192.0.2.11", "192.0.2.11/32"],
    ["2001:db8::1", "2001:DB8:0:0::1", "2001:db8:0000::0001/128"],
    ["192.0.2.0/24"],
    ["2001:db8::/64", "2001:DB8::/64"],
]


@pytest.mark.parametrize("spellings", SPELLINGS, ids=lambda s: s[0])
def test_one_rule_per_address_however_spelled(spellings):
    net = ipaddress.ip_network(spellings[0])
    rules = {tuple(peer_rules(["port:3121/tcp"], [s])) for s in spellings}
    assert len(rules) == 1
    (rule,) = rules.pop()
    assert 'family="ipv%d"' % net.version in rule
    assert ipaddress.ip_network(rule.split('address="')[1].split('"')[0]) == net
    # and it is what the zone's rules are searched for
    assert owned_peer_rules([rule], ["port:3121/tcp"]) == [rule]


# host bits, out of range, names, quotes that would end the rule's source
# (an injected rule), control characters, Unicode digits
BAD_SOURCES = [
    "192.0.2.5/24",
    "192.0.2.256",
    "node1",
    "",
    " 192.0.2.1",
    "10.0.0.0/33",
    '192.0.2.1" accept rule family="ipv4',
    "192.0.2.1\n",
    "192.0.2.\u0661",
    "fe80::1%eth0",
    None,
    3121,
    ["192.0.2.1"],
]


@pytest.mark.parametrize("source", BAD_SOURCES, ids=repr)
def test_a_source_that_is_no_address_is_refused_naming_the_option(source):
    with pytest.raises(AnsibleFilterError) as err:
        peer_rules(
            ["service:high-availability"],
            ["192.0.2.1", source],
            "pacemaker_remote_firewall_sources",
        )
    message = str(err.value)
    assert message.startswith("pacemaker_remote_firewall_sources: ")
    assert "CIDR" in message


def test_every_rule_for_every_source():
    got = peer_rules(["service:high-availability", "port:3122/tcp"], ["192.0.2.1", "2001:db8::2"])
    assert len(got) == 4
    assert owned_peer_rules(got, ["service:high-availability", "port:3122/tcp"]) == got
    assert owned_peer_rules(got, ["port:3122/tcp"]) == [r for r in got if "3122" in r]


def test_rules_of_another_form_are_not_owned():
    mine = peer_rules(["port:3121/tcp"], ["192.0.2.1"])[0]
    others = [
        mine.replace(" accept", " reject"),
        mine.replace(" accept", ' log prefix="x" accept'),
        mine.replace('port="3121"', 'port="31210"'),
        mine.replace("source address", "source NOT address"),
        'rule family="ipv4" source ipset="peers" port port="3121" protocol="tcp" accept',
        'rule family="ipv4" port port="3121" protocol="tcp" accept',
    ]
    assert owned_peer_rules(others + [mine], ["port:3121/tcp"]) == [mine]
