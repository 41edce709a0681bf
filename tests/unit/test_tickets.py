"""Ticket constraints and ticket state on real CIB files, checked against pcs,
crm_ticket and crm_verify."""

import shutil
import subprocess

import pytest
from cibfiles import canonical, config_of, new_cib, pcs_role, tool, verify
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth, _cib, _tickets
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth_conf as bc

needs_pcs = pytest.mark.skipif(shutil.which("pcs") is None, reason="pcs is not installed")

RESOURCES = (
    '<primitive id="web" class="ocf" provider="pacemaker" type="Dummy"/>',
    '<clone id="db-clone"><meta_attributes id="db-clone-meta_attributes"><nvpair '
    'id="db-clone-meta_attributes-promotable" name="promotable" value="true"/>'
    '</meta_attributes><primitive id="db" class="ocf" provider="pacemaker" type="Stateful"/></clone>',
)


@pytest.fixture
def cib(tmp_path):
    return new_cib(tmp_path / "cib.xml", *RESOURCES)


def tickets(path, *items, bypass=False, check_mode=False):
    items = [dict({"state": "present"}, **i) for i in items]
    return _cib.Cib(str(path)).transaction(
        lambda plan: _tickets.plan_tickets(plan, items, "tickets", bypass_booth=bypass),
        check_mode=check_mode,
    )


def ticket_info(path, name):
    out = tool(path, "crm_ticket", "--ticket", name, "--query-xml").stdout
    return etree.fromstring(out[out.index("<") :].encode())  # after "State XML:"


@needs_pcs
def test_constraints_are_what_pcs_writes(tmp_path):
    theirs = new_cib(tmp_path / "pcs.xml", *RESOURCES)
    for args in (
        ["T1", "web", "loss-policy=freeze"],
        ["T1", pcs_role("Promoted"), "db-clone", "loss-policy=demote"],
    ):
        subprocess.run(
            ["pcs", "-f", str(theirs), "constraint", "ticket", "add", *args],
            check=True,
            capture_output=True,
        )
    item = {
        "name": "T1",
        "constraints": [
            {"resource": "web", "loss_policy": "freeze"},
            {"resource": "db-clone", "role": "Promoted", "loss_policy": "demote"},
        ],
    }
    ours = new_cib(tmp_path / "ours.xml", *RESOURCES)
    assert tickets(ours, item).changed
    assert canonical(config_of(ours)) == canonical(config_of(theirs))
    verify(ours)
    content = theirs.read_bytes()
    assert not tickets(theirs, item).changed
    assert theirs.read_bytes() == content


def test_either_role_spelling_matches_and_the_schema_picks_the_written_one(cib):
    """Master/Slave and Promoted/Unpromoted are one role: a constraint written
    with the legacy name (pcs 0.10, or by hand) is already there for either
    spelling, and a new one gets the spelling this CIB's schema accepts."""
    legacy = '<rsc_ticket id="t-db" ticket="T1" rsc="db-clone" rsc-role="Master"/>'
    by_hand = new_cib(cib.parent / "by-hand.xml", *RESOURCES)
    # (Pacemaker 3.0 still takes it, with a deprecation warning from crm_verify)
    tool(by_hand, "cibadmin", "--create", "--scope", "constraints", "--xml-text", legacy)
    content = by_hand.read_bytes()
    for role in ("Promoted", "Master"):
        item = {"name": "T1", "constraints": [{"resource": "db-clone", "role": role}]}
        assert not tickets(by_hand, item).changed
    assert by_hand.read_bytes() == content
    item = {"name": "T2", "constraints": [{"resource": "db-clone", "role": "Master"}]}
    assert tickets(cib, item).changed
    verify(cib)
    written = etree.parse(str(cib)).xpath("//rsc_ticket[@ticket='T2']/@rsc-role")
    schema = _cib.schema_version(etree.parse(str(cib)).getroot())
    assert written == ["Promoted" if schema >= (3, 7) else "Master"]


def test_grant_standby_revoke_through_crm_ticket(cib):
    item = {
        "name": "T1",
        "constraints": [{"resource": "web", "loss_policy": "stop"}],
        "grant": "granted",
    }
    tool(cib, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>')

    def scheduler_starts_web():
        sim = tool(cib, "crm_simulate", "--live-check", "--simulate", "--node-up", "n1").stdout
        return "Start      web" in sim

    tickets(cib, dict(item, grant=None), bypass=True)
    assert not scheduler_starts_web()  # bound to a ticket nobody holds
    content = cib.read_bytes()
    planned = tickets(cib, item, bypass=True, check_mode=True)
    assert planned.changed and "crm_ticket --ticket T1 --grant" in planned.plan.diff()["after"]
    assert cib.read_bytes() == content
    assert tickets(cib, item, bypass=True).changed
    assert ticket_info(cib, "T1").get("granted") == "true"
    assert scheduler_starts_web()
    content = cib.read_bytes()
    assert not tickets(cib, item, bypass=True).changed
    assert cib.read_bytes() == content
    assert tickets(cib, dict(item, standby=True), bypass=True).changed
    assert ticket_info(cib, "T1").get("standby") == "true"
    assert tickets(cib, dict(item, standby=False, grant="revoked"), bypass=True).changed
    state = ticket_info(cib, "T1")
    assert state.get("granted") == "false" and state.get("standby") == "false"
    verify(cib)


def test_grant_without_bypass_never_touches_ticket_state(cib):
    assert tickets(cib, {"name": "T1", "grant": "granted"}).changed is False
    assert (
        tool(cib, "crm_ticket", "--ticket", "T1", "--query-xml", check=False).returncode != 0
        or ticket_info(cib, "T1").get("granted") != "true"
    )


def test_absent_removes_constraints_and_exclusive_prunes(cib):
    tickets(cib, {"name": "T1", "constraints": [{"resource": "web"}, {"resource": "db-clone"}]})
    tickets(cib, {"name": "T2", "constraints": [{"resource": "web"}]})
    with pytest.raises(_cib.ValidationError, match="release_resources: .*'db-clone'"):
        tickets(
            cib, {"name": "T1", "constraints": [{"resource": "web"}], "exclusive_constraints": True}
        )
    result = tickets(cib, {"name": "T1", "constraints": [{"resource": "db-clone"}]})
    assert not result.changed  # db-clone would be bound to no ticket: see below
    result = tickets(
        cib,
        {
            "name": "T1",
            "constraints": [{"resource": "web"}],
            "exclusive_constraints": True,
            "release_resources": True,
        },
    )
    assert result.changed
    ids = etree.parse(str(cib)).xpath("//rsc_ticket/@id")
    assert sorted(ids) == ["ticket-T1-web", "ticket-T2-web"]
    assert tickets(cib, {"name": "T1", "state": "absent"}).changed  # web keeps T2
    assert etree.parse(str(cib)).xpath("//rsc_ticket/@id") == ["ticket-T2-web"]
    verify(cib)


def test_removing_a_ticket_never_lets_its_resource_run_everywhere_unasked(cib):
    """What Pacemaker's scheduler does with the CIB decides: a resource bound
    to a ticket nobody here holds stays stopped; removing its last ticket
    constraint would start it at this site too. That is refused (file
    byte-identical) unless the resource is stopped or release_resources."""
    tool(cib, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>')

    def scheduler_starts_web():
        sim = tool(cib, "crm_simulate", "--live-check", "--simulate", "--node-up", "n1").stdout
        return "Start      web" in sim

    item = {"name": "T1", "constraints": [{"resource": "web", "loss_policy": "stop"}]}
    tickets(cib, item, bypass=True)
    assert not scheduler_starts_web()
    content = cib.read_bytes()
    for check_mode in (True, False):
        with pytest.raises(_cib.ValidationError) as refused:
            tickets(cib, {"name": "T1", "state": "absent"}, check_mode=check_mode)
        assert "release_resources" in str(refused.value.errors)
        assert "'web'" in str(refused.value.errors)
        assert cib.read_bytes() == content
    # stopped by its target-role (pcs resource disable): nothing can start
    tool(
        cib,
        "crm_resource",
        "--resource",
        "web",
        "--meta",
        "--set-parameter",
        "target-role",
        "--parameter-value",
        "Stopped",
    )
    gone = tickets(cib, {"name": "T1", "state": "absent"}, check_mode=True)
    assert gone.changed
    tool(cib, "crm_resource", "--resource", "web", "--meta", "--delete-parameter", "target-role")
    # bound to another ticket in the same task: still protected
    assert tickets(
        cib, {"name": "T1", "state": "absent"}, {"name": "T2", "constraints": [{"resource": "web"}]}
    ).changed
    assert not scheduler_starts_web()
    # and released on purpose: the scheduler now starts it
    assert tickets(cib, {"name": "T2", "state": "absent", "release_resources": True}).changed
    assert scheduler_starts_web()
    verify(cib)


def test_absent_cleans_the_ticket_state_as_pcs_booth_ticket_cleanup(cib):
    """A granted ticket that goes: constraints first (so its loss-policy never
    fires), then its state leaves the CIB (crm_ticket --cleanup); rerun: no change."""
    item = {"name": "T1", "constraints": [{"resource": "web"}], "grant": "granted"}
    tickets(cib, item, bypass=True)
    assert ticket_info(cib, "T1").get("granted") == "true"
    gone = {"name": "T1", "state": "absent", "release_resources": True}
    planned = tickets(cib, gone, check_mode=True)
    assert "crm_ticket --ticket T1 --cleanup --force" in planned.plan.diff()["after"]
    assert ticket_info(cib, "T1").get("granted") == "true"  # check mode ran nothing
    result = tickets(cib, gone)
    assert result.changed and result.plan.facts["tickets"][0]["granted"] is False
    cib_xml = etree.parse(str(cib))
    assert not cib_xml.xpath("//ticket_state[@id='T1']") and not cib_xml.xpath("//rsc_ticket")
    content = cib.read_bytes()
    assert not tickets(cib, gone).changed
    assert cib.read_bytes() == content
    verify(cib)


def test_loss_policy_is_repaired_in_place(cib):
    tickets(cib, {"name": "T1", "constraints": [{"resource": "web", "loss_policy": "stop"}]})
    result = tickets(
        cib, {"name": "T1", "constraints": [{"resource": "web", "loss_policy": "freeze"}]}
    )
    assert result.changed
    assert etree.parse(str(cib)).xpath("//rsc_ticket/@loss-policy") == ["freeze"]


def test_thousand_constraints_in_one_transaction(tmp_path):
    path = new_cib(
        tmp_path / "cib.xml",
        *[
            '<primitive id="r%d" class="ocf" provider="pacemaker" type="Dummy"/>' % i
            for i in range(0)
        ],
    )
    rsc = "".join(
        '<primitive id="r%d" class="ocf" provider="pacemaker" type="Dummy"/>' % i
        for i in range(1000)
    )
    tool(
        path,
        "cibadmin",
        "--replace",
        "--scope",
        "resources",
        "--xml-text",
        "<resources>%s</resources>" % rsc,
    )
    items = [{"name": "T%d" % i, "constraints": [{"resource": "r%d" % i}]} for i in range(1000)]
    result = tickets(path, *items)
    assert result.changed and result.attempts == 1
    assert len(etree.parse(str(path)).xpath("//rsc_ticket")) == 1000
    verify(path)


BAD_CIB_ITEMS = [
    ({"name": ""}, "tickets[].name: '' is not a valid ticket name"),
    ({"name": "a_b"}, "'a_b' is not a valid ticket name"),
    ({"name": "x" * 64}, "is not a valid ticket name: use 1-63 characters"),
    # booth's client reads "booth grant -s SITE -t" as its option -t
    ({"name": "-t"}, "not starting with '-'"),
    (
        {"name": "T1", "constraints": [{"resource": "nope"}]},
        "tickets[T1].constraints[0].resource: 'nope' does not exist",
    ),
    (
        {"name": "T1", "constraints": [{"resource": "web", "loss_policy": "explode"}]},
        "constraints[0].loss_policy: 'explode' is not one of",
    ),
    (
        {"name": "T1", "constraints": [{"resource": "web", "role": "Boss"}]},
        "constraints[0].role: 'Boss' is not one of",
    ),
    (
        {"name": "T1", "constraints": [{"resource": "web", "loss_policy": "demote"}]},
        "'demote' only applies with role Promoted",
    ),
    (
        {"name": "T1", "constraints": [{"resource": "web", "loss_policy": "fence"}]},
        "loss_policy: 'fence' needs fencing, but stonith-enabled is false",
    ),
]


@pytest.mark.parametrize("item, message", BAD_CIB_ITEMS, ids=lambda x: str(x)[:30])
def test_bad_ticket_input_writes_nothing(cib, item, message):
    content = cib.read_bytes()
    with pytest.raises(_cib.ValidationError) as err:
        tickets(cib, item, bypass=True)
    assert message in str(err.value)
    assert cib.read_bytes() == content


BOOTH_CONF = """# sites
transport = UDP
port = 9929
authfile = /etc/booth/booth.key
site = 192.0.2.1
site = 192.0.2.2
arbitrator = 192.0.2.3
"""

BAD_CONFIG_ITEMS = [
    ({"name": "T1", "expire": "ten"}, "option 'expire' must be a duration"),
    ({"name": "T1", "timeout": "5s"}, "option 'timeout' must be a duration"),
    ({"name": "T1", "retries": 1}, "option 'retries'"),
    (
        {"name": "T1", "expire": "60", "timeout": "5", "retries": 10},
        "timeout * (retries + 1) must be less than renewal-freq",
    ),
    ({"name": "T1", "weights": [1, 2, 3, 4]}, "option 'weights' must be at most one weight per"),
    ({"name": "T1", "before_acquire_handler": "run.sh"}, "option 'before-acquire-handler'"),
    ({"name": "T1", "site": "198.51.100.1"}, "site: '198.51.100.1' is not a site in booth.conf"),
    ({"name": "a b"}, "the name must be 1-63 characters"),
]


@pytest.mark.parametrize("item, message", BAD_CONFIG_ITEMS, ids=lambda x: str(x)[:30])
def test_bad_booth_input_is_refused(item, message):
    new, errors = _booth.plan_config(BOOTH_CONF, [dict({"state": "present"}, **item)])
    assert any(message in e for e in errors), errors


def test_corrupt_booth_conf_is_never_rewritten():
    broken = BOOTH_CONF + "this is not booth\n"
    new, errors = _booth.plan_config(broken, [{"name": "T1", "state": "present"}])
    assert errors and "refusing to edit it" in errors[0] and new == broken


def test_booth_conf_edit_is_deterministic_and_idempotent():
    items = [{"name": "T1", "expire": "600", "retries": 5, "state": "present"}]
    first, errors = _booth.plan_config(BOOTH_CONF, items)
    assert not errors and first.startswith(BOOTH_CONF)
    again, errors = _booth.plan_config(first, items)
    assert again == first
    gone, _errors = _booth.plan_config(first, [{"name": "T1", "state": "absent"}])
    assert gone == BOOTH_CONF


@needs_pcs
def test_resource_sets_are_what_pcs_writes(tmp_path):
    extra = (
        '<primitive id="a" class="ocf" provider="pacemaker" type="Dummy"/>',
        '<primitive id="b" class="ocf" provider="pacemaker" type="Dummy"/>',
    )
    theirs = new_cib(tmp_path / "pcs.xml", *extra)
    for args in (
        ["a", "b", "setoptions", "ticket=T1", "loss-policy=stop"],
        ["a", "b", "role=" + pcs_role("Promoted"), "setoptions", "ticket=T2"],
    ):
        subprocess.run(
            ["pcs", "-f", str(theirs), "constraint", "ticket", "set", *args],
            check=True,
            capture_output=True,
        )
    items = [
        {"name": "T1", "constraints": [{"resources": ["a", "b"], "loss_policy": "stop"}]},
        {"name": "T2", "constraints": [{"resources": ["a", "b"], "role": "Promoted"}]},
    ]
    ours = new_cib(tmp_path / "ours.xml", *extra)
    assert tickets(ours, *items).changed
    assert canonical(config_of(ours)) == canonical(config_of(theirs))
    content = theirs.read_bytes()
    assert not tickets(theirs, *items).changed
    assert theirs.read_bytes() == content
    assert tickets(ours, {"name": "T1", "state": "absent"}).changed
    assert etree.parse(str(ours)).xpath("//rsc_ticket/@ticket") == ["T2"]


def test_an_option_is_unset_with_remove_options():
    items = [{"name": "T1", "expire": "600", "retries": 5, "state": "present"}]
    first, errors = _booth.plan_config(BOOTH_CONF, items)
    assert not errors
    remove = [{"name": "T1", "remove_options": ["retries", "mode"], "state": "present"}]
    second, errors = _booth.plan_config(first, remove)
    assert not errors
    assert bc.ticket_options(bc.parse(second), "T1") == {"expire": "600"}
    assert bc.syntax_errors(bc.parse(second)) == []
    again, errors = _booth.plan_config(second, remove)
    assert not errors and again == second


def test_an_option_removed_and_set_at_once_is_refused():
    item = {"name": "T1", "expire": "600", "remove_options": ["expire"], "state": "present"}
    new, errors = _booth.plan_config(BOOTH_CONF, [item])
    assert any("remove_options: 'expire' also given a value" in e for e in errors), errors
