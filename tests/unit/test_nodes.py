"""Remote and guest node planning on real CIB files, checked against pcs and
Pacemaker's own tools."""

import shutil
import subprocess

import pytest
from cibfiles import canonical, config_of, epoch, new_cib, pcs_version, tool, verify
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _nodes

DUMMY = '<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>'

needs_pcs = pytest.mark.skipif(shutil.which("pcs") is None, reason="pcs is not installed")


def pcs(path, *args):
    proc = subprocess.run(
        ["pcs", "-f", str(path), *args], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def remote(path, *items, check_mode=False):
    items = [dict({"state": "present"}, **i) for i in items]
    return _cib.Cib(str(path)).transaction(
        lambda plan: _nodes.plan_remote_nodes(plan, items, "nodes"), check_mode=check_mode
    )


def guest(path, *items):
    items = [dict({"state": "present"}, **i) for i in items]
    return _cib.Cib(str(path)).transaction(
        lambda plan: _nodes.plan_guest_nodes(plan, items, "nodes")
    )


REMOTE_CASES = [
    (
        ["rh1", "192.0.2.5", "port=3122", "reconnect_interval=60"],
        {"name": "rh1", "server": "192.0.2.5", "port": 3122, "reconnect_interval": "60"},
    ),
    (["rh2"], {"name": "rh2"}),
    (
        ["rh3", "192.0.2.7", "op", "monitor", "interval=30s", "timeout=20s"],
        {
            "name": "rh3",
            "server": "192.0.2.7",
            "operations": [{"name": "monitor", "interval": "30s", "timeout": "20s"}],
        },
    ),
]


@needs_pcs
@pytest.mark.parametrize("pcs_args, item", REMOTE_CASES, ids=lambda x: str(x)[:20])
def test_remote_node_is_what_pcs_writes(tmp_path, pcs_args, item):
    theirs = new_cib(tmp_path / "pcs.xml")
    pcs(theirs, "cluster", "node", "add-remote", *pcs_args, "--skip-offline")
    ours = new_cib(tmp_path / "ours.xml")
    assert remote(ours, item).changed
    assert canonical(config_of(ours)) == canonical(config_of(theirs))
    verify(ours)
    # and what pcs built is already there for us: no change, no write
    content = theirs.read_bytes()
    assert not remote(theirs, item).changed
    assert theirs.read_bytes() == content


@needs_pcs
def test_guest_node_is_what_pcs_writes(tmp_path):
    theirs = new_cib(tmp_path / "pcs.xml", DUMMY % "vm1")
    pcs(
        theirs,
        "cluster",
        "node",
        "add-guest",
        "gh1",
        "vm1",
        "remote-addr=192.0.2.6",
        "remote-connect-timeout=30s",
    )
    ours = new_cib(tmp_path / "ours.xml", DUMMY % "vm1")
    item = {
        "name": "gh1",
        "resource": "vm1",
        "remote_addr": "192.0.2.6",
        "remote_connect_timeout": "30s",
    }
    assert guest(ours, item).changed
    assert canonical(config_of(ours)) == canonical(config_of(theirs))
    verify(ours)
    content = theirs.read_bytes()
    assert not guest(theirs, item).changed
    # pcs writes remote-addr=<name> when given none; leaving remote_addr out keeps it
    assert not guest(theirs, {"name": "gh1", "resource": "vm1"}).changed
    assert theirs.read_bytes() == content


def test_equal_durations_are_no_change(cib):
    remote(cib, {"name": "rh1", "server": "192.0.2.5", "reconnect_interval": "60"})
    content = cib.read_bytes()
    result = remote(
        cib,
        {
            "name": "rh1",
            "server": "192.0.2.5",
            "reconnect_interval": "1min",
            "operations": [{"name": "monitor", "interval": "1m", "timeout": "30"}],
        },
    )
    assert not result.changed
    assert cib.read_bytes() == content


@pytest.mark.parametrize("pcs_wrote", ["PT1M", "pt1m", "P1D", "60S", "\u0666\u0660"])
def test_existing_values_pacemaker_may_hold_do_not_crash(cib, pcs_wrote):
    """A node built elsewhere may hold any string; it is compared, never crashes:
    equal by value is no change, anything else is converged to what was asked."""
    remote(cib, {"name": "rh1", "server": "192.0.2.5", "reconnect_interval": "60"})
    tree = etree.parse(str(cib))
    tree.find(".//nvpair[@name='reconnect_interval']").set("value", pcs_wrote)
    tree.write(str(cib), xml_declaration=False, encoding="utf-8")
    content = cib.read_bytes()
    result = remote(cib, {"name": "rh1", "server": "192.0.2.5", "reconnect_interval": "1min"})
    same = pcs_wrote in ("PT1M", "60S")
    assert result.changed is not same
    if same:
        assert cib.read_bytes() == content


@pytest.mark.parametrize("kind", ["remote", "guest"])
@pytest.mark.parametrize("had", [None, "3121", "3122"])
def test_the_default_port_given_is_the_default(cib, kind, had):
    """port 3121 declared means Pacemaker's default: a node without a port
    (as pcs makes it) or with 3121 is left alone, another port goes, and
    Pacemaker then connects on 3121 (crm_verify accepts the result)."""
    key, option = ("port", "port") if kind == "remote" else ("remote-port", "remote_port")
    item = {"name": "rh1", "server": "192.0.2.5"} if kind == "remote" else {"name": "gh1"}
    if kind == "guest":
        item["resource"] = "vm1"
    plan = remote if kind == "remote" else guest
    plan(cib, dict(item, **({option: 3122} if had else {})))
    if had == "3121":  # as written by hand or another tool
        tree = etree.parse(str(cib))
        tree.xpath("//nvpair[@name=$k]", k=key)[0].set("value", had)
        tree.write(str(cib), encoding="utf-8")
    before = cib.read_bytes()
    result = plan(cib, dict(item, **{option: 3121}))
    assert result.changed is (had == "3122")
    values = etree.parse(str(cib)).xpath("//nvpair[@name=$k]/@value", k=key)
    assert values == ([] if had != "3121" else ["3121"])
    if not result.changed:
        assert cib.read_bytes() == before
    verify(cib)
    assert not plan(cib, dict(item, **{option: 3121})).changed


DURATION_DEFAULTS = {  # kind: (option, CIB attribute, Pacemaker's default, zero-equal spellings)
    "remote": ("reconnect_interval", "reconnect_interval", ("0", "0ms"), ("0", "0s")),
    "guest": ("remote_connect_timeout", "remote-connect-timeout", ("60s", "1min"), ("60", "PT1M")),
}


@pytest.mark.parametrize("kind", sorted(DURATION_DEFAULTS))
@pytest.mark.parametrize("had", [None, "same", "other"])
@pytest.mark.parametrize("spelling", [0, 1])
def test_a_duration_given_as_the_default_is_the_default(cib, kind, had, spelling):
    """reconnect_interval 0 (no reconnect) and remote-connect-timeout 60s are
    Pacemaker's defaults, which pcs writes as no attribute: declared, none is
    added, another value goes, the default already there in any spelling stays
    (crm_verify accepts the result)."""
    option, attr, given, same = DURATION_DEFAULTS[kind]
    item = (
        {"name": "rh1", "server": "192.0.2.5"}
        if kind == "remote"
        else {
            "name": "gh1",
            "resource": "vm1",
        }
    )
    plan = remote if kind == "remote" else guest
    plan(cib, dict(item, **({option: "45s"} if had else {})))
    if had == "same":  # as pcs or a hand edit writes it (our module writes no default)
        tree = etree.parse(str(cib))
        tree.xpath("//nvpair[@name=$k]", k=attr)[0].set("value", same[spelling])
        tree.write(str(cib), encoding="utf-8")
    before = cib.read_bytes()
    result = plan(cib, dict(item, **{option: given[spelling]}))
    assert result.changed is (had == "other")
    values = etree.parse(str(cib)).xpath("//nvpair[@name=$k]/@value", k=attr)
    assert values == ([same[spelling]] if had == "same" else [])
    if not result.changed:
        assert cib.read_bytes() == before
    verify(cib)
    assert not plan(cib, dict(item, **{option: given[spelling]})).changed


def test_present_repairs_drift_in_place(cib):
    remote(cib, {"name": "rh1", "server": "192.0.2.5", "port": 3122})
    tool(
        cib,
        "cibadmin",
        "--modify",
        "--xml-text",
        '<nvpair id="rh1-instance_attributes-server" value="198.51.100.9"/>',
    )
    result = remote(cib, {"name": "rh1", "server": "192.0.2.5"})
    assert result.changed
    assert 'value="198.51.100.9"' in result.plan.diff()["before"]
    server = etree.parse(str(cib)).xpath("//nvpair[@id='rh1-instance_attributes-server']/@value")
    assert server == ["192.0.2.5"]
    assert not remote(cib, {"name": "rh1", "server": "192.0.2.5", "port": 3122}).changed


def test_absent_removes_node_and_only_its_constraints(cib):
    remote(cib, {"name": "rh1", "server": "192.0.2.5"})
    tool(cib, "cibadmin", "--create", "--scope", "resources", "--xml-text", DUMMY % "web")
    for xml in (
        '<rsc_location id="loc-rh1" rsc="rh1" node="n1" score="100"/>',
        '<rsc_location id="loc-web" rsc="web" node="rh1" score="100"/>',
        '<rsc_order id="ord" first="rh1" then="web"/>',
        '<rsc_colocation id="col-set" score="INFINITY"><resource_set id="s1">'
        '<resource_ref id="rh1"/><resource_ref id="web"/></resource_set></rsc_colocation>',
        '<rsc_colocation id="col-only" score="INFINITY"><resource_set id="s2">'
        '<resource_ref id="rh1"/></resource_set></rsc_colocation>',
    ):
        tool(cib, "cibadmin", "--create", "--scope", "constraints", "--xml-text", xml)
    result = remote(cib, {"name": "rh1", "state": "absent"})
    assert result.changed
    tree = etree.parse(str(cib))
    assert not tree.xpath("//primitive[@id='rh1']")
    # loc-web places web on the node: pcs removes it with the node (see
    # test_remote_removal_is_what_pcs_does)
    assert sorted(tree.xpath("//constraints/*/@id")) == ["col-set"]
    assert tree.xpath("//resource_set[@id='s1']/resource_ref/@id") == ["web"]
    verify(cib)
    content = cib.read_bytes()
    assert not remote(cib, {"name": "rh1", "state": "absent"}).changed
    assert cib.read_bytes() == content


def test_guest_absent_removes_exactly_the_remote_meta(cib):
    tool(
        cib,
        "crm_resource",
        "--resource",
        "vm1",
        "--meta",
        "--set-parameter",
        "target-role",
        "--parameter-value",
        "Started",
    )
    guest(cib, {"name": "gh1", "resource": "vm1", "remote_addr": "192.0.2.6", "remote_port": 3121})
    result = guest(cib, {"name": "gh1", "state": "absent"})
    assert result.changed
    tree = etree.parse(str(cib))
    assert tree.xpath("//primitive[@id='vm1']//nvpair/@name") == ["target-role"]
    verify(cib)


def test_batch_of_many_nodes_is_one_change(cib):
    before = int(epoch(cib))
    items = [{"name": "r%d" % i, "server": "10.1.%d.%d" % (i // 250, i % 250)} for i in range(500)]
    result = remote(cib, *items)
    assert result.changed and result.attempts == 1
    assert len(etree.parse(str(cib)).xpath("//primitive[@type='remote']")) == 500
    assert int(epoch(cib)) - before <= 2  # one patch (the file backend bumps once more)
    verify(cib)
    content = cib.read_bytes()
    assert not remote(cib, *items).changed
    assert cib.read_bytes() == content


@pytest.fixture
def busy_cib(tmp_path):
    path = new_cib(
        tmp_path / "cib.xml",
        DUMMY % "vm1",
        DUMMY % "vm2",
        '<group id="grp"><primitive id="g1" class="ocf" provider="pacemaker" '
        'type="Dummy"/></group>',
        '<clone id="cl"><primitive id="c1" class="ocf" provider="pacemaker" type="Dummy"/></clone>',
    )
    tool(
        path, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>'
    )
    remote(path, {"name": "rh1", "server": "192.0.2.5"})
    guest(path, {"name": "gh1", "resource": "vm2", "remote_addr": "192.0.2.6"})
    return path


BAD_REMOTE = [
    ({"name": ""}, "nodes[].name: must not be empty"),
    ({"name": "1node"}, "the first character must be a letter"),
    ({"name": "a b"}, "use only letters, digits"),
    ({"name": "vm1"}, "nodes[vm1].name: 'vm1' is already used as an id"),
    ({"name": "n1"}, "already the name of a cluster node"),
    # Pacemaker compares node names case-insensitively: N1 is n1
    ({"name": "N1"}, "'N1' is already the name of a cluster node ('n1': Pacemaker compares"),
    ({"name": "RH1", "server": "192.0.2.9"}, "'RH1' is already a remote node ('rh1'"),
    ({"name": "GH1", "server": "192.0.2.9"}, "'GH1' is already a guest node ('gh1'"),
    ({"name": "rh2", "reconnect_interval": "P1D"}, "reads a day short"),
    ({"name": "rh2", "reconnect_interval": "\u0666\u0660"}, "not a valid Pacemaker duration"),
    ({"name": "rh2", "reconnect_interval": "60\x00"}, "'60\\x00' is not a valid"),
    (
        {"name": "rh2", "operations": [{"name": "monitor", "interval": "PT5M", "timeout": "P1W"}]},
        "operations.monitor.timeout: 'P1W' has a date part",
    ),
    ({"name": "gh1"}, "already a guest node (resource 'vm2')"),
    (
        {"name": "rh2", "server": "192.0.2.5"},
        "server: address '192.0.2.5' is already used by node 'rh1'",
    ),
    ({"name": "rh2", "server": " "}, "nodes[rh2].server: must not be empty"),
    ({"name": "rh2", "port": 0}, "nodes[rh2].port: '0' is not a valid port number"),
    ({"name": "rh2", "port": 70000}, "use an integer from 1 to 65535"),
    (
        {"name": "rh2", "reconnect_interval": "soon"},
        "reconnect_interval: 'soon' is not a valid Pacemaker duration",
    ),
    (
        {"name": "rh2", "instance_attributes": {"server": "x"}},
        "set 'server' through the 'server' option",
    ),
    (
        {"name": "rh2", "meta_attributes": {"remote-node": "x"}},
        "use the hacluster.pacemaker.guest_node module",
    ),
    (
        {"name": "rh2", "operations": [{"name": "monitor", "interval": "10s", "timeout": "never"}]},
        "operations.monitor.timeout: 'never' is not a valid Pacemaker duration",
    ),
    (
        {
            "name": "rh2",
            "operations": [
                {"name": "monitor", "interval": "10s"},
                {"name": "monitor", "interval": "10"},
            ],
        },
        "is given twice",
    ),
    ({"name": "vm1", "state": "absent"}, "'vm1' is not a remote node"),
    # a guest node's name: removing "nothing" would leave the node in place
    ({"name": "gh1", "state": "absent"}, "'gh1' is a guest node (resource 'vm2' carries it)"),
    ({"name": "GH1", "state": "absent"}, "remove it with hacluster.pacemaker.guest_node"),
]

BAD_GUEST = [
    ({"name": "gh2", "resource": "nope"}, "resource: 'nope' does not exist"),
    ({"name": "gh2", "resource": "grp"}, "'grp' is a <group>, not a primitive"),
    ({"name": "gh2", "resource": "c1"}, "inside clone 'cl'; Pacemaker does not support"),
    (
        {"name": "gh2", "resource": "vm1", "remote_port": 65536},
        "remote_port: '65536' is not a valid port",
    ),
    (
        {"name": "gh2", "resource": "vm1", "remote_connect_timeout": "1x"},
        "remote_connect_timeout: '1x'",
    ),
    ({"name": "rh1", "resource": "vm1"}, "'rh1' is already a remote node"),
    ({"name": "Rh1", "resource": "vm1"}, "'Rh1' is already a remote node ('rh1'"),
    ({"name": "N1", "resource": "vm1"}, "already the name of a cluster node ('n1'"),
    ({"name": "gh2", "resource": "vm1", "remote_connect_timeout": "P1D"}, "a day short"),
    ({"name": "gh2", "resource": "vm2"}, "'vm2' is already guest node 'gh1'"),
    ({"name": "gh2"}, "nodes[gh2].resource: required when state=present"),
    ({"name": "gh2", "resource": "rh1"}, "is a remote node connection"),
    (
        {"name": "gh2", "resource": "vm1", "remote_addr": "192.0.2.5"},
        "address '192.0.2.5' is already used by node 'rh1'",
    ),
    ({"name": "gh1", "resource": "vm1", "state": "absent"}, "carried by resource 'vm2', not 'vm1'"),
    ({"name": "rh1", "state": "absent"}, "'rh1' is a remote node, not a guest node"),
    (
        {"name": "RH1", "state": "absent"},
        "remove it with hacluster.pacemaker.pacemaker_remote_node",
    ),
]


@pytest.mark.parametrize(
    "item, message", BAD_REMOTE + [("guest", b) for b in BAD_GUEST], ids=lambda x: str(x)[:40]
)
def test_bad_input_fails_before_writing(busy_cib, item, message):
    content = busy_cib.read_bytes()
    if item == "guest":
        item, message = message
        action = guest
    else:
        action = remote
    with pytest.raises(_cib.ValidationError) as err:
        action(busy_cib, item)
    assert message in str(err.value)
    assert busy_cib.read_bytes() == content


def test_duplicate_items_in_a_batch(cib):
    with pytest.raises(_cib.ValidationError, match="'rh1' is given more than once"):
        remote(cib, {"name": "rh1"}, {"name": "rh1", "server": "192.0.2.9"})


def test_every_error_is_reported_at_once(cib):
    with pytest.raises(_cib.ValidationError) as err:
        remote(cib, {"name": "rh1", "port": 0, "reconnect_interval": "x"}, {"name": "vm1"})
    assert len(err.value.errors) == 3


@needs_pcs
def test_remote_removal_is_what_pcs_does(tmp_path):
    """pcs cluster node remove-remote drops the node's own constraints and the
    location constraints that place resources on it; the result is the same."""

    def build(path):
        new_cib(path, DUMMY % "web")
        pcs(path, "cluster", "node", "add-remote", "rh1", "192.0.2.5", "--skip-offline")
        pcs(path, "constraint", "location", "web", "prefers", "rh1")
        pcs(path, "constraint", "location", "rh1", "prefers", "n1")
        pcs(path, "constraint", "location", "web", "avoids", "n1")
        return path

    theirs, ours = build(tmp_path / "pcs.xml"), build(tmp_path / "ours.xml")
    pcs(theirs, "cluster", "node", "remove-remote", "rh1")
    if pcs_version() >= (0, 12):
        # pcs 0.12 leaves the constraints that place a resource on the node
        # (web prefers rh1); we drop them, as pcs 0.10 and 0.11 do
        left = etree.parse(str(theirs))
        placing = left.xpath("//rsc_location[@node='rh1']")
        assert [c.get("rsc") for c in placing] == ["web"]
        for con in placing:
            con.getparent().remove(con)
        left.write(str(theirs))
    assert remote(ours, {"name": "rh1", "state": "absent"}).changed
    assert canonical(config_of(ours)) == canonical(config_of(theirs))
    verify(ours)


@needs_pcs
def test_remote_in_a_tag_is_refused_as_pcs_before_012_refuses(tmp_path):
    path = new_cib(tmp_path / "cib.xml", DUMMY % "web")
    pcs(path, "cluster", "node", "add-remote", "rh1", "192.0.2.5", "--skip-offline")
    pcs(path, "tag", "create", "tg1", "rh1", "web")
    content = path.read_bytes()
    theirs = tmp_path / "pcs.xml"
    theirs.write_bytes(content)
    refused = subprocess.run(
        ["pcs", "-f", str(theirs), "cluster", "node", "remove-remote", "rh1"],
        capture_output=True,
        text=True,
        check=False,
    )
    if pcs_version() < (0, 12):
        assert "referenced in the tag" in refused.stdout + refused.stderr
    else:
        # pcs 0.12 takes rh1 out of the tag instead; we keep refusing, since
        # that silently changes what the tag means
        assert refused.returncode == 0 and "Tag: 'tg1'" in refused.stdout + refused.stderr
    with pytest.raises(_cib.ValidationError, match="'rh1' is referenced in tag 'tg1'"):
        remote(path, {"name": "rh1", "state": "absent"})
    assert path.read_bytes() == content


VIRTUAL_DOMAIN = [
    "resource",
    "create",
    "vm-guest1",
    "ocf:heartbeat:VirtualDomain",
    "hypervisor=qemu:///system",
    "config=/etc/pacemaker/vm-guest1.xml",
]
GUEST1 = {
    "name": "guest1",
    "resource": "vm-guest1",
    "remote_addr": "192.0.2.31",
    "remote_connect_timeout": "30s",
}


def virtual_domain_cib(path, *meta):
    """The guide's guest: a VirtualDomain resource made with pcs (its default
    operations included), optionally with meta attributes."""
    cib = new_cib(path)
    pcs(cib, *VIRTUAL_DOMAIN, *(["meta", *meta, "--force"] if meta else []))
    return cib


@needs_pcs
@pytest.mark.parametrize(
    "how",
    ["add-guest", "meta"],
    ids=["pcs cluster node add-guest", "pcs resource create ... meta remote-node"],
)
def test_a_virtual_domain_guest_is_handled_like_any_guest(tmp_path, how):
    """Chapter 29's guest node: a VirtualDomain resource made a guest by pcs
    (add-guest, or the older meta attributes at creation) is already there for
    us, and ours on a fresh VirtualDomain is what pcs add-guest writes."""
    meta = ["remote-node=guest1", "remote-addr=192.0.2.31", "remote-connect-timeout=30s"]
    if how == "meta":
        theirs = virtual_domain_cib(tmp_path / "pcs.xml", *meta)
    else:
        theirs = virtual_domain_cib(tmp_path / "pcs.xml")
        pcs(theirs, "cluster", "node", "add-guest", "guest1", "vm-guest1", *meta[1:])
    verify(theirs)
    content = theirs.read_bytes()
    assert not guest(theirs, GUEST1).changed
    assert theirs.read_bytes() == content
    if how == "add-guest":
        ours = virtual_domain_cib(tmp_path / "ours.xml")
        assert guest(ours, GUEST1).changed
        assert canonical(config_of(ours)) == canonical(config_of(theirs))
        verify(ours)


@needs_pcs
def test_standby_and_maintenance_are_what_pcs_node_writes(tmp_path):
    """pcs node standby / maintenance (crm_attribute underneath) and back:
    ours writes the same, and what pcs wrote is no change for us."""
    item = {"name": "rh1", "server": "192.0.2.5"}
    theirs, ours = new_cib(tmp_path / "pcs.xml"), new_cib(tmp_path / "ours.xml")
    pcs(theirs, "cluster", "node", "add-remote", "rh1", "192.0.2.5", "--skip-offline")
    remote(ours, item)
    steps = [  # pcs command, our options, (standby, maintenance) after
        (["node", "standby", "rh1"], {"standby": True}, (True, False)),
        (["node", "maintenance", "rh1"], {"maintenance": True}, (True, True)),
        (["node", "unstandby", "rh1"], {"standby": False}, (False, True)),
        (
            ["node", "unmaintenance", "rh1"],
            {"maintenance": False, "standby": False},
            (False, False),
        ),
    ]
    for pcs_args, modes, after in steps:
        pcs(theirs, *pcs_args)
        assert remote(ours, dict(item, **modes)).changed
        assert canonical(config_of(ours)) == canonical(config_of(theirs)), pcs_args
        verify(ours)
        content = theirs.read_bytes()
        again = remote(theirs, dict(item, **modes))
        assert not again.changed and theirs.read_bytes() == content
        facts = again.plan.facts["nodes"][0]
        assert (facts["standby"], facts["maintenance"]) == after, pcs_args


@needs_pcs
def test_a_guest_in_standby_by_pcs_is_already_there(tmp_path):
    cib = new_cib(tmp_path / "pcs.xml", DUMMY % "vm1")
    pcs(cib, "cluster", "node", "add-guest", "gh1", "vm1")
    pcs(cib, "node", "standby", "gh1")
    content = cib.read_bytes()
    result = guest(cib, {"name": "gh1", "resource": "vm1", "standby": True, "maintenance": False})
    assert not result.changed and cib.read_bytes() == content
    assert result.plan.facts["nodes"][0]["standby"] is True
    assert guest(cib, {"name": "gh1", "resource": "vm1", "standby": False}).changed
    assert not guest(cib, {"name": "gh1", "resource": "vm1"}).plan.facts["nodes"][0]["standby"]


@pytest.mark.parametrize("value", ["on", "true", "YES", "1", "y"])
def test_any_true_spelling_is_standby(tmp_path, value):
    cib = new_cib(tmp_path / "cib.xml")
    remote(cib, {"name": "rh1", "server": "192.0.2.5"})
    tool(cib, "crm_attribute", "--node", "rh1", "--name", "standby", "--update", value)
    content = cib.read_bytes()
    assert not remote(cib, {"name": "rh1", "standby": True}).changed
    assert cib.read_bytes() == content


@needs_pcs
@pytest.mark.parametrize("kind", ["remote", "guest"])
def test_node_attributes_are_what_pcs_node_attribute_writes(tmp_path, kind):
    """pcs node attribute (crm_attribute underneath) sets and removes a
    permanent node attribute: ours writes the same nodes section, a remote
    node's in one change with its connection's target-role, and what pcs
    wrote is no change for us."""
    theirs, ours = (new_cib(tmp_path / f, DUMMY % "vm1") for f in ("pcs.xml", "ours.xml"))
    if kind == "remote":
        item, run = {"name": "rh1", "server": "192.0.2.5"}, remote
        pcs(theirs, "cluster", "node", "add-remote", "rh1", "192.0.2.5", "--skip-offline")
        extra = {"meta_attributes": {"target-role": "Stopped"}}
    else:
        item, run = {"name": "rh1", "resource": "vm1"}, guest
        pcs(theirs, "cluster", "node", "add-guest", "rh1", "vm1")
        extra = {}
    run(ours, item)
    steps = [  # pcs node attribute, ours
        (["mark=3122", "other=yes"], {"mark": 3122, "other": "yes"}),
        (["mark=3121"], {"mark": "3121"}),
        (["mark="], {"mark": None}),
    ]
    for pcs_args, attributes in steps:
        pcs(theirs, "node", "attribute", "rh1", *pcs_args)
        before = int(epoch(ours))
        assert run(ours, dict(item, node_attributes=attributes, **extra)).changed, pcs_args
        assert int(epoch(ours)) == before + 1, pcs_args
        verify(ours)
        assert canonical(config_of(ours).find("nodes")) == canonical(
            config_of(theirs).find("nodes")
        ), pcs_args
        content = theirs.read_bytes()
        assert not run(theirs, dict(item, node_attributes=attributes)).changed, pcs_args
        assert theirs.read_bytes() == content


def test_a_boolean_node_attribute_is_written_as_pcs_writes_it(tmp_path):
    cib = new_cib(tmp_path / "cib.xml")
    remote(cib, {"name": "rh1", "server": "192.0.2.5", "node_attributes": {"flag": True}})
    proc = tool(cib, "crm_attribute", "--node", "rh1", "--name", "flag", "--query", "--quiet")
    assert proc.stdout.strip() == "true"


@pytest.mark.parametrize(
    "attributes, message",
    [
        ({"standby": "on"}, "node_attributes: set 'standby' through the 'standby' option"),
        ({"mark": "a\x1bb"}, "node_attributes.mark: 'a\\x1bb' holds a control character"),
        ({"bad name": "x"}, "node_attributes: "),
    ],
    ids=repr,
)
def test_bad_node_attributes_fail_before_writing(busy_cib, attributes, message):
    content = busy_cib.read_bytes()
    with pytest.raises(_cib.ValidationError) as err:
        remote(busy_cib, {"name": "rh1", "node_attributes": attributes})
    assert message in str(err.value)
    assert busy_cib.read_bytes() == content
