"""hacluster.pacemaker.status_info through real ansible-playbook: offline on a
CIB file whose cluster state Pacemaker simulated, and on the live cluster."""

import hashlib
import os
import subprocess

from ansible_run import ANSIBLE_BIN, MODULE_PYTHON, ROOT, ansible_env, playbook, result
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _nodes, _tickets
from cibfiles import new_cib, tool, verify

DUMMY = '<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>'


def crm_mon(cib):
    out = tool(cib, "crm_mon", "--one-shot", "--output-as=xml", "--inactive").stdout
    return etree.fromstring(out.encode())


def mon_node(mon, name):
    return mon.xpath("nodes/node[@name=$n]", n=name)[0]


def mon_host(mon, rsc_id):
    hosts = mon.xpath("resources//resource[@id=$r]/node/@name", r=rsc_id)
    return hosts[0] if hosts else None


def configure_offline(tmp_path):
    """A CIB file configured by the collection's modules, then run by
    Pacemaker's scheduler (crm_simulate) with node n1 up."""
    cib = new_cib(tmp_path / "cib.xml", DUMMY % "vm1", DUMMY % "web")
    tool(cib, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>')
    tool(cib, "crm_attribute", "--type", "crm_config", "--name", "no-quorum-policy", "-v", "ignore")
    tasks = [
        {
            "hacluster.pacemaker.pacemaker_remote_node": {
                "nodes": [
                    {"name": "rh1", "server": "192.0.2.5", "port": 3122},
                    {"name": "rh2", "server": "192.0.2.6"},
                ],
                "cib_file": str(cib),
            }
        },
        {
            "hacluster.pacemaker.guest_node": {
                "name": "gh1",
                "resource": "vm1",
                "remote_addr": "192.0.2.7",
                "cib_file": str(cib),
            }
        },
        {
            "hacluster.pacemaker.booth_ticket": {
                "name": "apacheticket",
                "manage": ["cib"],
                "constraints": [{"resource": "web", "loss_policy": "stop"}],
                "grant": "granted",
                "bypass_booth": True,
                "cib_file": str(cib),
            }
        },
    ]
    rc, _data, proc = playbook(tmp_path, tasks)
    assert rc == 0, proc.stdout[-3000:]
    sim = tmp_path / "sim.xml"
    tool(cib, "crm_simulate", "--live-check", "--simulate", "--node-up", "n1", "-O", str(sim))
    sim.replace(cib)
    # crm_simulate records the remote nodes it probes as members
    for name in ("rh1", "rh2"):
        xml = '<node id="%s" type="remote"/>' % name
        tool(cib, "cibadmin", "--modify", "--scope", "nodes", "--xml-text", xml)
    # and the guest node as a cluster node (a cluster has no entry for it;
    # Pacemaker 3.0's crm_verify then reports an ordering of vm1 with itself)
    xml = '<node id="gh1"/>'
    tool(cib, "cibadmin", "--delete", "--scope", "nodes", "--xml-text", xml, check=False)
    verify(cib)
    return cib


def test_offline_report_queried_with_json_query(tmp_path):
    cib = configure_offline(tmp_path)
    conf = tmp_path / "booth.conf"
    conf.write_text(
        "transport = UDP\nsite = 192.0.2.101\nsite = 192.0.2.102\narbitrator = 192.0.2.41\n"
        "ticket = apacheticket\n  expire = 600\n"
    )
    mon = crm_mon(cib)
    offline = sorted(
        n.get("name")
        for n in mon.iterfind("nodes/node")
        if n.get("name") in ("rh1", "rh2", "gh1") and n.get("online") != "true"
    )
    granted = tool(cib, "crm_ticket", "--info").stdout
    granted = sorted(ln.split("\t")[0] for ln in granted.splitlines() if "\tgranted" in ln)
    q = "community.general.json_query"
    tasks = [
        {
            "name": "status",
            "hacluster.pacemaker.status_info": {
                "cib_file": str(cib),
                "booth_config_files": [str(conf)],
            },
            "register": "st",
        },
        {
            "name": "queries",
            "ansible.builtin.assert": {
                "that": [
                    "st is not changed",
                    "st | %s('remote_nodes[].name') == ['rh1', 'rh2']" % q,
                    "st | %s('guest_nodes[?resource==`vm1`].name | [0]') == 'gh1'" % q,
                    "st | %s('remote_nodes[?name==`rh1`].port | [0]') == 3122" % q,
                    "st | %s('[remote_nodes, guest_nodes][] | [?state!=`online`].name | sort(@)')"
                    " == %r" % (q, offline),
                    "st | %s('tickets[?granted].name') == %r" % (q, granted),
                    "st | %s('tickets[?name==`apacheticket`].bound_resources | [0]') == ['web']"
                    % q,
                    "st | %s('tickets[?name==`apacheticket`].options.expire | [0]') == '600'" % q,
                    "st | %s('booth_configs[0].checksum') == %r"
                    % (q, hashlib.sha256(conf.read_bytes()).hexdigest()),
                    "st.booth_error is none and st.crm_mon_error is none",
                ]
            },
        },
    ]
    content = cib.read_bytes()
    rc, data, proc = playbook(tmp_path, tasks)
    assert rc == 0, proc.stdout[-4000:]
    st = result(data, 0)
    assert not st["changed"]
    for node in st["remote_nodes"] + st["guest_nodes"] + st["cluster_nodes"]:
        assert node["online"] is (mon_node(mon, node["name"]).get("online") == "true")
    for node in st["remote_nodes"]:
        assert node["hosted_by"] == mon_host(mon, node["name"])
    for node in st["guest_nodes"]:
        assert node["hosted_by"] == mon_host(mon, node["resource"])
    # check mode: the same report, nothing written
    rc, data, proc = playbook(tmp_path, tasks, check=True)
    assert rc == 0, proc.stdout[-4000:]
    again = result(data, 0)
    for key in ("remote_nodes", "guest_nodes", "cluster_nodes", "tickets", "cib_version"):
        assert again[key] == st[key]
    assert cib.read_bytes() == content


def test_missing_cib_file_fails(tmp_path):
    rc, data, _proc = playbook(
        tmp_path, [{"hacluster.pacemaker.status_info": {"cib_file": str(tmp_path / "no.xml")}}]
    )
    assert rc != 0
    res = result(data)
    assert res["failed"] and "cannot read" in res["msg"]


def test_live_remote_node_is_online_and_hosted(tmp_path, live_cluster):
    add = {
        "hacluster.pacemaker.pacemaker_remote_node": {
            "name": "status-remote",
            "server": live_cluster.remote_host,
            "port": live_cluster.remote_port,
            "wait": True,
            "wait_timeout": 90,
        }
    }
    q = "community.general.json_query"
    me = live_cluster.node_name
    tasks = [
        add,
        {"hacluster.pacemaker.status_info": {}, "register": "st"},
        {
            "ansible.builtin.assert": {
                "that": [
                    "st is not changed",
                    "st | %s('remote_nodes[?name==`status-remote`] | [0].online')" % q,
                    "st | %s('remote_nodes[?name==`status-remote`] | [0].state') == 'online'" % q,
                    "st | %s('remote_nodes[?name==`status-remote`] | [0].hosted_by') == %r"
                    % (q, me),
                    "st | %s('cluster_nodes[?name==`%s`] | [0].online')" % (q, me),
                    "st.cib_version is match('^[0-9]+[.][0-9]+[.][0-9]+$')",
                ]
            }
        },
    ]
    try:
        rc, data, proc = playbook(tmp_path, tasks)
        assert rc == 0, proc.stdout[-4000:]
        st = result(data, 1)
        mon = live_cluster.crm_mon_xml()
        node = [n for n in st["remote_nodes"] if n["name"] == "status-remote"][0]
        assert node["server"] == live_cluster.remote_host
        assert node["port"] == live_cluster.remote_port
        theirs = mon.find("./nodes/node[@name='status-remote']")
        assert theirs.get("online") == "true" and theirs.get("type") == "remote"
        hosts = [
            n.get("name")
            for r in mon.iter("resource")
            if r.get("id") == "status-remote"
            for n in r.findall("node")
        ]
        assert [node["hosted_by"]] == hosts
        # booth asked by default on a live cluster; missing or stopped is reported, not fatal
        if not any(os.path.exists(d + "/booth") for d in ("/usr/sbin", "/usr/bin", "/sbin")):
            assert "not installed" in st["booth_error"]
    finally:
        rc, _data, proc = playbook(
            tmp_path,
            [
                {
                    "hacluster.pacemaker.pacemaker_remote_node": {
                        "name": "status-remote",
                        "state": "absent",
                    }
                }
            ],
        )
        assert rc == 0, proc.stdout[-3000:]
        live_cluster.wait_node_gone("status-remote", timeout=60)


def doc_playbook():
    """The health check playbook the collection ships (docs/status_info.md)."""
    return (ROOT / "playbooks" / "health_check.yml").read_text()


def site_cib(tmp_path, name, *, remote_up, granted):
    """A site cluster's CIB: node n1 hosting remote node rh1 (up or stopped)
    and web bound to ticket apacheticket (granted or not)."""
    cib = new_cib(tmp_path / ("%s.xml" % name), DUMMY % "web")
    tool(cib, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>')
    tool(cib, "crm_attribute", "--type", "crm_config", "--name", "no-quorum-policy", "-v", "ignore")
    engine = _cib.Cib(str(cib))
    engine.transaction(
        lambda plan: _nodes.plan_remote_nodes(plan, [{"name": "rh1", "server": "192.0.2.5"}], None)
    )
    item = {"name": "apacheticket", "constraints": [{"resource": "web"}]}
    engine.transaction(lambda plan: _tickets.plan_tickets(plan, [item]))
    sim = tmp_path / "sim.xml"
    # n1 comes up and starts the connection, then the remote node can come
    # up; crm_simulate records rh1 as a member, say it is a remote node as
    # Pacemaker does on a live cluster
    steps = [["--node-up", "n1"]] + ([["--node-up", "rh1"]] if remote_up else [])
    if not remote_up:  # the connection is stopped: the remote node is down
        stop = ["--meta", "--set-parameter", "target-role", "--parameter-value", "Stopped"]
        tool(cib, "crm_resource", "--resource", "rh1", *stop)
    for args in steps:
        tool(cib, "crm_simulate", "--live-check", "--simulate", *args, "-O", str(sim))
        sim.replace(cib)
        xml = '<node id="rh1" type="remote"/>'
        tool(cib, "cibadmin", "--modify", "--scope", "nodes", "--xml-text", xml, check=False)
    if granted:
        tool(cib, "crm_ticket", "--ticket", "apacheticket", "--grant", "--force")
    return cib


def run_health_check(tmp_path, cibs, booth_confs):
    play = tmp_path / "health_check.yml"
    play.write_text(doc_playbook())
    lines = ["[geo_site_a]"]
    lines += ["a1 health_cib_file=%s" % cibs[0], "a2 health_cib_file=%s" % cibs[0]]
    lines += ["[geo_site_a:vars]", "booth_site_ip=192.0.2.101"]
    lines += ["[geo_site_b]", "b1 health_cib_file=%s" % cibs[1]]
    lines += ["[geo_site_b:vars]", "booth_site_ip=192.0.2.102"]
    lines += ["[geo_arbitrators]", "arb1"]
    lines += ["[geo_sites:children]", "geo_site_a", "geo_site_b"]
    lines += [
        "[all:vars]",
        "ansible_connection=local",
        "ansible_python_interpreter=%s" % MODULE_PYTHON,
        "ansible_become=false",  # no sudo here; the tests run as the user they check as
    ]
    inventory = tmp_path / "health.ini"
    inventory.write_text("\n".join(lines) + "\n")
    host_vars = tmp_path / "host_vars"
    host_vars.mkdir(exist_ok=True)
    for host, conf in booth_confs.items():
        (host_vars / ("%s.yml" % host)).write_text("health_booth_conf: %s\n" % conf)
    proc = subprocess.run(
        [str(ANSIBLE_BIN / "ansible-playbook"), "-i", str(inventory), str(play)],
        env=ansible_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=str(tmp_path),
    )
    return proc


def test_the_documented_health_check(tmp_path):
    conf = tmp_path / "booth.conf"
    conf.write_text(
        "transport = UDP\nsite = 192.0.2.101\nsite = 192.0.2.102\narbitrator = 192.0.2.41\n"
        "ticket = apacheticket\n"
    )
    confs = dict((h, conf) for h in ("a1", "a2", "b1", "arb1"))
    site_a = site_cib(tmp_path, "a", remote_up=True, granted=True)
    site_b = site_cib(tmp_path, "b", remote_up=True, granted=False)
    for cib in (site_a, site_b):  # the precondition, as Pacemaker reports it
        assert crm_mon(cib).xpath("nodes/node[@name='rh1']/@online") == ["true"]
    proc = run_health_check(tmp_path, (site_a, site_b), confs)
    assert proc.returncode == 0, proc.stdout[-4000:]

    # the ticket granted at both sites
    both = site_cib(tmp_path, "both", remote_up=True, granted=True)
    proc = run_health_check(tmp_path, (site_a, both), confs)
    assert proc.returncode != 0 and "ticket apacheticket is granted to 2 sites" in proc.stdout

    # a remote node down at site b (crm_mon agrees it is not online)
    down = site_cib(tmp_path, "down", remote_up=False, granted=False)
    assert crm_mon(down).xpath("nodes/node[@name='rh1']/@online") != ["true"]
    proc = run_health_check(tmp_path, (site_a, down), confs)
    assert proc.returncode != 0 and "not online" in proc.stdout and "rh1" in proc.stdout

    # the arbitrator's booth.conf differs
    other = tmp_path / "other.conf"
    other.write_text(conf.read_text() + "  expire = 600\n")
    proc = run_health_check(tmp_path, (site_a, site_b), dict(confs, arb1=other))
    assert proc.returncode != 0 and "booth.conf differs" in proc.stdout


def documented_gate():
    """The assert task under "Gating later jobs" in docs/awx.md."""
    import re

    import yaml

    text = (ROOT / "docs" / "awx.md").read_text()
    section = text[text.index("## Gating later jobs") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    return yaml.safe_load(block)


def test_the_documented_gate(tmp_path):
    """It passes when every remote node is online and fails when one is not,
    as crm_mon reports them."""
    for up in (True, False):
        cib = site_cib(tmp_path, "gate-%s" % up, remote_up=up, granted=False)
        tasks = [
            {
                "name": "status",
                "hacluster.pacemaker.status_info": {"cib_file": str(cib)},
                "register": "status",
            }
        ] + documented_gate()
        rc, data, proc = playbook(tmp_path, tasks)
        online = crm_mon(cib).xpath("nodes/node[@name='rh1']/@online") == ["true"]
        assert online is up
        assert (rc == 0) is up, proc.stdout[-3000:]
