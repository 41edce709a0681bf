"""One home for the ticket options: the booth role's booth_tickets spec must be
the booth_ticket module's (names, types, elements, choices), and the role must
hand every option to the module."""

import yaml
from pathlib import Path

from ansible_collections.hacluster.pacemaker.plugins.modules import booth_ticket

ROLE = Path(__file__).resolve().parents[2] / "roles" / "booth"
SHAPE = ("type", "elements", "choices")


def _shape(spec):
    out = {}
    for name, opt in spec.items():
        out[name] = tuple(opt.get(k) for k in SHAPE)
        if opt.get("options"):
            out.update(("%s.%s" % (name, k), v) for k, v in _shape(opt["options"]).items())
    return out


def test_role_spec_is_the_module_spec():
    role = yaml.safe_load((ROLE / "meta" / "argument_specs.yml").read_text())
    role_tickets = role["argument_specs"]["main"]["options"]["booth_tickets"]["options"]
    module_tickets = dict(
        booth_ticket.ITEM_SPEC,
        name=dict(type="str"),
        state=dict(type="str", choices=["present", "absent"]),
    )
    # moving a ticket is an operation (the module, run once), not inventory
    # state that every rerun would apply again
    del module_tickets["move"]
    assert _shape(role_tickets) == _shape(module_tickets)


def test_role_passes_every_option_to_the_module():
    keys = yaml.safe_load((ROLE / "vars" / "main.yml").read_text())
    passed = set()
    for part in ("config", "cib", "grant"):
        passed |= set(keys["__booth_ticket_%s_keys" % part])
    assert passed == set(booth_ticket.ITEM_SPEC) - {"move"} | {"state"}
