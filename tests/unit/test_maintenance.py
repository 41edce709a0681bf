"""The maintenance_mode module's planner (_cluster) on real CIB files, with
crm_mon as the oracle of what Pacemaker reads: from every way an admin or pcs
may have left crm_config, ``present`` puts the cluster in maintenance mode,
``absent`` gives back exactly the crm_config it found, and neither writes
twice. The case that made this module: an admin's maintenance-mode=false
(``pcs property set maintenance-mode=false`` writes it), after which the
role's old ``crm_attribute --id ... --update true`` had no effect."""

import pytest
from cibfiles import canonical, epoch, new_cib, tool, verify
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _cluster

OURS = "hacluster-pacemaker-key-reload"
NV = '<nvpair id="%s" name="maintenance-mode" value="%s"/>'
BOOT = '<cluster_property_set id="cib-bootstrap-options">%s</cluster_property_set>'

# crm_config after the lab's stonith-enabled=false (new_cib), then as left by:
START = {
    "nothing": "",
    "pcs set false": BOOT % (NV % ("cib-bootstrap-options-maintenance-mode", "false")),
    "pcs set true": BOOT % (NV % ("cib-bootstrap-options-maintenance-mode", "true")),
    "crm_attribute off, spelled no": BOOT % (NV % ("mm", "no")),
    "admin on, spelled on": BOOT % (NV % ("mm", "on")),
    "false in another set, scored": '<cluster_property_set id="site" score="100">%s'
    "</cluster_property_set>" % (NV % ("mm", "false")),
    "false in another set, first": '<cluster_property_set id="early">%s</cluster_property_set>'
    % (NV % ("mm", "false")),
    "ours left true (a cut run)": BOOT % (NV % (OURS, "true")),
    "ours behind a false": BOOT % ((NV % ("mm", "false")) + (NV % (OURS, "true"))),
}


def cib_with(tmp_path, crm_config):
    path = new_cib(tmp_path / "cib.xml")
    tree = etree.parse(str(path))
    config = tree.find("configuration/crm_config")
    boot = config.find("cluster_property_set[@id='cib-bootstrap-options']")
    extra = etree.fromstring("<x>%s</x>" % crm_config)
    for element in extra:
        same = config.find("cluster_property_set[@id='%s']" % element.get("id"))
        if same is not None:
            same.extend(list(element))
        elif element.get("id") == "early":
            config.insert(0, element)
        else:
            config.append(element)
    assert boot is not None
    tree.write(str(path))
    verify(path)
    return path


def crm_mon_says(path):
    """maintenance-mode as Pacemaker reads the file (crm_mon's summary)."""
    out = tool(path, "crm_mon", "--one-shot", "--output-as=xml").stdout
    options = etree.fromstring(out.encode()).find("summary/cluster_options")
    return options.get("maintenance-mode") == "true"


def crm_config(path):
    return canonical(etree.parse(str(path)).find("configuration/crm_config"))


def plan(path, state, switch_id=OURS, check_mode=False):
    return _cib.Cib(str(path)).transaction(
        lambda p: _cluster.plan_maintenance(p, state, switch_id), check_mode=check_mode
    )


@pytest.mark.parametrize("start", list(START), ids=list(START))
def test_present_is_maintenance_and_absent_gives_back_what_was(tmp_path, start):
    path = cib_with(tmp_path, START[start])
    before = crm_config(path)
    was = crm_mon_says(path)
    # the planner's own reading of the file equals Pacemaker's
    assert _cluster.maintenance_mode(etree.parse(str(path)).getroot()) is was

    result = plan(path, "present")
    verify(path)
    assert crm_mon_says(path) is True
    assert result.plan.facts["maintenance_mode"] is True
    # an admin's maintenance is used, not doubled; ours is there otherwise
    admins = was and OURS not in str(before)
    assert result.plan.facts["switch"] is (not admins)
    assert result.changed is (not was or "ours behind" in start)

    settled = epoch(path)
    assert not plan(path, "present").changed
    assert epoch(path) == settled

    result = plan(path, "absent")
    verify(path)
    assert result.plan.facts["switch"] is False
    if OURS in str(before):
        # a cut run's switch: absent ends it, leaving the admin's settings
        assert OURS not in str(crm_config(path))
        assert crm_mon_says(path) is _cluster.maintenance_mode(etree.parse(str(path)).getroot())
    else:
        assert crm_config(path) == before
        assert crm_mon_says(path) is was
    settled = epoch(path)
    assert not plan(path, "absent").changed
    assert epoch(path) == settled


def test_check_mode_plans_and_writes_nothing(tmp_path):
    path = cib_with(tmp_path, START["pcs set false"])
    content = path.read_bytes()
    result = plan(path, "present", check_mode=True)
    assert result.changed and result.plan.facts["maintenance_mode"] is True
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    "switch_id, message",
    [
        ("cib-bootstrap-options", "is already used in the CIB by a <cluster_property_set>"),
        ("cib-bootstrap-options-stonith-enabled", "not a maintenance-mode cluster option"),
        ("1st", "is not a valid id"),
        ("", "must not be empty"),
    ],
)
def test_an_id_that_is_not_ours_to_take_fails_before_any_write(tmp_path, switch_id, message):
    path = cib_with(tmp_path, "")
    content = path.read_bytes()
    for state in ("present", "absent"):
        with pytest.raises(_cib.ValidationError) as failed:
            plan(path, state, switch_id)
        assert message in str(failed.value.errors), failed.value.errors
        assert "id: " in failed.value.errors[0]
    assert path.read_bytes() == content
