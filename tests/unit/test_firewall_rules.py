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
    firewall_changes,
    firewall_open_to_all,
    firewall_source_errors,
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


# firewall_changes: what both roles change in a zone. The oracle is the
# rule's own meaning, checked by applying the changes the way firewalld does
# (add/remove in the runtime and the permanent configuration): after them
# the zone is as declared and nothing is left to change.


def _zone(services=(), ports=(), rich=(), service_ports=()):
    return {
        "services": list(services),
        "ports": list(ports),
        "rich_rules": list(rich),
        "service_ports": list(service_ports),
    }


def _apply(firewalld, changes):
    state = {"state": firewalld["state"]}
    for where in ("runtime", "permanent"):
        zone = {k: list(v) for k, v in firewalld[where].items()}
        for change in changes:
            ((kind, name),) = [(k, v) for k, v in change.items() if k != "state"]
            key = {"service": "services", "port": "ports", "rich_rule": "rich_rules"}[kind]
            if change["state"] == "enabled" and name not in zone[key]:
                zone[key].append(name)
            elif change["state"] == "disabled" and name in zone[key]:
                zone[key].remove(name)
        state[where] = zone
    return state


PEERS = ["192.0.2.11", "2001:db8::12"]
OLD_PEER = peer_rules(["port:3121/tcp"], ["192.0.2.99"])[0]
ZONES = {
    "empty": _zone(),
    "zone-wide": _zone(services=["high-availability"], ports=["3121/tcp"]),
    "peers already": _zone(rich=peer_rules(["port:3121/tcp"], PEERS)),
    "a dropped peer": _zone(rich=[OLD_PEER]),
    "runtime only": None,  # zone-wide at runtime, nothing permanent
    "through a service": _zone(service_ports=["3121/tcp"]),
}
DECLARED = [
    (["port:3121/tcp"], [], True),
    (["port:3121/tcp"], PEERS, True),
    (["service:high-availability", "port:3121/tcp"], PEERS, True),
    (["port:3121/tcp"], PEERS, False),
    (["port:3121/tcp"], [], False),
]


def _firewalld(name):
    if ZONES[name] is None:
        return {"state": "running", "runtime": ZONES["zone-wide"], "permanent": _zone()}
    return {"state": "running", "runtime": ZONES[name], "permanent": ZONES[name]}


@pytest.mark.parametrize("declared", DECLARED, ids=repr)
@pytest.mark.parametrize("name", list(ZONES))
def test_changes_reach_the_declared_zone_and_then_none(name, declared):
    rules, sources, present = declared
    before = _firewalld(name)
    changes = firewall_changes(before, rules, sources, ["port:3121/tcp"], "opt", present)
    states = [c["state"] for c in changes]
    assert states == sorted(states, key=lambda s: s != "enabled"), "openings first"
    after = _apply(before, changes)
    assert firewall_changes(after, rules, sources, ["port:3121/tcp"], "opt", present) == []
    for where in ("runtime", "permanent"):
        zone = after[where]
        rich = set(owned_peer_rules(zone["rich_rules"], rules + ["port:3121/tcp"]))
        assert rich == (set(peer_rules(rules, sources)) if present else set())
        for rule in rules:
            kind, name_ = rule.split(":", 1)
            zone_wide = name_ in zone[kind + "s"] or name_ in zone["service_ports"]
            if present and not sources:
                assert zone_wide, (where, rule)
            else:
                # only what the role owns is closed; a service's port stays
                assert name_ not in zone[kind + "s"], (where, rule)
    assert OLD_PEER not in after["runtime"]["rich_rules"]


@pytest.mark.parametrize("declared", DECLARED, ids=repr)
@pytest.mark.parametrize("name", list(ZONES))
def test_a_port_left_open_to_every_source_is_named_and_only_such_a_port(name, declared):
    """With sources, a role either narrows each port or names it (the roles
    then fail): firewall_open_to_all is exactly what the changes leave open
    to every source, by a port or by a service."""
    rules, sources, present = declared
    before = _firewalld(name)
    after = _apply(before, firewall_changes(before, rules, sources, [], "opt", present))
    left_open = []
    for where in ("runtime", "permanent"):
        zone = after[where]
        for rule in rules:
            kind, port = rule.split(":", 1)
            if kind == "port" and (port in zone["ports"] or port in zone["service_ports"]):
                left_open.append(port)
    # a removed host (present false) asks for nothing to be narrowed
    named = firewall_open_to_all(before, rules, sources if present else [])
    if sources and present:
        assert sorted(named) == sorted(set(left_open))
    else:
        assert named == []


def test_a_firewall_not_running_is_never_changed():
    for state in ("absent", "not running", "unknown"):
        assert firewall_changes({"state": state}, ["port:3121/tcp"], PEERS) == []


def test_a_bad_source_is_refused_before_any_change():
    with pytest.raises(AnsibleFilterError, match="^booth_firewall_sources: "):
        firewall_changes(
            _firewalld("empty"), ["port:9929/udp"], ["node1"], [], "booth_firewall_sources"
        )


def test_source_errors_name_each_bad_source_and_only_those():
    good = [spellings[0] for spellings in SPELLINGS]
    assert firewall_source_errors(good, "booth_firewall_sources") == []
    errors = firewall_source_errors(good + BAD_SOURCES, "booth_firewall_sources")
    assert len(errors) == len(BAD_SOURCES)
    assert all(e.startswith("booth_firewall_sources: ") and "CIDR" in e for e in errors)
    assert firewall_source_errors("192.0.2.1", "x")[0].startswith("x: ")
