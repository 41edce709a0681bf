"""The plan's typed actions (_cib.TicketState, _cib.ForgetNode): what each
does to a copy of the CIB for the preview must be what running it does to a
real CIB file, with crm_ticket as the oracle; what each says in the diff is
the command it runs."""

import copy

import pytest
from cibfiles import new_cib, tool
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib


def ticket(path, name):
    """(granted, standby) of a ticket as crm_ticket reports it."""
    out = tool(path, "crm_ticket", "--ticket", name, "--query-xml", check=False).stdout
    # "State XML:" and the ticket_state element, when there is one
    state = etree.fromstring(out[out.index("<") :].encode()) if "<" in out else None
    get = (
        (lambda a: (state.get(a) or "false") == "true") if state is not None else (lambda a: False)
    )
    return get("granted"), get("standby")


@pytest.mark.parametrize("start", ["none", "granted", "standby"])
@pytest.mark.parametrize("change", ["grant", "revoke", "standby", "activate", "cleanup"])
def test_ticket_state_simulates_what_crm_ticket_does(tmp_path, start, change):
    path = new_cib(tmp_path / "cib.xml")
    if start != "none":
        tool(path, "crm_ticket", "--ticket", "T1", "--grant", "--force")
    if start == "standby":
        tool(path, "crm_ticket", "--ticket", "T1", "--standby")
    action = _cib.TicketState("T1", change)
    simulated = copy.deepcopy(etree.parse(str(path)).getroot())
    action.simulate(simulated)
    sim_path = tmp_path / "sim.xml"
    sim_path.write_bytes(etree.tostring(simulated))
    action.run(_cib.Cib(str(path)))
    if change == "cleanup":
        # the state leaves the CIB; the preview keeps it (Pacemaker then reads
        # a missing state as not granted, which the constraints' removal before
        # it already made harmless)
        assert ticket(path, "T1") == (False, False)
    else:
        assert ticket(path, "T1") == ticket(sim_path, "T1")
    assert action.describe() == " ".join(action.argv()) and action.changes_cib


def test_booth_ticket_state_is_only_simulated(tmp_path):
    """What booth will do at this site is shown to the preview, never run."""
    path = new_cib(tmp_path / "cib.xml")
    before = path.read_bytes()
    action = _cib.TicketState("T1", "grant", by_booth=True)
    action.run(_cib.Cib(str(path)))
    assert path.read_bytes() == before and not action.changes_cib
    tree = etree.parse(str(path)).getroot()
    action.simulate(tree)
    sim = tmp_path / "sim.xml"
    sim.write_bytes(etree.tostring(tree))
    assert ticket(sim, "T1") == (True, False)


def test_forget_node_runs_after_the_wait_not_with_the_patch(tmp_path):
    path = new_cib(tmp_path / "cib.xml")
    before = path.read_bytes()
    action = _cib.ForgetNode("rh1")
    action.run(_cib.Cib(str(path)))
    tree = etree.parse(str(path)).getroot()
    action.simulate(tree)
    assert path.read_bytes() == before and etree.tostring(tree) == etree.tostring(
        etree.parse(str(path)).getroot()
    )
    assert action.describe() == "crm_node --force --remove rh1" and not action.changes_cib
