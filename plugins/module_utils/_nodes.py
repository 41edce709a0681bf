# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning for Pacemaker Remote nodes and guest nodes (pcs's
``cluster node add-remote`` / ``add-guest`` / ``remove-*``), on lxml trees.

Pure functions: no subprocess. Validation is collected in ``plan.errors``;
the engine refuses to write when there is any.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import MutableMapping

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _validate as v
from ansible_collections.hacluster.pacemaker.plugins.module_utils._cib import (
    ForgetNode,
    at_least,
    feature_set,
    nvpairs,
    section,
    set_nvpairs,
)

try:
    from lxml import etree
except ImportError:  # pragma: no cover - reported by the module
    etree = None

REMOTE_AGENT = ("ocf", "pacemaker", "remote")

# What pcs writes for ``add-remote``: the actions of the agent's metadata
# (crm_resource --show-metadata ocf:pacemaker:remote), in name order. Pacemaker
# 2.0's agent has no reload-agent (OCF 1.1, Pacemaker 2.1.0, feature set
# 3.10): pcs 0.10 leaves it out there, and so do we.
RELOAD_AGENT_FEATURE_SET = (3, 10)
REMOTE_DEFAULT_OPS = (
    ("migrate_from", "0s", "60s"),
    ("migrate_to", "0s", "60s"),
    ("monitor", "60s", "30s"),
    ("reload", "0s", "60s"),
    ("reload-agent", "0s", "60s"),
    ("start", "0s", "60s"),
    ("stop", "0s", "60s"),
)

GUEST_META = ("remote-node", "remote-addr", "remote-port", "remote-connect-timeout")
# pacemaker-remoted's port when none is set (what pcs leaves unset)
REMOTE_DEFAULT_PORT = "3121"
# options that must be set through their own module option
REMOTE_RESERVED = ("server", "port", "reconnect_interval")
# Node modes: permanent node attributes, written as `pcs node standby NAME` /
# `pcs node maintenance NAME` (crm_attribute) write them, removed as the
# unstandby / unmaintenance commands remove them.
NODE_MODES = ("standby", "maintenance")
NODE_MODE_SPEC = dict((mode, dict(type="bool")) for mode in NODE_MODES)
# Any other permanent node attribute (crm_attribute --node NAME --lifetime
# forever), such as a mark a role keeps in the CIB; null removes it.
NODE_MODE_SPEC["node_attributes"] = dict(type="dict")
# instance attributes holding durations: compared by value, so "60" == "1min"
# Pacemaker's default remote-connect-timeout (pe_unpack: 60s)
GUEST_CONNECT_TIMEOUT_MS = 60000
_DURATION_ATTRS = ("reconnect_interval", "remote-connect-timeout")


def is_remote_primitive(element):
    return (
        element.tag == "primitive"
        and (
            element.get("class"),
            element.get("provider"),
            element.get("type"),
        )
        == REMOTE_AGENT
    )


def node_key(name):
    """A node name as Pacemaker compares node names: case-insensitively
    (strcasecmp, so ASCII letters only). Addresses are host names or IPs,
    compared the same way."""
    return "".join(c.lower() if c < "\x80" else c for c in name)


class NodeNames(MutableMapping):
    """A dict keyed by node name, where 'RH1' and 'rh1' are one key (node_key);
    iteration and name() give each name as it was stored."""

    def __init__(self):
        self._d = {}

    def __getitem__(self, name):
        return self._d[node_key(name)][1]

    def __setitem__(self, name, value):
        self._d[node_key(name)] = (name, value)

    def __delitem__(self, name):
        del self._d[node_key(name)]

    def __iter__(self):
        return (name for name, _value in self._d.values())

    def __len__(self):
        return len(self._d)

    def name(self, name):
        """The name as stored for the key of name."""
        return self._d[node_key(name)][0]


class NodeIndex:
    """One pass over the CIB: who is already a node, and who owns an id."""

    def __init__(self, cib):
        config = cib.find("configuration")
        resources = section(cib, "resources")
        self.by_id = {}
        for e in config.iter():
            eid = e.get("id")
            # Pacemaker records a remote or guest node it has seen as
            # <node id=NAME type="remote">: that is the node, not a clash
            if e.tag == "node" and e.get("type") == "remote":
                continue
            if eid is not None and eid not in self.by_id:
                self.by_id[eid] = e
        self.cluster_nodes = NodeNames()  # name -> True
        for node in section(cib, "nodes").findall("node"):
            if node.get("type", "member") == "member" and node.get("uname"):
                self.cluster_nodes[node.get("uname")] = True
        status = cib.find("status")
        if status is not None:
            for state in status.findall("node_state"):
                if state.get("remote_node") != "true" and state.get("uname"):
                    self.cluster_nodes.setdefault(state.get("uname"), True)
        self.remotes = NodeNames()  # name -> primitive
        self.guests = NodeNames()  # name -> primitive carrying remote-node
        self.addresses = NodeNames()  # address -> node name
        for prim in resources.iter("primitive"):
            if is_remote_primitive(prim):
                name = prim.get("id")
                self.remotes[name] = prim
                self.addresses[nvpairs(prim, "instance_attributes").get("server") or name] = name
            else:
                meta = nvpairs(prim, "meta_attributes")
                if meta.get("remote-node"):
                    name = meta["remote-node"]
                    self.guests[name] = prim
                    self.addresses[meta.get("remote-addr") or name] = name
        # a node_state of a remote or guest node is not a cluster node, even
        # when it lacks remote_node="true" (crm_simulate writes it so)
        for name in list(self.remotes) + list(self.guests):
            self.cluster_nodes.pop(name, None)

    def clash(self, option, name, own=None, id_owner=None):
        """Why name cannot be a new node name (None if it can). own is the
        element that already legitimately carries it; id_owner the element
        whose id may equal it (a remote node's own primitive; never a guest's
        resource, since Pacemaker adds a connection resource named after the
        guest)."""
        if name in self.cluster_nodes:
            return "%s: '%s' is already the name of a cluster node%s" % (
                option,
                name,
                self._as(self.cluster_nodes, name),
            )
        if name in self.remotes and self.remotes[name] is not own:
            return "%s: '%s' is already a remote node%s" % (
                option,
                name,
                self._as(self.remotes, name),
            )
        if name in self.guests and self.guests[name] is not own:
            return "%s: '%s' is already a guest node%s (resource '%s')" % (
                option,
                name,
                self._as(self.guests, name),
                self.guests[name].get("id"),
            )
        holder = self.by_id.get(name)
        if holder is not None and holder is not id_owner:
            return (
                "%s: '%s' is already used as an id in the CIB (a <%s>); node names "
                "must not clash with resource or other ids"
                % (
                    option,
                    name,
                    holder.tag,
                )
            )
        return None

    @staticmethod
    def _as(names, name):
        stored = names.name(name)
        if stored == name:
            return ""
        return " ('%s': Pacemaker compares node names case-insensitively)" % stored

    def address_clash(self, option, address, name):
        other = self.addresses.get(address)
        if other is not None and node_key(other) != node_key(name):
            return "%s: address '%s' is already used by node '%s'" % (option, address, other)
        return None


def _same(name, old, new):
    if old is None:
        return False
    if name in _DURATION_ATTRS or name in ("interval", "timeout"):
        return v.interval_ms(old) == v.interval_ms(new)
    return str(old) == str(new)


def _converge_nvpairs(plan, prim, tag, wanted, first=False):
    """set_nvpairs, but leave values that already mean the same."""
    current = nvpairs(prim, tag)
    needed = {
        k: val
        for k, val in wanted.items()
        if not (val is not None and _same(k, current.get(k), val))
    }
    needed = {k: val for k, val in needed.items() if not (val is None and k not in current)}
    if needed:
        plan.touch(prim)
        set_nvpairs(prim, tag, needed, plan, first=first)


def _node_entry(cib, name):
    """The node's <node> in the CIB's nodes section, or None."""
    found = cib.xpath("configuration/nodes/node[@uname=$n]", n=name)
    return found[0] if found else None


def node_attributes(cib, name):
    """{name: value} of the node's permanent attributes (crm_attribute
    --lifetime forever), as the CIB's nodes section holds them."""
    node = _node_entry(cib, name)
    return nvpairs(node, "instance_attributes") if node is not None else {}


def node_modes(cib, name):
    """{standby: bool, maintenance: bool} of a remote or guest node."""
    attrs = node_attributes(cib, name)
    return dict((k, v.is_true(attrs.get(k))) for k in NODE_MODES)


def check_node_attributes(label, attributes):
    """The rules of node_attributes: names are ids, values one line of text
    (null removes), and the modes go through their own options."""
    errors = []
    for key, value in (attributes or {}).items():
        if key in NODE_MODES:
            errors.append(
                "%snode_attributes: set '%s' through the '%s' option, not here" % (label, key, key)
            )
            continue
        errors.extend(
            v.collect(
                v.check_id(label + "node_attributes", key),
                v.check_text("%snode_attributes.%s" % (label, key), attribute_text(value)),
            )
        )
    return errors


def attribute_text(value):
    """A YAML value as an nvpair's: null removes the attribute, booleans are
    written as pcs writes them (true/false), not as Python's True/False."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _converge_node_modes(plan, name, item):
    wanted = dict((k, item[k]) for k in NODE_MODES if item.get(k) is not None)
    current = node_modes(plan.cib, name)
    changes = dict((k, "on" if on else None) for k, on in wanted.items() if current[k] != bool(on))
    attrs = node_attributes(plan.cib, name)
    for key, value in (item.get("node_attributes") or {}).items():
        if attrs.get(key) != attribute_text(value):
            changes[key] = attribute_text(value)
    if not changes:
        return
    node = _node_entry(plan.cib, name)
    if node is None:
        node = etree.SubElement(
            section(plan.cib, "nodes"), "node", id=name, uname=name, type="remote"
        )
    attrs = node.find("instance_attributes")
    if attrs is None:
        # crm_attribute's id; the node's own id is the connection's, so the
        # set (unique) is what the plan records
        attrs = etree.SubElement(node, "instance_attributes", id=plan.ids.allocate("nodes-" + name))
        plan.created(attrs)
    else:
        plan.touch(attrs)
    set_nvpairs(node, "instance_attributes", changes, plan)


def _op_id(plan, rsc_id, name, interval):
    return plan.ids.allocate(v.sanitize_id("%s-%s-interval-%s" % (rsc_id, name, interval)))


def _converge_operations(plan, prim, operations):
    ops = prim.find("operations")
    if ops is None:
        ops = etree.SubElement(prim, "operations")
    for op in operations:
        same_name = [o for o in ops.findall("op") if o.get("name") == op["name"]]
        interval = op.get("interval") or "0s"
        match = None
        if len(same_name) == 1:
            match = same_name[0]
        else:
            for o in same_name:
                if _same("interval", o.get("interval"), interval):
                    match = o
        if match is None:
            plan.touch(prim)
            attrs = [("name", op["name"]), ("interval", interval)]
            if op.get("timeout"):
                attrs.append(("timeout", op["timeout"]))
            element = etree.SubElement(
                ops, "op", id=_op_id(plan, prim.get("id"), op["name"], interval)
            )
            for key, value in attrs:
                element.set(key, value)
            continue
        for key, value in (("interval", interval), ("timeout", op.get("timeout"))):
            if value is not None and not _same(key, match.get(key), value):
                plan.touch(prim)
                match.set(key, value)


def _check_operations(option, operations):
    errors = []
    seen = set()
    for op in operations or ():
        if not op.get("name"):
            errors.append("%s: every operation needs a name" % option)
            continue
        if v.check_id("name", op["name"]):
            # the name goes into the operation's id, as pcs makes it
            errors.append(
                "%s: operation name '%s' must be one word of letters, digits, '_', '.' and '-'"
                " (monitor, start, ...)" % (option, v.show(op["name"]))
            )
            continue
        key = (op["name"], v.interval_ms(op.get("interval") or "0"))
        if key in seen:
            errors.append(
                "%s: operation '%s' with interval '%s' is given twice"
                % (option, op["name"], op.get("interval") or "0s")
            )
        seen.add(key)
        errors.extend(
            v.collect(
                v.check_interval("%s.%s.interval" % (option, op["name"]), op.get("interval")),
                v.check_interval("%s.%s.timeout" % (option, op["name"]), op.get("timeout")),
            )
        )
    return errors


def _remove_resource(plan, prim):
    """Remove a resource and what only referenced it, as ``pcs resource
    delete`` does: constraints naming it, its references in resource sets
    (and sets or constraints left empty), its place in a group."""
    rid = prim.get("id")
    constraints = section(plan.cib, "constraints")
    for con in list(constraints):
        if not isinstance(con.tag, str):
            continue
        if rid in (con.get("rsc"), con.get("with-rsc"), con.get("first"), con.get("then")):
            plan.touch(con)
            plan.ids.release(con)
            constraints.remove(con)
            continue
        refs = con.xpath("resource_set/resource_ref[@id=$rid]", rid=rid)
        if not refs:
            continue
        plan.touch(con)
        for ref in refs:
            rset = ref.getparent()
            rset.remove(ref)
            if rset.find("resource_ref") is None:
                con.remove(rset)
        if con.find("resource_set") is None:
            plan.ids.release(con)
            constraints.remove(con)
    parent = prim.getparent()
    if parent.tag == "group":
        plan.touch(parent)
    else:
        plan.touch(prim)
    plan.ids.release(prim)
    parent.remove(prim)
    if parent.tag == "group" and parent.find("primitive") is None:
        plan.ids.release(parent)
        parent.getparent().remove(parent)
    for node in section(plan.cib, "nodes").findall("node"):
        if node.get("type") == "remote" and rid in (node.get("id"), node.get("uname")):
            plan.touch(node)
            plan.ids.release(node)
            node.getparent().remove(node)


def remote_facts(prim):
    attrs = nvpairs(prim, "instance_attributes")
    return {
        "name": prim.get("id"),
        "server": attrs.get("server") or prim.get("id"),
        "port": _port(attrs.get("port")),
        "reconnect_interval": attrs.get("reconnect_interval"),
        "meta_attributes": nvpairs(prim, "meta_attributes"),
        "operations": [
            dict((k, op.get(k)) for k in ("name", "interval", "timeout") if op.get(k))
            for op in prim.iterfind("operations/op")
        ],
    }


def validate_remote_item(item, option="nodes"):
    """Checks that need no CIB."""
    name = item.get("name")
    label = v.item_label(option, name)
    errors = v.collect(
        v.check_id(label + "name", name),
        v.check_line(label + "server", item.get("server")),
        v.check_port(label + "port", item.get("port")),
        v.check_interval(label + "reconnect_interval", item.get("reconnect_interval")),
    )
    for key in REMOTE_RESERVED:
        if key in (item.get("instance_attributes") or {}):
            errors.append(
                "%sinstance_attributes: set '%s' through the '%s' option, not here"
                % (label, key, key)
            )
    for key in GUEST_META:
        if key in (item.get("meta_attributes") or {}):
            errors.append(
                "%smeta_attributes: '%s' would turn the connection into a guest node; "
                "use the hacluster.pacemaker.guest_node module" % (label, key)
            )
    for tag in ("instance_attributes", "meta_attributes"):
        for key, value in (item.get(tag) or {}).items():
            errors.extend(
                v.collect(
                    v.check_id("%s%s" % (label, tag), key),
                    v.check_text("%s%s.%s" % (label, tag, key), value),
                )
            )
    errors.extend(_check_operations(label + "operations", item.get("operations")))
    errors.extend(check_node_attributes(label, item.get("node_attributes")))
    return errors


def plan_remote_nodes(plan, items, option="nodes"):
    """Converge remote nodes. items: dicts with name, state, server, port,
    reconnect_interval, operations, instance_attributes, meta_attributes."""
    index = NodeIndex(plan.cib)
    resources = section(plan.cib, "resources")
    reload_agent = at_least(feature_set(plan.cib), RELOAD_AGENT_FEATURE_SET)
    seen = {}
    results = []
    for item in items:
        name = item["name"]
        label = v.item_label(option, name)
        errors = validate_remote_item(item, option)
        if name in seen:
            errors.append("%sname: '%s' is given more than once" % (label, name))
        seen[name] = True
        if errors:
            plan.errors.extend(errors)
            continue
        existing = index.by_id.get(name)
        if item.get("state", "present") == "absent":
            if existing is None and name in index.guests:
                plan.error(
                    "%sname: '%s' is a guest node (resource '%s' carries it), not a remote node;"
                    " remove it with hacluster.pacemaker.guest_node"
                    % (label, name, index.guests[name].get("id"))
                )
                continue
            if existing is None:
                results.append({"name": name, "state": "absent"})
                continue
            if not is_remote_primitive(existing):
                plan.error(
                    "%sname: '%s' is not a remote node (it is a <%s>); refusing to remove it"
                    % (label, name, existing.tag)
                )
                continue
            tags = plan.cib.xpath("configuration/tags/tag[obj_ref/@id=$rid]/@id", rid=name)
            if tags:
                # pcs refuses too; removing the reference would change what the tag means
                plan.error(
                    "%sname: '%s' is referenced in tag %s; remove it from the tag first"
                    % (label, name, ", ".join("'%s'" % t for t in tags))
                )
                continue
            # as pcs: constraints that place resources on the node go with it
            for con in section(plan.cib, "constraints").xpath("rsc_location[@node=$n]", n=name):
                plan.touch(con)
                plan.ids.release(con)
                con.getparent().remove(con)
            _remove_resource(plan, existing)
            index.remotes.pop(name, None)
            plan.actions.append(ForgetNode(name))
            results.append({"name": name, "state": "absent"})
            continue
        own = existing if existing is not None and is_remote_primitive(existing) else None
        problem = index.clash(label + "name", name, own, id_owner=own)
        server = item.get("server") or (None if own is not None else name)
        if problem is None and server is not None:
            problem = index.address_clash(label + "server", server, name)
        if problem:
            plan.error(problem)
            continue
        if own is None:
            own = etree.SubElement(resources, "primitive", id=name)
            for key, value in zip(("class", "provider", "type"), REMOTE_AGENT):
                own.set(key, value)
            plan.ids.ids.add(name)
            plan.created(own)
            index.by_id[name] = own
            index.remotes[name] = own
            ops = [
                {"name": n, "interval": i, "timeout": t}
                for n, i, t in REMOTE_DEFAULT_OPS
                if n != "reload-agent" or reload_agent
            ]
            wanted_ops = dict((op["name"], op) for op in ops)
            for op in item.get("operations") or ():
                wanted_ops[op["name"]] = op  # user's op replaces the default one
            item = dict(item, operations=[wanted_ops[k] for k in sorted(wanted_ops)])
        index.addresses[server or nvpairs(own, "instance_attributes").get("server") or name] = name
        instance = dict(item.get("instance_attributes") or {})
        instance.update(
            {
                "server": server,
                "port": _str(item.get("port")),
                "reconnect_interval": item.get("reconnect_interval"),
            }
        )
        wanted = _declared(
            instance, nvpairs(own, "instance_attributes"), "port", "reconnect_interval", 0
        )
        _converge_nvpairs(plan, own, "instance_attributes", wanted)
        if item.get("meta_attributes"):
            _converge_nvpairs(plan, own, "meta_attributes", dict(item["meta_attributes"]))
        if item.get("operations"):
            _converge_operations(plan, own, item["operations"])
        _converge_node_modes(plan, name, item)
        facts = remote_facts(own)
        facts.update(node_modes(plan.cib, name))
        facts["state"] = "present"
        results.append(facts)
    plan.facts["nodes"] = results
    return results


def _port(value):
    """A port as the CIB holds it, as a number; None when unset or not ASCII
    digits (str.isdigit() accepts digits such as '\u00b2' that int() refuses)."""
    value = (value or "").strip()
    return int(value) if value and all(c in "0123456789" for c in value) else None


def _declared(wanted, current, port_key, duration_key, default_ms):
    """The attributes given (None: not given, left as they are), with the
    port and the duration given as Pacemaker's defaults read as the default
    (_default_port, _default_duration): what _converge_nvpairs gets."""
    given = dict((k, val) for k, val in wanted.items() if val is not None)
    return _default_duration(
        _default_port(given, current, port_key), current, duration_key, default_ms
    )


def _default_port(wanted, current, key):
    """A port given as the default (3121) is the default, not "leave what is
    there": no port set means it (pcs sets none), so none is added; another
    port goes. An explicit 3121 already there stays."""
    if (
        wanted.get(key) == REMOTE_DEFAULT_PORT
        and (current.get(key) or "").strip() != REMOTE_DEFAULT_PORT
    ):
        wanted[key] = None  # _converge_nvpairs removes it only where it is set
    return wanted


def _default_duration(wanted, current, key, default_ms):
    """A duration given as Pacemaker's default (reconnect_interval 0: no
    reconnect; remote-connect-timeout 60s) is the default, which pcs writes as
    no attribute: as _default_port, it removes another value and adds none.
    An explicit default already there stays."""
    if key in wanted and v.interval_ms(wanted[key]) == default_ms:
        if current.get(key) is None or v.interval_ms(current[key]) != default_ms:
            wanted[key] = None
    return wanted


def _str(value):
    return None if value is None else str(value)


def guest_facts(prim):
    meta = nvpairs(prim, "meta_attributes")
    return {
        "name": meta.get("remote-node"),
        "resource": prim.get("id"),
        "remote_addr": meta.get("remote-addr") or meta.get("remote-node"),
        "remote_port": _port(meta.get("remote-port")),
        "remote_connect_timeout": meta.get("remote-connect-timeout"),
    }


def validate_guest_item(item, option="nodes"):
    name = item.get("name")
    label = v.item_label(option, name)
    errors = v.collect(
        v.check_id(label + "name", name),
        v.check_line(label + "remote_addr", item.get("remote_addr")),
        v.check_port(label + "remote_port", item.get("remote_port")),
        v.check_interval(label + "remote_connect_timeout", item.get("remote_connect_timeout")),
    )
    if item.get("state", "present") == "present":
        if not item.get("resource"):
            errors.append("%sresource: required when state=present" % label)
        else:
            errors.extend(v.collect(v.check_id(label + "resource", item["resource"])))
    errors.extend(check_node_attributes(label, item.get("node_attributes")))
    return errors


def plan_guest_nodes(plan, items, option="nodes"):
    """Converge guest nodes: the remote-* meta attributes on a resource."""
    index = NodeIndex(plan.cib)
    results = []
    seen = set()
    for item in items:
        name = item["name"]
        label = v.item_label(option, name)
        errors = validate_guest_item(item, option)
        if name in seen:
            errors.append("%sname: '%s' is given more than once" % (label, name))
        seen.add(name)
        if errors:
            plan.errors.extend(errors)
            continue
        rsc_id = item.get("resource")
        prim = index.guests.get(name)
        if item.get("state", "present") == "absent":
            if prim is None and name in index.remotes:
                plan.error(
                    "%sname: '%s' is a remote node, not a guest node;"
                    " remove it with hacluster.pacemaker.pacemaker_remote_node" % (label, name)
                )
                continue
            if prim is None:
                results.append({"name": name, "state": "absent"})
                continue
            if rsc_id and prim.get("id") != rsc_id:
                plan.error(
                    "%sresource: guest node '%s' is carried by resource '%s', not '%s'"
                    % (label, name, prim.get("id"), rsc_id)
                )
                continue
            _converge_nvpairs(plan, prim, "meta_attributes", dict((k, None) for k in GUEST_META))
            del index.guests[name]
            plan.actions.append(ForgetNode(name))
            results.append({"name": name, "resource": prim.get("id"), "state": "absent"})
            continue
        resource = index.by_id.get(rsc_id)
        if resource is None or resource.tag != "primitive" or resource.getparent() is None:
            kind = (
                "does not exist"
                if resource is None
                else "is a <%s>, not a primitive" % resource.tag
            )
            plan.error(
                "%sresource: '%s' %s; a guest node needs an existing primitive resource"
                % (label, rsc_id, kind)
            )
            continue
        wrapper = _unsupported_parent(resource)
        if wrapper is not None:
            plan.error(
                "%sresource: '%s' is inside %s '%s'; Pacemaker does not support guest "
                "nodes there" % (label, rsc_id, wrapper.tag, wrapper.get("id"))
            )
            continue
        current = nvpairs(resource, "meta_attributes").get("remote-node")
        if current and current != name:
            plan.error(
                "%sresource: '%s' is already guest node '%s'; remove that one first "
                "(state=absent) to rename it" % (label, rsc_id, current)
            )
            continue
        if is_remote_primitive(resource):
            plan.error(
                "%sresource: '%s' is a remote node connection, it cannot be a guest"
                % (label, rsc_id)
            )
            continue
        address = item.get("remote_addr")
        problem = index.clash(label + "name", name, resource) or (
            index.address_clash(label + "remote_addr", address or name, name)
        )
        if problem:
            plan.error(problem)
            continue
        wanted = {
            "remote-node": name,
            "remote-addr": address,
            "remote-port": _str(item.get("remote_port")),
            "remote-connect-timeout": item.get("remote_connect_timeout"),
        }
        meta = _declared(
            wanted,
            nvpairs(resource, "meta_attributes"),
            "remote-port",
            "remote-connect-timeout",
            GUEST_CONNECT_TIMEOUT_MS,
        )
        # a new set goes first, where pcs cluster node add-guest puts it
        _converge_nvpairs(plan, resource, "meta_attributes", meta, first=True)
        index.guests[name] = resource
        index.addresses[address or name] = name
        _converge_node_modes(plan, name, item)
        facts = guest_facts(resource)
        facts.update(node_modes(plan.cib, name))
        facts["state"] = "present"
        results.append(facts)
    plan.facts["nodes"] = results
    return results


def _unsupported_parent(resource):
    parent = resource.getparent()
    while parent is not None and parent.tag != "resources":
        if parent.tag in ("clone", "master", "bundle"):
            return parent
        parent = parent.getparent()
    return None
