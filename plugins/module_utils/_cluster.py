# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster options in crm_config, as ``pcs property`` edits them: here the
cluster's maintenance mode, switched on and off by a task that owns its own
nvpair (the ``maintenance_mode`` module; the pacemaker_remote role's key
reload). Pure planning on lxml trees."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _validate as v
from ansible_collections.hacluster.pacemaker.plugins.module_utils._cib import section

try:
    from lxml import etree
except ImportError:  # reported by _module.open_cib
    etree = None

MAINTENANCE = "maintenance-mode"
BOOTSTRAP = "cib-bootstrap-options"  # the set pcs and crm_attribute write


def _score(element):
    text = (element.get("score") or "0").strip()
    if text.lstrip("+-") == "INFINITY":
        return -1000000 if text.startswith("-") else 1000000
    try:
        return int(text)
    except ValueError:
        return 0


def property_nvpairs(cib, name):
    """The nvpairs of a cluster option in the order Pacemaker reads them, the
    first one winning: cib-bootstrap-options first, then the other
    cluster_property_sets by score, highest first (tests/unit/test_maintenance.py
    holds this to crm_mon's answer). Sets with rules count as applying."""
    sets = section(cib, "crm_config").findall("cluster_property_set")
    ordered = [s for s in sets if s.get("id") == BOOTSTRAP]
    ordered += sorted((s for s in sets if s.get("id") != BOOTSTRAP), key=lambda s: -_score(s))
    return [nv for s in ordered for nv in s.findall("nvpair") if nv.get("name") == name]


def maintenance_mode(cib):
    found = property_nvpairs(cib, MAINTENANCE)
    return bool(found) and v.is_true(found[0].get("value"))


def plan_maintenance(plan, state, switch_id):
    """state present: the cluster in maintenance mode, through the nvpair
    switch_id unless it already is (an admin's maintenance is used and left
    alone). absent: that nvpair gone, and with it the maintenance it made;
    an admin's stays. Ours goes first in cib-bootstrap-options, where it
    wins over an admin's maintenance-mode=false (which pcs writes)."""
    error = v.check_id("id", switch_id)
    if error:
        plan.error(error)
        return
    cib = plan.cib
    same_id = cib.xpath("//*[@id=$i]", i=switch_id)
    ours = None
    for element in same_id:
        parent = element.getparent()
        if (
            element.tag == "nvpair"
            and element.get("name") == MAINTENANCE
            and parent.tag == "cluster_property_set"
            and parent.getparent().tag == "crm_config"
        ):
            ours = element
        else:
            plan.error(
                "id: '%s' is already used in the CIB by a <%s>, not a maintenance-mode cluster option"
                % (switch_id, element.tag)
            )
            return
    if state == "absent":
        if ours is not None:
            plan.touch(ours.getparent())
            ours.getparent().remove(ours)
    elif not maintenance_mode(cib) or (ours is not None and not v.is_true(ours.get("value"))):
        crm_config = section(cib, "crm_config")
        bootstrap = crm_config.find("cluster_property_set[@id='%s']" % BOOTSTRAP)
        if bootstrap is None:
            bootstrap = etree.Element("cluster_property_set", id=BOOTSTRAP)
            crm_config.insert(0, bootstrap)
            plan.created(bootstrap)
        else:
            plan.touch(bootstrap)
        if ours is not None:
            plan.touch(ours.getparent())
            ours.getparent().remove(ours)
        bootstrap.insert(0, etree.Element("nvpair", id=switch_id, name=MAINTENANCE, value="true"))
    plan.facts["maintenance_mode"] = maintenance_mode(cib)
    plan.facts["switch"] = bool(cib.xpath("//nvpair[@id=$i]", i=switch_id))
