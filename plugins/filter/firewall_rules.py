# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""firewalld rich rules that open a role's rules (service:NAME, port:N/PROTO)
to given sources only, written as firewalld lists them back, and the rules of
that form already in a zone (the ones a role owns)."""

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


class FilterModule(object):
    def filters(self):
        return {"peer_rules": peer_rules, "owned_peer_rules": owned_peer_rules}
