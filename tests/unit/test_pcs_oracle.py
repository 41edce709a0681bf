"""Our planners against what pcs 0.12 / Pacemaker 3.0 really wrote in the lab
(lab/oracle.sh records `pcs -f` runs in a trixie container into lab/oracle/)."""

from pathlib import Path

from cibfiles import canonical
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _nodes, _tickets

STEPS = Path(__file__).resolve().parents[2] / "lab" / "oracle" / "steps"


def load(name):
    return _cib.parse_xml((STEPS / name).read_bytes())


def plan_on(tree, planner):
    plan = _cib.Plan(tree)
    planner(plan)
    assert not plan.errors, plan.errors
    return tree


def test_replaying_the_pcs_012_session_gives_the_same_configuration():
    tree = load("00-empty.xml")
    plan_on(
        tree,
        lambda p: _nodes.plan_remote_nodes(
            p,
            [
                {"name": "rh1", "server": "10.0.0.5", "port": 3122, "reconnect_interval": "60"},
                {"name": "rh2"},
            ],
            None,
        ),
    )
    # pcs created vm1 itself (resource create): take its element from pcs's step
    vm1 = load("03-resource-create-vm1.xml").find("configuration/resources/primitive[@id='vm1']")
    tree.find("configuration/resources").append(vm1)
    plan_on(
        tree,
        lambda p: _nodes.plan_guest_nodes(
            p,
            [
                {
                    "name": "gh1",
                    "resource": "vm1",
                    "remote_addr": "10.0.0.6",
                    "remote_connect_timeout": "30s",
                }
            ],
            None,
        ),
    )
    plan_on(
        tree,
        lambda p: _tickets.plan_tickets(
            p,
            [
                {
                    "name": "apacheticket",
                    "constraints": [{"resource": "vm1", "loss_policy": "fence"}],
                }
            ],
            None,
        ),
    )
    final = load("05-ticket-add-apacheticket.xml")
    assert canonical(tree.find("configuration")) == canonical(final.find("configuration"))


def test_pcs_012_result_is_already_converged():
    final = load("05-ticket-add-apacheticket.xml")
    before = etree.tostring(final)
    plan_on(
        final,
        lambda p: _nodes.plan_remote_nodes(
            p,
            [
                {"name": "rh1", "server": "10.0.0.5", "port": 3122, "reconnect_interval": "60s"},
                {"name": "rh2"},
            ],
            None,
        ),
    )
    plan_on(
        final,
        lambda p: _nodes.plan_guest_nodes(
            p,
            [
                {
                    "name": "gh1",
                    "resource": "vm1",
                    "remote_addr": "10.0.0.6",
                    "remote_connect_timeout": "30",
                }
            ],
            None,
        ),
    )
    plan_on(
        final,
        lambda p: _tickets.plan_tickets(
            p,
            [
                {
                    "name": "apacheticket",
                    "constraints": [{"resource": "vm1", "loss_policy": "fence"}],
                }
            ],
            None,
        ),
    )
    assert etree.tostring(final) == before


def test_booth_site_group_is_what_pcs_booth_create_ip_writes():
    from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth

    pcs_cib = _cib.parse_xml((STEPS.parent / "pcs-0.12-booth-create-ip.xml").read_bytes())
    tree = _cib.parse_xml(etree.tostring(pcs_cib))
    tree.find("configuration/resources").clear()
    plan_on(
        tree, lambda p: _booth.plan_site_group(p, "booth", "/etc/booth/booth.conf", "10.89.77.100")
    )
    assert canonical(tree.find("configuration/resources")) == canonical(
        pcs_cib.find("configuration/resources")
    )
    # and pcs's group is recognised: nothing to change
    before = etree.tostring(pcs_cib)
    plan_on(
        pcs_cib,
        lambda p: _booth.plan_site_group(p, "booth", "/etc/booth/booth.conf", "10.89.77.100"),
    )
    assert etree.tostring(pcs_cib) == before
