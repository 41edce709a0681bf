"""The roles' checks and the modules they feed decide alike (one home per
rule: the roles' validate.yml use the collection's test and filter plugins,
built on the modules' own module_utils). For each value of a table of edges
and hostile spellings, the role's validate.yml refuses it exactly when the
module refuses it. Through real ansible-playbook: one run of validate.yml with
a local host per value, one run of the module with a loop over the values."""

import base64
import ipaddress

import pytest
import yaml
from ansible_run import MODULE_PYTHON, playbook, result

from cibfiles import new_cib

SITES = ["192.0.2.1", "192.0.2.2"]
BOOTH = {
    "booth_member": "site",
    "booth_site_ip": SITES[0],
    "booth_sites": SITES,
    "booth_arbitrators": ["192.0.2.3"],
    "booth_tickets": [],
}


def b64(size):
    return base64.b64encode(bytes(i % 256 for i in range(size))).decode()


TICKET_NAMES = [
    "t",
    "T-1",
    "x" * 63,
    "x" * 64,
    "",
    "a_b",
    "a b",
    "t\n",
    "\nt",
    "\u00e4",
    "-",
    "-t",
    "--help",
    "t-",
]
BOOTH_KEYS = [b64(8), b64(64), b64(7), b64(65), b64(32)[:-1], "!!!!", b64(16) + "\n", " " + b64(16)]
REMOTE_KEYS = [b64(32), b64(4096), b64(31), "not base64", b64(64)[:10] + "\n" + b64(64)[10:]]
MODES = ["0640", "640", "0600", "0o640", "8", "0x1a", "", "17777", "-640", "0640\n"]
PORTS = [1, 65535, 0, 65536, -1, "3121", "0x10", "3121.0", "\u0663\u0661\u0662\u0661", "+3121"]


def role_refuses(tmp_path, role, group, values, variables):
    """host index -> whether the role's validate.yml fails for that value."""
    hosts = {
        "h%d" % i: dict(
            variables(value), ansible_connection="local", ansible_python_interpreter=MODULE_PYTHON
        )
        for i, value in enumerate(values)
    }
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"children": {group: {"hosts": hosts}}}}))
    task = {
        "name": "validate",
        "ansible.builtin.include_role": {
            "name": "hacluster.pacemaker." + role,
            "tasks_from": "validate.yml",
        },
    }
    _rc, data, _proc = playbook(tmp_path, [task], hosts="all", inventory=inventory)
    failed = {
        h for t in data["plays"][0]["tasks"] for h, r in t["hosts"].items() if r.get("failed")
    }
    return ["h%d" % i in failed for i in range(len(values))]


def module_refuses(tmp_path, module, args, values):
    """Whether the module fails, for each value (args template `item` and
    its index `idx`)."""
    task = {
        "name": "module",
        module: args,
        "loop": "{{ values }}",
        "loop_control": {"index_var": "idx"},
        "ignore_errors": True,
    }
    _rc, data, _proc = playbook(tmp_path, [dict(task, vars={"values": values})])
    return [bool(r.get("failed")) for r in result(data)["results"]]


def agree(tmp_path, values, role_side, module, args):
    (tmp_path / "role").mkdir()
    (tmp_path / "module").mkdir()
    refused_by_role = role_side(tmp_path / "role")
    refused_by_module = module_refuses(tmp_path / "module", module, args, values)
    return {
        repr(v): (r, m)
        for v, r, m in zip(values, refused_by_role, refused_by_module, strict=True)
        if r != m
    }


def test_ticket_names(tmp_path):
    cib = new_cib(tmp_path / "cib.xml")
    differ = agree(
        tmp_path,
        TICKET_NAMES,
        lambda p: role_refuses(
            p, "booth", "sites", TICKET_NAMES, lambda v: dict(BOOTH, booth_tickets=[{"name": v}])
        ),
        "hacluster.pacemaker.booth_ticket",
        {"name": "{{ item }}", "manage": ["cib"], "cib_file": str(cib)},
    )
    assert not differ, differ


@pytest.mark.parametrize(
    "role, group, values, variable, args",
    [
        ("booth", "sites", BOOTH_KEYS, "booth_key_b64", {"min_size": 8, "max_size": 64}),
        (
            "pacemaker_remote",
            "cluster_nodes",
            REMOTE_KEYS,
            "pacemaker_remote_authkey",
            {"min_size": 32},
        ),
    ],
)
def test_keys(tmp_path, role, group, values, variable, args):
    base = BOOTH if role == "booth" else {}
    differ = agree(
        tmp_path,
        values,
        lambda p: role_refuses(p, role, group, values, lambda v: dict(base, **{variable: v})),
        "hacluster.pacemaker.authkey",
        dict(args, path=str(tmp_path / "key{{ idx }}"), content="{{ item }}"),
    )
    assert not differ, differ


def test_authkey_modes(tmp_path):
    differ = agree(
        tmp_path,
        MODES,
        lambda p: role_refuses(
            p,
            "pacemaker_remote",
            "cluster_nodes",
            MODES,
            lambda v: {"pacemaker_remote_authkey_mode": v},
        ),
        "hacluster.pacemaker.authkey",
        {
            "path": str(tmp_path / "key{{ idx }}"),
            "generate": True,
            "size": 32,
            "mode": "{{ item }}",
        },
    )
    assert not differ, differ


def test_ports_the_role_accepts_the_module_accepts(tmp_path):
    """The modules' port options are integers, so Ansible turns '+3121' into
    3121 before the module's rule sees it; the roles' check is stricter by
    that much and never looser."""
    cib = new_cib(tmp_path / "cib.xml")
    (tmp_path / "role").mkdir()
    (tmp_path / "module").mkdir()
    by_role = role_refuses(
        tmp_path / "role",
        "pacemaker_remote",
        "cluster_nodes",
        PORTS,
        lambda v: {"pacemaker_remote_port": v},
    )
    by_module = module_refuses(
        tmp_path / "module",
        "hacluster.pacemaker.pacemaker_remote_node",
        {"name": "r1", "server": "192.0.2.5", "port": "{{ item }}", "cib_file": str(cib)},
        PORTS,
    )
    looser = [v for v, r, m in zip(PORTS, by_role, by_module, strict=True) if m and not r]
    assert not looser, looser
    assert by_role[:2] == [False, False] and all(by_role[2:5]), by_role


SOURCES = [
    "192.0.2.11",
    "2001:DB8::1",
    "192.0.2.0/24",
    "192.0.2.5/24",
    "node1",
    "",
    "fe80::1%eth0",
    '192.0.2.1" accept rule family="ipv4',
    "192.0.2.1\n",
    "10.0.0.0/33",
]


def _is_network(value):
    try:
        return "%" not in value and bool(ipaddress.ip_network(value, strict=True))
    except ValueError:
        return False


@pytest.mark.parametrize(
    "role, group, variable",
    [
        ("booth", "sites", "booth_firewall_sources"),
        ("pacemaker_remote", "cluster_nodes", "pacemaker_remote_firewall_sources"),
    ],
)
def test_both_roles_refuse_the_sources_that_are_no_network(tmp_path, role, group, variable):
    """Python's ipaddress is the oracle; both roles refuse, before any host
    is touched, exactly the sources it says are no address or network."""
    base = BOOTH if role == "booth" else {}
    refused = role_refuses(tmp_path, role, group, SOURCES, lambda v: dict(base, **{variable: [v]}))
    assert refused == [not _is_network(s) for s in SOURCES], list(
        zip(SOURCES, refused, strict=True)
    )
