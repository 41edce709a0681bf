# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning for booth tickets in the CIB: rsc_ticket constraints (pcs's
``constraint ticket add``) and the ticket state (crm_ticket), on lxml trees.

Pure functions: changes of the ticket state are returned as
``plan.actions`` (_cib.TicketState), never run here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _validate as v
from ansible_collections.hacluster.pacemaker.plugins.module_utils._cib import (
    TicketState,
    at_least,
    schema_version,
    section,
)

try:
    from lxml import etree
except ImportError:  # pragma: no cover - reported by the module
    etree = None

LOSS_POLICIES = ("stop", "demote", "fence", "freeze")
ROLES = ("Started", "Stopped", "Promoted", "Unpromoted", "Master", "Slave")
RESOURCE_TAGS = ("primitive", "group", "clone", "master", "bundle")
# Pacemaker 2.1 (schema pacemaker-3.7) renamed Master/Slave; 2.0's schemas know
# only the old names, 3.0's (4.0) only the new ones. Like pcs, we write the
# form the CIB's schema takes, whichever the user typed, and either form in
# the CIB matches either form asked for.
NEW_ROLES_SCHEMA = (3, 7)
_LEGACY_ROLES = {"Promoted": "Master", "Unpromoted": "Slave"}
_NEW_ROLES = dict((old, new) for new, old in _LEGACY_ROLES.items())


def cib_role(cib, role):
    """The spelling of ``role`` that this CIB's schema accepts."""
    role = _NEW_ROLES.get(role, role)
    if at_least(schema_version(cib), NEW_ROLES_SCHEMA):
        return role
    return _LEGACY_ROLES.get(role, role)


def ticket_state(cib, name):
    """Facts from status/tickets/ticket_state (what crm_ticket writes)."""
    found = cib.xpath("status/tickets/ticket_state[@id=$t]", t=name)
    state = found[0] if found else None

    def flag(attr):
        return state is not None and state.get(attr) == "true"

    return {
        "granted": flag("granted"),
        "standby": flag("standby"),
        "last_granted": state.get("last-granted") if state is not None else None,
    }


def local_booth_ips(cib):
    """The booth IPs of this site: IPaddr2 resources grouped with booth-site."""
    ips = set()
    for group in cib.iterfind("configuration/resources/group"):
        types = [p.get("type") for p in group.findall("primitive")]
        if "booth-site" in types:
            for prim in group.findall("primitive"):
                if prim.get("type") == "IPaddr2":
                    ips.update(prim.xpath("instance_attributes/nvpair[@name='ip']/@value"))
    return ips


def constraint_facts(con):
    sets = con.findall("resource_set")
    facts = {
        "id": con.get("id"),
        "resource": con.get("rsc"),
        "role": con.get("rsc-role"),
        "loss_policy": con.get("loss-policy"),
    }
    if sets:
        facts["resources"] = [ref.get("id") for ref in sets[0].findall("resource_ref")]
        facts["role"] = sets[0].get("role")
    return facts


def validate_item(item, label):
    errors = v.collect(v.check_ticket_name(label + "name", item["name"]))
    for i, con in enumerate(item.get("constraints") or ()):
        where = "%sconstraints[%d]" % (label, i)
        if bool(con.get("resource")) == bool(con.get("resources")):
            errors.append("%s: give either resource or resources (a resource set)" % where)
        if con.get("loss_policy") and con["loss_policy"] not in LOSS_POLICIES:
            errors.append(
                "%s.loss_policy: '%s' is not one of %s"
                % (where, con["loss_policy"], ", ".join(LOSS_POLICIES))
            )
        if con.get("role") and con["role"] not in ROLES:
            errors.append("%s.role: '%s' is not one of %s" % (where, con["role"], ", ".join(ROLES)))
        if con.get("loss_policy") == "demote" and con.get("role") not in ("Promoted", "Master"):
            errors.append("%s.loss_policy: 'demote' only applies with role Promoted" % where)
    return errors


def _matches(con, name, want):
    if con.get("ticket") != name:
        return False
    if want.get("resources"):
        sets = con.findall("resource_set")
        return (
            con.get("rsc") is None
            and len(sets) == 1
            and [r.get("id") for r in sets[0].findall("resource_ref")] == list(want["resources"])
            and _same_role(sets[0].get("role"), want.get("role"))
        )
    return con.get("rsc") == want["resource"] and _same_role(con.get("rsc-role"), want.get("role"))


def _same_role(have, want):
    return _NEW_ROLES.get(have, have or None) == _NEW_ROLES.get(want, want or None)


def _set_constraint(plan, constraints, name, want):
    """pcs's `constraint ticket set`: id ticket_set_<first+last letters of
    the first three resources>, one resource_set <id>_set."""
    part = "".join(rid[0] + rid[-1] for rid in want["resources"][:3])
    con = etree.SubElement(
        constraints, "rsc_ticket", id=plan.ids.allocate(v.sanitize_id("ticket_set_" + part))
    )
    con.set("ticket", name)
    if want.get("loss_policy"):
        con.set("loss-policy", want["loss_policy"])
    rset = etree.SubElement(con, "resource_set", id=plan.ids.allocate(con.get("id") + "_set"))
    if want.get("role"):
        rset.set("role", want["role"])
    for rid in want["resources"]:
        etree.SubElement(rset, "resource_ref", id=rid)
    return con


def _collective(element):
    """The outermost clone or bundle an element is inside, or None."""
    found = None
    parent = element.getparent()
    while parent is not None and parent.tag != "resources":
        if parent.tag in ("clone", "master", "bundle"):
            found = parent
        parent = parent.getparent()
    return found


def plan_tickets(plan, items, option="tickets", bypass_booth=False):
    """Converge rsc_ticket constraints and (with bypass_booth, through
    crm_ticket) the grant and standby state. items: dicts with name, state,
    constraints [{resource, role, loss_policy}], exclusive_constraints,
    grant (granted|revoked|None), standby (bool|None)."""
    constraints = section(plan.cib, "constraints")
    resources = section(plan.cib, "resources")
    by_id = dict((e.get("id"), e) for e in resources.iter(*RESOURCE_TAGS))
    existing = list(constraints.findall("rsc_ticket"))
    stonith = plan.cib.xpath(
        "configuration/crm_config/cluster_property_set/nvpair[@name='stonith-enabled']/@value"
    )
    fencing = not stonith or stonith[0].lower() in ("true", "on", "yes", "y", "1")
    results = []
    seen = set()
    unbound = []  # (label, ticket, removed constraint) to check once all items are planned
    for item in items:
        name = item["name"]
        label = v.item_label(option, name)
        errors = validate_item(item, label)
        if name in seen:
            errors.append("%sname: '%s' is given more than once" % (label, name))
        seen.add(name)
        for i, con in enumerate(item.get("constraints") or ()):
            where = "%sconstraints[%d]" % (label, i)
            if con.get("resources") is not None and not all(con["resources"]):
                errors.append("%s.resources: an empty resource id is not a resource" % where)
            for rid in [con.get("resource")] + list(con.get("resources") or ()):
                if not rid:
                    continue
                if rid not in by_id:
                    errors.append("%s.resource: '%s' does not exist in the CIB" % (where, rid))
                    continue
                wrapper = _collective(by_id[rid])
                if wrapper is not None:
                    # crm_verify: "Ignoring constraint ... not a valid resource or tag";
                    # the resource would silently lose its ticket protection
                    errors.append(
                        "%s.resource: '%s' is inside %s '%s', and Pacemaker ignores "
                        "constraints on a member of a clone or bundle: bind '%s' instead"
                        % (where, rid, wrapper.tag, wrapper.get("id"), wrapper.get("id"))
                    )
            if con.get("loss_policy") == "fence" and not fencing:
                # Pacemaker would silently reset it to 'stop' (crm_verify: error)
                errors.append(
                    "%sconstraints[%d].loss_policy: 'fence' needs fencing, but "
                    "stonith-enabled is false" % (label, i)
                )
        if errors:
            plan.errors.extend(errors)
            continue
        mine = [c for c in existing if c.get("ticket") == name and c.getparent() is not None]
        absent = item.get("state", "present") == "absent"
        keep = set()
        for want in [] if absent else item.get("constraints") or ():
            if want.get("role"):
                want = dict(want, role=cib_role(plan.cib, want["role"]))
            match = [c for c in mine if _matches(c, name, want)]
            if match:
                con = match[0]
                keep.add(id(con))
                policy = want.get("loss_policy")
                if policy and con.get("loss-policy") != policy:
                    plan.touch(con)
                    con.set("loss-policy", policy)
                continue
            if want.get("resources"):
                con = _set_constraint(plan, constraints, name, want)
                plan.created(con)
                keep.add(id(con))
                existing.append(con)
                continue
            role = want.get("role")
            proposed = v.sanitize_id(
                "-".join(["ticket", name, want["resource"]]) + ("-%s" % role if role else "")
            )
            con = etree.SubElement(constraints, "rsc_ticket", id=plan.ids.allocate(proposed))
            con.set("rsc", want["resource"])
            if role:
                con.set("rsc-role", role)
            con.set("ticket", name)
            if want.get("loss_policy"):
                con.set("loss-policy", want["loss_policy"])
            plan.created(con)
            keep.add(id(con))
            existing.append(con)
        if absent or item.get("exclusive_constraints"):
            for con in mine:
                if id(con) not in keep:
                    plan.touch(con)
                    plan.ids.release(con)
                    constraints.remove(con)
                    if not item.get("release_resources"):
                        unbound.append((label, name, con))
        state = ticket_state(plan.cib, name)
        if absent and plan.cib.xpath("status/tickets/ticket_state[@id=$t]", t=name):
            # what pcs booth ticket cleanup does: the ticket's state leaves
            # this site's CIB (after the constraints, so revoking it here
            # never triggers a loss-policy)
            plan.actions.append(TicketState(name, "cleanup"))
            state = dict(state, granted=False, standby=False)
        elif bypass_booth:
            grant = item.get("grant")
            if grant == "granted" and not state["granted"]:
                plan.actions.append(TicketState(name, "grant"))
                state["granted"] = True
            elif grant == "revoked" and state["granted"]:
                plan.actions.append(TicketState(name, "revoke"))
                state["granted"] = False
        if not bypass_booth and item.get("grant"):
            # booth will move the ticket; for the preview, what that means here
            # (granted at a site that is not this one: a move the module let
            # through, booth revokes it here)
            here = item["grant"] == "granted" and item.get("site") in local_booth_ips(plan.cib)
            if state["granted"] and not here:
                plan.actions.append(TicketState(name, "revoke", by_booth=True))
            elif here and not state["granted"]:
                plan.actions.append(TicketState(name, "grant", by_booth=True))
        standby = item.get("standby")
        if standby is not None and not absent and standby != state["standby"]:
            plan.actions.append(TicketState(name, "standby" if standby else "activate"))
            state["standby"] = standby
        facts = dict(name=name, state="absent" if absent else "present", **state)
        facts["constraints"] = [
            constraint_facts(c)
            for c in constraints.findall("rsc_ticket")
            if c.get("ticket") == name
        ]
        results.append(facts)
    _check_released(plan, unbound, by_id)
    plan.facts["tickets"] = results
    return results


def _bound_resources(con):
    return [con.get("rsc")] if con.get("rsc") else con.xpath("resource_set/resource_ref/@id")


def _stopped(resource):
    """target-role=Stopped on the resource or a parent (what pcs resource
    disable writes): it stays stopped whatever its tickets say."""
    while resource is not None and resource.tag != "resources":
        roles = resource.xpath("meta_attributes/nvpair[@name='target-role']/@value")
        if roles and roles[0].lower() == "stopped":
            return True
        resource = resource.getparent()
    return False


def _check_released(plan, unbound, by_id):
    """A resource whose last ticket constraint goes may then run at every
    site, the ones not holding the ticket included: refuse that unless the
    item says release_resources, or the resource is stopped or gone."""
    still = set()
    for con in section(plan.cib, "constraints").iterfind("rsc_ticket"):
        still.update(_bound_resources(con))
    for label, name, con in unbound:
        released = [
            rid
            for rid in _bound_resources(con)
            if rid not in still
            and rid in by_id
            and by_id[rid].getparent() is not None
            and not _stopped(by_id[rid])
        ]
        if released:
            plan.error(
                "%srelease_resources: removing constraint '%s' of ticket '%s' leaves %s bound "
                "to no ticket, so it may then run at every site, also where the ticket is not "
                "granted; stop it first (target-role=Stopped), bind it to another ticket in the "
                "same task, or set release_resources=true"
                % (label, con.get("id"), name, ", ".join("'%s'" % r for r in released))
            )
