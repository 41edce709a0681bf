"""The booth role's own checks (tasks/validate.yml, one controller-side task):
each rule a host breaks is named in the message, the rules it keeps are not,
and a sound geo cluster passes. Through real ansible-playbook, the role's
validate.yml only (nothing is touched)."""

import base64

import pytest
from ansible_run import MODULE_PYTHON, failures, playbook

SITES = ["192.0.2.1", "192.0.2.2"]
SOUND = {
    "booth_member": "site",
    "booth_site_ip": SITES[0],
    "booth_sites": SITES,
    "booth_arbitrators": ["192.0.2.3"],
    "booth_tickets": [{"name": "ticketA", "grant": "granted", "site": SITES[0]}],
}
RULES = {
    "sites": "booth_sites needs at least two distinct site addresses",
    "place": "A site node needs booth_site_ip",
    "key": "booth_key_b64 must be base64 of 8 to 64 bytes",
    "ticket": "letters, digits and",
    "unique": "Ticket names in booth_tickets must be unique.",
}


def validate(tmp_path, **overrides):
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(
        "h1 ansible_connection=local ansible_python_interpreter=%s\n" % MODULE_PYTHON
    )
    task = {
        "name": "validate",
        "ansible.builtin.include_role": {
            "name": "hacluster.pacemaker.booth",
            "tasks_from": "validate.yml",
        },
        "vars": dict(SOUND, **overrides),
    }
    rc, data, _proc = playbook(tmp_path, [task], hosts="all", inventory=inventory)
    return rc, " ".join(failures(data))


def test_a_sound_geo_cluster_passes(tmp_path):
    rc, message = validate(tmp_path)
    assert (rc, message) == (0, "")


@pytest.mark.parametrize(
    "overrides, broken",
    [
        ({"booth_sites": SITES[:1], "booth_site_ip": SITES[0]}, "sites"),
        ({"booth_sites": [SITES[0], SITES[0]]}, "sites"),
        ({"booth_arbitrators": [SITES[1]]}, "sites"),
        ({"booth_port": 70000}, "sites"),
        ({"booth_instance": "a b"}, "sites"),
        (
            {
                "booth_sites": ["site-a.example", "site-b.example"],
                "booth_site_ip": "site-a.example",
                "booth_tickets": [],
            },
            "sites",
        ),
        ({"booth_site_ip": "192.0.2.9"}, "place"),
        ({"booth_key_mode": "0640"}, "key"),
        ({"booth_key_size": 65}, "key"),
        ({"booth_key_b64": "not base64!"}, "key"),
        ({"booth_key_b64": base64.b64encode(b"x" * 65).decode()}, "key"),
        ({"booth_tickets": [{"name": "bad_name"}]}, "ticket"),
        ({"booth_tickets": [{"name": "t", "grant": "granted", "site": "192.0.2.9"}]}, "ticket"),
        ({"booth_tickets": [{"name": "t", "weights": [1]}]}, "ticket"),
        (
            {
                "booth_tickets": [
                    {"name": "t", "grant": "granted", "site": SITES[0], "state": "absent"}
                ]
            },
            "ticket",
        ),
        ({"booth_tickets": [{"name": "t"}, {"name": "t"}]}, "unique"),
    ],
)
def test_each_broken_rule_is_named_alone(tmp_path, overrides, broken):
    rc, message = validate(tmp_path, **overrides)
    assert rc != 0
    for rule, text in RULES.items():
        assert (text in message) == (rule == broken), (rule, message)


def test_every_broken_rule_is_named_at_once(tmp_path):
    rc, message = validate(
        tmp_path, booth_port=0, booth_key_mode="0644", booth_tickets=[{"name": "x y"}]
    )
    assert rc != 0
    for rule in ("sites", "key", "ticket"):
        assert RULES[rule] in message
    assert "Ticket x y:" in message
