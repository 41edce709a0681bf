"""status_info's engine (_status) on real CIB files: the cluster state is made
with Pacemaker's tools (crm_simulate, crm_attribute, crm_ticket) and every
reported fact is checked against what crm_mon, crm_resource and crm_ticket
say when run independently here."""

import hashlib

import pytest
from cibfiles import new_cib, tool, verify
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import (
    _cib,
    _nodes,
    _status,
    _tickets,
)

RESOURCES = (
    '<primitive id="vm1" class="ocf" provider="pacemaker" type="Dummy"/>',
    '<group id="webgroup"><primitive id="web" class="ocf" provider="pacemaker" type="Dummy"/>'
    "</group>",
    '<primitive id="db" class="ocf" provider="pacemaker" type="Dummy"/>',
)
REMOTES = [
    {"name": "r1", "server": "192.0.2.21", "port": 3122, "reconnect_interval": "60s"},
    {"name": "r2", "server": "192.0.2.22"},
]
GUESTS = [{"name": "g1", "resource": "vm1", "remote_addr": "192.0.2.31", "remote_port": 3123}]
TICKETS = [
    {"name": "T1", "constraints": [{"resource": "webgroup", "loss_policy": "stop"}]},
    {"name": "T2", "constraints": [{"resource": "db"}]},
]
TICKET_SET = (
    '<rsc_ticket id="T3-set" ticket="T3" loss-policy="freeze">'
    '<resource_set id="T3-set-0"><resource_ref id="db"/><resource_ref id="vm1"/>'
    "</resource_set></rsc_ticket>"
)


def configure(path):
    """Remote nodes, a guest node and ticket constraints, through the engine."""
    tool(
        path, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>'
    )
    tool(
        path, "crm_attribute", "--type", "crm_config", "--name", "no-quorum-policy", "-v", "ignore"
    )
    cib = _cib.Cib(str(path))
    cib.transaction(lambda plan: _nodes.plan_remote_nodes(plan, [dict(REMOTES[0])], None))
    cib.transaction(lambda plan: _nodes.plan_remote_nodes(plan, [dict(REMOTES[1])], None))
    cib.transaction(lambda plan: _nodes.plan_guest_nodes(plan, [dict(GUESTS[0])], None))
    cib.transaction(lambda plan: _tickets.plan_tickets(plan, [dict(t) for t in TICKETS]))
    tool(path, "cibadmin", "--create", "--scope", "constraints", "--xml-text", TICKET_SET)
    return path


def simulate(path, *args):
    """Let Pacemaker's scheduler run the cluster on the file (crm_simulate)."""
    out = path.with_name("sim.xml")
    tool(path, "crm_simulate", "--live-check", "--simulate", *args, "--save-output", str(out))
    out.replace(path)


@pytest.fixture
def running(tmp_path):
    """n1 up and running everything; r1 connected and in standby; r2's
    node never came up; T1 granted, T2 in standby."""
    path = configure(new_cib(tmp_path / "cib.xml", *RESOURCES))
    simulate(path, "--node-up", "n1")
    simulate(path, "--node-up", "r1")
    # crm_simulate records the remote nodes it probes as members: say what
    # they are, as Pacemaker does on a live cluster
    for remote in REMOTES:
        xml = '<node id="%s" type="remote"/>' % remote["name"]
        tool(path, "cibadmin", "--modify", "--scope", "nodes", "--xml-text", xml)
    tool(path, "crm_attribute", "--node", "r1", "--name", "standby", "--update", "on")
    tool(path, "crm_ticket", "--ticket", "T1", "--grant", "--force")
    tool(path, "crm_ticket", "--ticket", "T2", "--standby")
    verify(path)
    return path


def crm_mon(path):
    out = tool(path, "crm_mon", "--one-shot", "--output-as=xml", "--inactive").stdout
    return etree.fromstring(out.encode())


def mon_node(mon, name):
    found = mon.xpath("nodes/node[@name=$n]", n=name)
    assert found, "crm_mon does not list node %s" % name
    return found[0]


def mon_host(mon, rsc_id):
    hosts = mon.xpath("resources//resource[@id=$r]/node/@name", r=rsc_id)
    return hosts[0] if hosts else None


def gather(path, **kwargs):
    return _status.gather(_cib.Cib(str(path)), **kwargs)


def check_nodes_against_crm_mon(path, info):
    mon = crm_mon(path)
    for kind, items in (
        ("remote", info["remote_nodes"]),
        ("guest", info["guest_nodes"]),
        ("member", info["cluster_nodes"]),
    ):
        for item in items:
            node = mon_node(mon, item["name"])
            if kind != "member":
                assert node.get("type") == "remote", (kind, item["name"])
            assert item["online"] is (node.get("online") == "true"), item
            assert item["standby"] is (node.get("standby") == "true"), item
            assert item["state"] == _status.node_state(item["online"], item["standby"])
            if kind == "remote":
                assert item["hosted_by"] == mon_host(mon, item["name"])
            elif kind == "guest":
                assert node.get("id_as_resource") == item["resource"]
                assert item["hosted_by"] == mon_host(mon, item["resource"])
    members = sorted(n.get("name") for n in mon.iterfind("nodes/node") if n.get("type") == "member")
    assert [n["name"] for n in info["cluster_nodes"]] == members
    return mon


def test_nodes_are_what_crm_mon_says(running):
    info = gather(running)
    assert info["crm_mon_error"] is None
    mon = check_nodes_against_crm_mon(running, info)
    # the scenario covers each state (as crm_mon itself reports them)
    states = set(
        _status.node_state(n.get("online") == "true", n.get("standby") == "true")
        for n in mon.iterfind("nodes/node")
    )
    assert {"online", "standby", "offline"} <= states
    assert set(mon.xpath("resources//resource/node/@name")) >= {"n1"}
    hosted = [n["hosted_by"] for n in info["remote_nodes"] + info["guest_nodes"]]
    assert "n1" in hosted  # a hosting node is reported when crm_mon shows one
    assert [n["name"] for n in info["remote_nodes"]] == ["r1", "r2"]
    assert [n["name"] for n in info["guest_nodes"]] == ["g1"]


def test_definitions_are_what_the_cib_holds(running):
    info = gather(running)

    def param(rsc, name, meta=False):
        args = ["crm_resource", "--resource", rsc, "--get-parameter", name]
        proc = tool(running, *args + (["--meta"] if meta else []), check=False)
        return (proc.stdout.strip() or None) if proc.returncode == 0 else None

    for node in info["remote_nodes"]:
        assert node["server"] == param(node["name"], "server")
        port = param(node["name"], "port")
        assert node["port"] == (int(port) if port else None)
        assert node["reconnect_interval"] == param(node["name"], "reconnect_interval")
    for node in info["guest_nodes"]:
        assert node["name"] == param(node["resource"], "remote-node", meta=True)
        assert node["remote_addr"] == param(node["resource"], "remote-addr", meta=True)
        assert str(node["remote_port"]) == param(node["resource"], "remote-port", meta=True)
    assert info["cib_version"] == _cib.version_of(etree.parse(str(running)).getroot())


def crm_ticket_states(path):
    """name -> (granted, standby, last-granted), from crm_ticket."""
    states = {}
    for line in tool(path, "crm_ticket", "--info").stdout.splitlines():
        name = line.split("\t")[0].strip()
        if not name:
            continue
        # no ticket state (a ticket only named by a constraint): exit 105
        proc = tool(path, "crm_ticket", "--ticket", name, "--query-xml", check=False)
        out = proc.stdout
        state = etree.fromstring(out[out.index("<") :].encode()) if proc.returncode == 0 else {}
        states[name] = (
            "granted" in line.split("\t", 1)[1].split(),
            "[standby]" in line,
            state.get("last-granted"),
        )
    return states


def test_tickets_are_what_crm_ticket_and_the_constraints_say(running):
    info = gather(running)
    states = crm_ticket_states(running)
    assert states  # crm_ticket knows tickets in this scenario
    by_name = dict((t["name"], t) for t in info["tickets"])
    for name, (granted, standby, last_granted) in states.items():
        assert (by_name[name]["granted"], by_name[name]["standby"]) == (granted, standby)
        assert by_name[name]["last_granted"] == last_granted
    out = tool(running, "cibadmin", "--query", "--scope", "constraints").stdout
    constraints = etree.fromstring(out.encode())
    named = set(constraints.xpath("//rsc_ticket/@ticket")) | set(states)
    assert sorted(by_name) == sorted(named)
    for name, ticket in by_name.items():
        cons = constraints.xpath("//rsc_ticket[@ticket=$t]", t=name)
        assert [c["id"] for c in ticket["constraints"]] == [c.get("id") for c in cons]
        for fact, con in zip(ticket["constraints"], cons, strict=True):
            assert fact["resource"] == con.get("rsc")
            assert fact["loss_policy"] == con.get("loss-policy")
            assert fact["role"] == con.get("rsc-role")
        bound = []
        for con in cons:
            for rid in [con.get("rsc")] + con.xpath("resource_set/resource_ref/@id"):
                if rid and rid not in bound:
                    bound.append(rid)
        assert ticket["bound_resources"] == bound
        assert ticket["leader"] is None and ticket["options"] is None  # booth not asked
    assert by_name["T3"]["bound_resources"] == ["db", "vm1"]


def test_a_cib_file_without_status(tmp_path):
    """No status section: crm_mon still answers (every node offline)."""
    path = configure(new_cib(tmp_path / "cib.xml", *RESOURCES))
    info = gather(path)
    assert info["crm_mon_error"] is None
    check_nodes_against_crm_mon(path, info)
    assert [t["granted"] for t in info["tickets"]] == [False, False, False]


def test_crm_mon_failing_means_unknown(running):
    def runner(args, env=None, data=None):
        if args[0] == "crm_mon":
            return 1, "", "crm_mon: connection refused"
        return _cib.default_runner(args, env, data)

    info = _status.gather(_cib.Cib(str(running), runner=runner))
    assert "connection refused" in info["crm_mon_error"]
    for node in info["remote_nodes"] + info["guest_nodes"] + info["cluster_nodes"]:
        assert node["online"] is None and node["state"] == "unknown"
    assert [n["name"] for n in info["cluster_nodes"]] == ["n1"]  # from the CIB
    assert [n["hosted_by"] for n in info["remote_nodes"]] == [None, None]


def test_unreadable_cib_is_an_error(tmp_path):
    with pytest.raises(_cib.CibError):
        gather(tmp_path / "missing.xml")


BOOTH_CONF = (
    "# caf\xe9 \udcff (a Latin-1 byte in a comment)\n"
    "transport = UDP\n"
    "port = 9929\n"
    "site = 192.0.2.101\n"
    "site = 192.0.2.102\n"
    "arbitrator = 192.0.2.41\n"
    "ticket = T1\n"
    "  expire = 600\n"
    "  weights = 1,2,3\n"
    'ticket = "T9"\n'
)


def test_booth_config_checksum_and_ticket_options(running, tmp_path):
    conf = tmp_path / "booth.conf"
    conf.write_bytes(BOOTH_CONF.encode("utf-8", "surrogateescape"))
    other = tmp_path / "other.conf"
    other.write_bytes(b"ticket = T1\n  expire = 30\n")
    info = gather(running, booth_config_files=[str(conf), str(other), str(tmp_path / "no.conf")])
    first, second, missing = info["booth_configs"]
    assert first["checksum"] == hashlib.sha256(conf.read_bytes()).hexdigest()
    assert second["checksum"] == hashlib.sha256(other.read_bytes()).hexdigest()
    assert first["error"] is None
    assert first["tickets"] == [
        {"name": "T1", "options": {"expire": "600", "weights": "1,2,3"}},
        {"name": "T9", "options": {}},
    ]
    assert missing["checksum"] is None and "No such file" in missing["error"]
    by_name = dict((t["name"], t) for t in info["tickets"])
    assert by_name["T1"]["options"] == {"expire": "600", "weights": "1,2,3"}  # first file wins
    assert by_name["T9"]["options"] == {} and by_name["T9"]["granted"] is False
    assert by_name["T2"]["options"] is None
    assert info["booth_error"] is None  # offline: booth not asked


BOOTH_LIST = (
    "ticket: T1, leader: 192.0.2.101, expires: 2024-11-25 16:43:20\nticket: T2, leader: NONE\n"
)


def test_booth_leaders_from_booth_list(running, tmp_path):
    calls = []

    def runner(args, env=None, data=None):
        if "/usr/sbin/booth" in args:
            calls.append(args)
            return 0, BOOTH_LIST, ""
        return _cib.default_runner(args, env, data)

    cib = _cib.Cib(str(running), runner=runner)
    info = _status.gather(cib, booth=True, booth_command="/usr/sbin/booth")
    # bounded by timeout(1): booth 1.0 can wait forever
    assert [c[0] for c in calls] == ["timeout"]
    assert calls[0][-4:] == ["/usr/sbin/booth", "list", "-c", "/etc/booth/booth.conf"]
    by_name = dict((t["name"], t) for t in info["tickets"])
    assert by_name["T1"]["leader"] == "192.0.2.101"
    assert by_name["T1"]["expires"] == "2024-11-25 16:43:20"
    assert by_name["T2"]["leader"] is None and by_name["T2"]["expires"] is None
    assert info["booth_error"] is None


def test_booth_failing_or_missing_is_reported_not_fatal(running):
    def runner(args, env=None, data=None):
        if "booth" in args:
            return 1, "", "connect to 192.0.2.101: Connection refused"
        return _cib.default_runner(args, env, data)

    cib = _cib.Cib(str(running), runner=runner)
    info = _status.gather(cib, ["/etc/booth/a.conf"], booth=True, booth_command="booth")
    assert "/etc/booth/a.conf" in info["booth_error"]
    assert "Connection refused" in info["booth_error"]
    assert all(t["leader"] is None for t in info["tickets"])

    leaders, error = _status.booth_leaders(runner, ["/etc/booth/booth.conf"], None)
    assert leaders == {} and "not installed" in error


def test_monitor_parse_rejects_what_is_not_crm_mon():
    with pytest.raises(_cib.CibError):
        _status.Monitor.parse("not xml")
    with pytest.raises(_cib.CibError):
        _status.Monitor.parse("<pacemaker-result/>")


@pytest.mark.parametrize("value", ["true", "false", None])
def test_monitor_reads_maintenance_mode(running, value):
    """maintenance-mode as crm_mon reports it (set with crm_attribute, as an
    admin or the pacemaker_remote role's key reload does)."""
    if value is not None:
        tool(
            running,
            "crm_attribute",
            "--type",
            "crm_config",
            "--name",
            "maintenance-mode",
            "--update",
            value,
        )
    out = tool(running, "crm_mon", "--one-shot", "--output-as=xml", "--inactive").stdout
    assert _status.Monitor.parse(out).maintenance_mode is (value == "true")


def test_monitor_health_is_what_crm_mon_says(running):
    """The one reader's (active, failed) of every resource crm_mon lists, on
    a cluster where db's probe failed and so did its stop (db stays active,
    failed and blocked), against crm_mon's own XML (the waits of the node
    modules read it so)."""
    simulate(running, "--op-inject", "db_monitor_0@n1=1", "--op-fail", "db_stop_0@n1=1")
    monitor = _status.monitor_of(_cib.Cib(str(running)).tool)[0]
    mon = crm_mon(running)
    states = set()
    for rsc_id in set(mon.xpath("resources//resource/@id")):
        instances = mon.xpath("resources//resource[@id=$r]", r=rsc_id)
        want = (
            any(r.get("active") == "true" for r in instances),
            any(r.get("failed") == "true" for r in instances),
        )
        assert monitor.health(rsc_id) == want, rsc_id
        states.add(want)
    # every state the waits tell apart was there to read
    assert {(True, False), (False, False)} <= states and any(f for _a, f in states), states
    assert monitor.health("no-such-resource") == (None, None)


def test_target_role_and_node_attributes_are_what_pacemaker_tools_say(running):
    """target_role and attributes of each remote and guest node against
    crm_resource and crm_attribute, which wrote them (as pcs resource disable
    and the role's port-change marker do)."""
    for rsc, role in (("r1", "Stopped"), ("vm1", "Started")):
        meta = ["--meta", "--set-parameter", "target-role", "--parameter-value", role]
        tool(running, "crm_resource", "--resource", rsc, *meta)
    for node, name, value in (
        ("r2", "hacluster-pacemaker-port-change", "3122"),
        ("g1", "site", "a"),
    ):
        tool(
            running,
            "crm_attribute",
            "--node",
            node,
            "--name",
            name,
            "--update",
            value,
            "--lifetime",
            "forever",
        )
    info = gather(running)
    nodes = [(n["name"], n["name"], n) for n in info["remote_nodes"]]
    nodes += [(n["name"], n["resource"], n) for n in info["guest_nodes"]]
    for name, rsc, node in nodes:
        got = tool(
            running,
            "crm_resource",
            "--resource",
            rsc,
            "--meta",
            "--get-parameter",
            "target-role",
            "--quiet",
            check=False,
        )
        # unset: crm_resource exits non-zero or prints nothing, by version
        assert node["target_role"] == ((got.returncode == 0 and got.stdout.strip()) or None), name
        for attr, value in node["attributes"].items():
            out = tool(
                running,
                "crm_attribute",
                "--node",
                name,
                "--name",
                attr,
                "--query",
                "--lifetime",
                "forever",
                "--quiet",
            ).stdout.strip()
            assert value == out, (name, attr)
    by_name = dict((n[0], n[2]) for n in nodes)
    assert by_name["r1"]["target_role"] == "Stopped" and by_name["g1"]["target_role"] == "Started"
    assert by_name["r2"]["attributes"]["hacluster-pacemaker-port-change"] == "3122"
    assert by_name["g1"]["attributes"]["site"] == "a"


CONTAINERS = (
    '<group id="grp"><primitive id="grp-a" class="ocf" provider="pacemaker" type="Dummy"/>'
    '<primitive id="grp-b" class="ocf" provider="pacemaker" type="Dummy"/></group>',
    '<clone id="cl-clone"><primitive id="cl" class="ocf" provider="pacemaker" type="Dummy"/>'
    "</clone>",
    '<clone id="cg-clone"><group id="cg"><primitive id="cg-a" class="ocf" provider="pacemaker"'
    ' type="Dummy"/></group></clone>',
    '<primitive id="idle" class="ocf" provider="pacemaker" type="Dummy">'
    '<meta_attributes id="idle-meta"><nvpair id="idle-meta-tr" name="target-role" value="Stopped"/>'
    "</meta_attributes></primitive>",
)


def located(path, rsc_id):
    """The nodes crm_resource --locate names ("resource X is running on: N")."""
    out = tool(path, "crm_resource", "--locate", "--resource", rsc_id, check=False).stdout
    return sorted(line.rsplit(":", 1)[1].split()[0] for line in out.splitlines() if ": " in line)


def test_every_resource_and_container_is_where_crm_resource_locates_it(tmp_path):
    """host_info's RV(resources): each primitive, group and clone (also a
    cloned group) by its own id with the nodes crm_resource --locate names;
    a stopped one is not listed."""
    path = new_cib(tmp_path / "cib.xml", *CONTAINERS)
    tool(
        path, "crm_attribute", "--type", "crm_config", "--name", "no-quorum-policy", "-v", "ignore"
    )
    for node in ("n1", "n2"):
        simulate(path, "--node-up", node)
    verify(path)
    monitor, error = _status.monitor_of(_cib.Cib(str(path)).tool)
    assert error is None
    ids = etree.parse(str(path)).xpath(
        "//resources//*[self::primitive or self::group or self::clone]/@id"
    )
    assert {"grp", "cl-clone", "cg-clone", "cg", "idle"} <= set(ids)
    for rsc_id in set(ids) - {"cg"}:
        assert sorted(monitor.running.get(rsc_id, [])) == located(path, rsc_id), rsc_id
    # crm_resource --locate names the first instance of a cloned group only;
    # the group runs where its clone runs
    assert sorted(monitor.running["cg"]) == located(path, "cg-clone")
    assert "idle" not in monitor.running
    assert sorted(monitor.running["cl-clone"]) == ["n1", "n2"]
    assert monitor.health("grp") == (True, False)
    assert monitor.health("idle") == (False, False)


def test_monitor_attributes_are_what_crm_mon_shows(running):
    """Node attributes as crm_mon lists them, and what the pacemaker_remote
    role relies on (tasks/cib.yml does not read the CIB for a port change's
    mark when gather saw every remote node online and unmarked): crm_mon
    shows a permanent attribute of an online remote node, and a node whose
    connection was stopped (as tasks/port.yml stops it, mark and stop in one
    change) is offline once the cluster has acted."""
    for node in ("r1", "r2", "n1"):
        tool(running, "crm_attribute", "--node", node, "--name", "hc-mark", "--update", "3122")
    tool(
        running,
        "crm_resource",
        "--resource",
        "r2",
        "--meta",
        "--set-parameter",
        "target-role",
        "--parameter-value",
        "Stopped",
    )
    simulate(running)
    monitor = _status.monitor_of(_cib.Cib(str(running)).tool)[0]
    mon = crm_mon(running)
    for name, node in monitor.nodes.items():
        listed = dict(
            (a.get("name"), a.get("value"))
            for a in mon.xpath("node_attributes/node[@name=$n]/attribute", n=name)
        )
        assert node["attributes"] == listed, name
        if node["online"]:
            assert node["attributes"].get("hc-mark") == "3122", name
    assert monitor.nodes["r1"]["online"] and not monitor.nodes["r2"]["online"]
