# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""firewalld rich rules that open a role's rules (service:NAME, port:N/PROTO)
to given sources only, written as firewalld lists them back; the rules of
that form already in a zone (the ones a role owns); and what to change in a
zone, from what host_info saw in it, so that a role's rules are open as
declared. Both roles' firewall tasks run on firewall_changes: one home for
the rule."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible.errors import AnsibleFilterError
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _validate as v


def _what(rule):
    kind, _sep, name = str(rule).partition(":")
    if kind == "service":
        return 'service name="%s"' % name
    if kind == "port" and "/" in name:
        port, proto = name.split("/", 1)
        return 'port port="%s" protocol="%s"' % (port, proto)
    raise AnsibleFilterError("firewall rule %r: use service:NAME or port:N/PROTO" % (rule,))


def peer_rules(rules, sources, option="sources"):
    """One rich rule per source and rule, in the order given."""
    out = []
    for source in sources or []:
        address, family, error = v.firewall_source(option, source)
        if error:
            raise AnsibleFilterError(error)
        for rule in rules:
            text = 'rule family="%s" source address="%s" %s accept' % (family, address, _what(rule))
            if text not in out:
                out.append(text)
    return out


def owned_peer_rules(rich_rules, rules):
    """The rich rules of a zone that have the form peer_rules writes for
    these rules, from any source."""
    whats = "|".join(re.escape(_what(rule)) for rule in rules)
    if not whats:
        return []
    form = re.compile(r'rule family="ipv[46]" source address="[^"]+" (?:%s) accept\Z' % whats)
    return [r for r in rich_rules or [] if form.match(r)]


def firewall_source_errors(sources, option="sources"):
    """The message of each source that is no address or network (the
    modules' rule, _validate.firewall_source); [] when all are."""
    if not isinstance(sources, (list, tuple)):
        return ["%s: give a list of addresses or networks, got %r" % (option, sources)]
    return [e for e in (v.firewall_source(option, s)[2] for s in sources) if e]


def firewall_changes(firewalld, rules, sources=None, owned=None, option="sources", present=True):
    """The changes that make a running firewalld zone open ``rules``: to every
    source when ``sources`` is empty, else only to them (peer_rules, and the
    zone-wide rules closed); with ``present`` false, nothing of them. Rich
    rules of the peer form for ``owned`` rules that are not wanted are closed.
    A port that a service of the zone opens already (host_info's
    service_ports) counts as open to every source; such a service is the
    admin's and is never closed. In the runtime and the permanent
    configuration; openings first, so a switch to sources never closes a
    zone-wide rule before the peers' rules are open. Each change is a dict of
    service, port or rich_rule, and state (enabled or disabled)."""
    firewalld = firewalld or {}
    if firewalld.get("state") != "running":
        return []
    zone_wide = bool(present) and not sources
    wanted = peer_rules(rules, sources, option) if present else []
    opens, closes = [], []
    for where in ("runtime", "permanent"):
        zone = firewalld.get(where) or {}
        for rule in rules:
            kind, _sep, name = str(rule).partition(":")
            own = name in (zone.get(kind + "s") or [])
            if zone_wide and not own and name not in (zone.get("service_ports") or []):
                opens.append({kind: name, "state": "enabled"})
            elif not zone_wide and own:
                closes.append({kind: name, "state": "disabled"})
        present_rich = zone.get("rich_rules") or []
        # owned_peer_rules also checks each rule's form (service:NAME, port:N/PROTO)
        opens.extend({"rich_rule": r, "state": "enabled"} for r in wanted if r not in present_rich)
        closes.extend(
            {"rich_rule": r, "state": "disabled"}
            for r in owned_peer_rules(present_rich, list(owned or []) + list(rules))
            if r not in wanted
        )
    out = []
    for change in opens + closes:
        if change not in out:
            out.append(change)
    return out


def firewall_open_to_all(firewalld, rules, sources=None):
    """The ports of ``rules`` (N/PROTO) that a service of a running zone
    opens to every source, at runtime or permanently, when ``sources`` asks
    for them open to those sources only: firewall_changes never closes a
    service that is not among the rules (it is the admin's), so a role must
    refuse to pretend it narrowed them. [] without sources."""
    firewalld = firewalld or {}
    if not sources or firewalld.get("state") != "running":
        return []
    out = []
    for where in ("runtime", "permanent"):
        by_service = (firewalld.get(where) or {}).get("service_ports") or []
        for rule in rules:
            kind, _sep, name = str(rule).partition(":")
            if kind == "port" and name in by_service and name not in out:
                out.append(name)
    return out


class FilterModule(object):
    def filters(self):
        return {
            "peer_rules": peer_rules,
            "owned_peer_rules": owned_peer_rules,
            "firewall_changes": firewall_changes,
            "firewall_source_errors": firewall_source_errors,
            "firewall_open_to_all": firewall_open_to_all,
        }
