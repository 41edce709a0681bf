# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only status of remote and guest nodes, tickets and booth configs
(the ``status_info`` module).

Definitions come from the CIB (through the same helpers the modules use, so
the vocabulary is the same); whether a node is online, in standby and where a
resource runs comes from ``crm_mon --output-as=xml``, i.e. from Pacemaker
itself, live or simulated on a CIB file; the ticket leader from
``booth list``.

``facts()`` is pure (lxml trees and dicts in, dicts out); ``gather()`` does
the I/O. Code here runs on managed nodes: keep it Python 3.6 compatible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth, _cib, _files
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth_conf as bc
from ansible_collections.hacluster.pacemaker.plugins.module_utils._nodes import (
    NodeIndex,
    guest_facts,
    node_attributes,
    remote_facts,
)
from ansible_collections.hacluster.pacemaker.plugins.module_utils._tickets import (
    constraint_facts,
    ticket_state,
)

CRM_MON = ["crm_mon", "--one-shot", "--output-as=xml", "--inactive"]


class Monitor:
    """What crm_mon says: nodes by name, and where each resource runs."""

    def __init__(self, nodes=None, running=None, maintenance_mode=None, health=None):
        self.nodes = nodes or {}  # name -> {online, standby, type, id_as_resource, attributes}
        self.running = running or {}  # resource, group, clone or bundle id -> [node names]
        self.maintenance_mode = maintenance_mode  # the cluster's; None when not told
        self._health = health or {}  # resource id -> (active, failed), any instance

    @classmethod
    def parse(cls, text):
        """From ``crm_mon --output-as=xml`` text. Raises CibError if it is
        not crm_mon's XML."""
        try:
            root = _cib.etree.fromstring(text.encode("utf-8") if isinstance(text, str) else text)
        except _cib.etree.XMLSyntaxError as exc:
            raise _cib.CibError("crm_mon output is not XML: %s" % exc)
        if root.find("nodes") is None:
            raise _cib.CibError("crm_mon output has no <nodes>")
        # crm_mon lists the attributes of online nodes only, without its
        # own (fail counts, "#..." and the like)
        attributes = dict(
            (
                node.get("name"),
                dict((a.get("name"), a.get("value")) for a in node.iterfind("attribute")),
            )
            for node in root.iterfind("node_attributes/node")
        )
        nodes = {}
        for node in root.iterfind("nodes/node"):
            nodes[node.get("name")] = {
                "online": node.get("online") == "true",
                "standby": node.get("standby") == "true",
                "type": node.get("type"),
                "id_as_resource": node.get("id_as_resource"),
                "attributes": attributes.get(node.get("name"), {}),
            }
        running, health = {}, {}
        resources = root.find("resources")
        if resources is not None:
            # resources nest in <group>, <clone>, <bundle><replica>: take them
            # all, each under its own id and under every container's id (a
            # group runs where its members run, as pcs status shows it)
            for rsc in resources.iter("resource"):
                names = [n.get("name") for n in rsc.findall("node") if n.get("name")]
                # a cloned group's instances are "cg:0", "cg:1": listed as "cg"
                containers = [
                    a.get("id").split(":")[0]
                    for a in rsc.iterancestors("group", "clone", "bundle")
                    if a.get("id")
                ]
                for rid in [rsc.get("id")] + containers:
                    if names:
                        found = running.setdefault(rid, [])
                        found.extend(n for n in names if n not in found)
                    active, failed = health.get(rid, (False, False))
                    health[rid] = (
                        active or rsc.get("active") == "true",
                        failed or rsc.get("failed") == "true",
                    )
        options = root.find("summary/cluster_options")
        maintenance = None if options is None else options.get("maintenance-mode")
        return cls(nodes, running, None if maintenance is None else maintenance == "true", health)

    def node(self, name):
        """(online, standby) of a node, (None, None) when crm_mon does not
        know it (or could not be run)."""
        found = self.nodes.get(name)
        if found is None:
            return None, None
        return found["online"], found["standby"]

    def health(self, resource_id):
        """(active, failed) of a resource (of any of its instances), (None,
        None) when crm_mon shows no such resource."""
        return self._health.get(resource_id, (None, None))

    def host_of(self, resource_id):
        where = self.running.get(resource_id) or []
        return where[0] if where else None


def node_state(online, standby):
    """One word for a node: unknown, offline, standby or online."""
    if online is None:
        return "unknown"
    if not online:
        return "offline"
    return "standby" if standby else "online"


def _printable(text):
    """A string from a file read with surrogateescape, fit for JSON output:
    bytes that were not UTF-8 become U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def booth_config_facts(path, text, switch=None):
    """{path, checksum, tickets: [{name, options}], authfile_in_force, error}
    of one booth.conf text (read with surrogateescape, so the checksum is of
    the file's bytes); switch: _booth.authfile_switch() of this host."""
    config = bc.parse(text)
    return {
        "path": path,
        "checksum": bc.checksum(text),
        "authfile_in_force": _booth.authfile_in_force(config, switch),
        "tickets": [
            {
                "name": _printable(name),
                "options": dict(
                    (_printable(k), _printable(v))
                    for k, v in (bc.ticket_options(config, name) or {}).items()
                ),
            }
            for name in bc.tickets(config)
        ],
        "error": None,
    }


def _ticket_constraints(cib):
    """ticket name -> [rsc_ticket elements], in CIB order."""
    found = {}
    constraints = cib.find("configuration/constraints")
    if constraints is not None:
        for con in constraints.iter("rsc_ticket"):
            found.setdefault(con.get("ticket"), []).append(con)
    return found


def _bound_resources(cons):
    bound = []
    for con in cons:
        ids = [con.get("rsc")] if con.get("rsc") else []
        ids.extend(ref.get("id") for ref in con.iterfind("resource_set/resource_ref"))
        bound.extend(i for i in ids if i and i not in bound)
    return bound


def facts(cib, monitor=None, leaders=None, booth_configs=()):
    """Everything status_info returns, from the CIB tree, a Monitor (None:
    crm_mon failed; node states are then unknown), booth's leaders
    {ticket: {leader, expires}} and booth_config_facts() results."""
    if monitor is None:
        monitor, known = Monitor(), False
    else:
        known = True
    leaders = leaders or {}
    index = NodeIndex(cib)

    remote_nodes = []
    for name in sorted(index.remotes):
        prim = index.remotes[name]
        base = remote_facts(prim)
        online, standby = monitor.node(name)
        remote_nodes.append(
            {
                "name": name,
                "server": base["server"],
                "port": base["port"],
                "reconnect_interval": base["reconnect_interval"],
                "target_role": base["meta_attributes"].get("target-role"),
                "attributes": node_attributes(cib, name),
                "online": online,
                "standby": standby,
                "state": node_state(online, standby),
                "hosted_by": monitor.host_of(prim.get("id")),
            }
        )

    guest_nodes = []
    for name in sorted(index.guests):
        prim = index.guests[name]
        item = guest_facts(prim)
        online, standby = monitor.node(name)
        item.update(
            {
                "target_role": _cib.nvpairs(prim, "meta_attributes").get("target-role"),
                "attributes": node_attributes(cib, name),
                "online": online,
                "standby": standby,
                "state": node_state(online, standby),
                "hosted_by": monitor.host_of(prim.get("id")),
            }
        )
        guest_nodes.append(item)

    # cluster nodes: members by crm_mon, or by the CIB when crm_mon failed;
    # never a configured remote/guest (crm_simulate may call them members)
    not_members = set(index.remotes) | set(index.guests)
    if known:
        member_names = [
            n
            for n, info in monitor.nodes.items()
            if info["type"] == "member" and n not in not_members
        ]
    else:
        member_names = [n for n in index.cluster_nodes if n not in not_members]
    cluster_nodes = []
    for name in sorted(member_names):
        online, standby = monitor.node(name)
        cluster_nodes.append(
            {
                "name": name,
                "online": online,
                "standby": standby,
                "state": node_state(online, standby),
            }
        )

    by_ticket = _ticket_constraints(cib)
    options = {}
    for config in booth_configs:
        for ticket in config["tickets"]:
            options.setdefault(ticket["name"], ticket["options"])
    names = set(by_ticket) | set(options) | set(leaders)
    names.update(t.get("id") for t in cib.iterfind("status/tickets/ticket_state"))
    names.discard(None)
    tickets = []
    for name in sorted(names):
        cons = by_ticket.get(name, [])
        item = {"name": name}
        item.update(ticket_state(cib, name))
        booth = leaders.get(name) or {}
        item.update(
            {
                "leader": booth.get("leader"),
                "expires": booth.get("expires"),
                "constraints": [constraint_facts(c) for c in cons],
                "bound_resources": _bound_resources(cons),
                "options": options.get(name),
            }
        )
        tickets.append(item)

    return {
        "cib_version": _cib.version_of(cib),
        "cluster_nodes": cluster_nodes,
        "remote_nodes": remote_nodes,
        "guest_nodes": guest_nodes,
        "tickets": tickets,
        "booth_configs": list(booth_configs),
    }


def read_booth_configs(paths, switch=None):
    """booth_config_facts() of each file; one that cannot be read is
    reported (checksum null, error set), not fatal: it is a health check."""
    configs = []
    for path in paths or ():
        try:
            data = _files.read_regular(path)[1]
        except OSError as exc:
            configs.append(
                {
                    "path": path,
                    "checksum": None,
                    "authfile_in_force": None,
                    "tickets": [],
                    "error": "cannot read %s: %s" % (path, exc.strerror),
                }
            )
            continue
        # booth reads bytes: a byte that is not UTF-8 (say, Latin-1 in a
        # comment) is no reason to fail a health check
        text = data.decode("utf-8", "surrogateescape")
        configs.append(booth_config_facts(path, text, switch))
    return configs


def which(command):
    """Like Ansible's get_bin_path: PATH plus the sbin directories."""
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    dirs += ["/sbin", "/usr/sbin", "/usr/local/sbin"]
    for d in dirs:
        candidate = os.path.join(d, command)
        if d and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def booth_leaders(run, config_paths, booth_command="booth"):
    """({ticket: {leader, expires}}, error or None) from ``booth list`` of
    each booth config (the first that knows a ticket wins). booth_command:
    the booth executable, None when it is not installed."""
    if not booth_command:
        return {}, "booth is not installed (no booth command in PATH or sbin)"

    leaders, errors = {}, []
    for path in config_paths:
        try:
            for name, info in _booth.Client(run, path, booth_command).tickets().items():
                leaders.setdefault(name, info)
        except _cib.CibError as exc:
            errors.append("%s: %s" % (path, exc))
    return leaders, ("; ".join(errors) or None)


def monitor_of(tool):
    """(Monitor or None, error or None): the one reading of crm_mon. tool
    runs a command, returning (rc, stdout, stderr): a Cib's tool (CIB_file
    set offline, so Pacemaker computes the state from the file's status) or
    the module's run_command."""
    try:
        rc, out, err = tool(CRM_MON)
    except _cib.CibError as exc:
        return None, str(exc)
    if rc != 0:
        return None, "%s exited %d: %s" % (" ".join(CRM_MON), rc, (err or out).strip())
    try:
        return Monitor.parse(out), None
    except _cib.CibError as exc:
        return None, str(exc)


def gather(cib, booth_config_files=(), booth=None, booth_command=None):
    """Read everything (raises CibError only when the CIB cannot be read).

    booth: run ``booth list`` (None: only on a live cluster), with each of
    booth_config_files, or /etc/booth/booth.conf. booth_command: path of
    the booth executable (None: looked up)."""
    tree = cib.read()
    monitor, monitor_error = monitor_of(cib.tool)
    boothd = which("boothd") if booth_config_files else None
    switch = _booth.authfile_switch(cib.run, boothd) if boothd else None
    configs = read_booth_configs(booth_config_files, switch)
    use_booth = cib.live if booth is None else booth
    leaders, booth_error = {}, None
    if use_booth:
        paths = list(booth_config_files or ()) or [_booth.config_path("booth")]
        leaders, booth_error = booth_leaders(cib.run, paths, booth_command or which("booth"))
    result = facts(tree, monitor, leaders, configs)
    result["crm_mon_error"] = monitor_error
    result["booth_error"] = booth_error
    return result
