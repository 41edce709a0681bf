"""Hostile input through real ansible-playbook, by class (issue 11): every task
must fail with a message naming the option and the rule, never a traceback, and
leave every file in the directory as it was: bytes, mode and owner, symlinks
still symlinks pointing where they pointed. What must work (ISO durations,
symlinked files, wrapped base64) is run too, and concurrent booth.conf writers
must lose nothing."""

import base64
import hashlib
import os
import subprocess

import pytest
from ansible_run import crashed, local_hosts, playbook, results
from cibfiles import new_cib, tool, verify
from hostile_values import BOOTH_CONF, DUMMY, B, C, G, K, R
from hostile_values import REFUSED as DURATIONS
from lxml import etree

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth_conf as bc

KEY = base64.b64encode(bytes(range(1, 101))).decode()
SITES = {"sites": ["192.0.2.1", "192.0.2.2"], "arbitrators": ["192.0.2.3"]}

# (class, module, args, expected part of the message); {name} fields are paths
FAILS = [
    # 1. durations: only what Pacemaker reads as written
    ("duration", R, {"name": "rh1", "reconnect_interval": "\u0666\u0660"}, "not a valid Pacemaker"),
    ("duration", R, {"name": "rh1", "reconnect_interval": "P1D"}, "reads a day short"),
    ("duration", R, {"name": "rh1", "reconnect_interval": "P1W"}, "reads a day short"),
    ("duration", R, {"name": "rh1", "reconnect_interval": "1.5s"}, "not a valid Pacemaker"),
    ("duration", R, {"name": "rh1", "reconnect_interval": "PT597H"}, "at most 2147483647 ms"),
    (
        "duration",
        R,
        {"name": "rh1", "operations": [{"name": "monitor", "interval": "P1D"}]},
        "operations.monitor.interval: 'P1D' has a date part",
    ),
    (
        "duration",
        G,
        {"name": "g1", "resource": "vm1", "remote_connect_timeout": "P1DT1H"},
        "remote_connect_timeout: 'P1DT1H' has a date part",
    ),
    ("duration", R, {"name": "rh1", "reconnect_interval": "60\x00"}, "'60\\x00' is not a valid"),
    # 2. constraints Pacemaker would ignore
    (
        "ignored constraint",
        B,
        {"name": "T1", "manage": ["cib"], "constraints": [{"resource": "c1"}]},
        "'c1' is inside clone 'cl', and Pacemaker ignores constraints on a member",
    ),
    (
        "ignored constraint",
        B,
        {"name": "T1", "manage": ["cib"], "constraints": [{"resource": "g2"}]},
        "'g2' is inside clone 'cl2'",
    ),
    (
        "ignored constraint",
        B,
        {"name": "T1", "manage": ["cib"], "constraints": [{"resource": "p2"}]},
        "bind 'cl2' instead",
    ),
    (
        "ignored constraint",
        B,
        {"name": "T1", "manage": ["cib"], "constraints": [{"resources": ["vm1", "c1"]}]},
        "'c1' is inside clone 'cl'",
    ),
    (
        "ignored constraint",
        B,
        {"name": "T1", "manage": ["cib"], "constraints": [{"resource": "bp"}]},
        "'bp' is inside bundle 'bu'",
    ),
    (
        "empty",
        B,
        {"name": "T1", "manage": ["cib"], "constraints": [{"resources": ["vm1", ""]}]},
        "an empty resource id is not a resource",
    ),
    # 3./6. files that cannot be used: clear errors, nothing written
    ("file", R, {"name": "rh1", "cib_file": "{dir}/nodir/cib.xml"}, "cib_file: cannot"),
    ("file", R, {"name": "rh1", "cib_file": "{dir}/sub"}, "cib_file: cannot read"),
    (
        "file",
        R,
        {"name": "rh1", "cib_file": "{dir}/newer.xml"},
        "a schema this host's Pacemaker does not have",
    ),
    ("file", R, {"name": "rh1", "cib_file": "{dir}/dangling.xml"}, "cib_file: cannot read"),
    # entities: an external one would read the key into the tree (lxml < 5),
    # nested ones multiply; a CIB never has a DOCTYPE
    ("file", R, {"name": "rh1", "cib_file": "{dir}/entity.xml"}, "has a DOCTYPE"),
    ("file", R, {"name": "rh1", "cib_file": "{dir}/laughs.xml"}, "has a DOCTYPE"),
    ("file", R, {"name": "rh1", "cib_file": "{cib}/x.xml"}, "cib_file: cannot"),
    ("file", B, {"name": "T2", "config_file": "{dir}/sub"}, "config_file: cannot read"),
    ("file", B, {"name": "T2", "config_file": "{dir}/dangling.conf"}, "config_file: cannot read"),
    ("file", B, {"name": "T2", "config_file": "{conf}/x.conf"}, "config_file: cannot read"),
    (
        "file",
        B,
        {"name": "T2", "config_file": "{latin1}"},
        "is not UTF-8 text (byte 0xe9 on line 1)",
    ),
    (
        "file",
        C,
        dict(SITES, config_file="{latin1}"),
        "is not UTF-8 text",
    ),
    (
        "late failure",
        B,
        {"name": "T2", "config_file": "{conf}", "constraints": [{"resource": "nope"}]},
        "'nope' does not exist",
    ),
    (
        "immutable",
        R,
        {"name": "rh1", "cib_file": "{dir}/immutable.xml"},
        "cib_file: cannot replace",
    ),
    ("immutable", B, {"name": "T2", "config_file": "{dir}/immutable.conf"}, "config_file: cannot"),
    (
        "immutable",
        K,
        {"path": "{dir}/immutable-key", "content": KEY, "replace": True},
        "path: cannot replace",
    ),
    ("file", K, {"path": "{dir}/nodir/key", "content": KEY}, "/nodir does not exist (for"),
    ("file", K, {"path": "{dir}/sub", "content": KEY}, "path: cannot read"),
    ("owner", K, {"path": "{dir}/key", "content": KEY, "owner": "no-such-user"}, "owner: no user"),
    (
        "owner",
        K,
        {"path": "{dir}/key", "content": KEY, "group": "no-such-group"},
        "group: no group",
    ),
    (
        "mode",
        K,
        {"path": "{dir}/key", "content": KEY, "mode": "u=rw"},
        "mode: 'u=rw' is not an octal",
    ),
    ("mode", K, {"path": "{dir}/key", "content": KEY, "mode": "17777"}, "is not a file mode"),
    (
        "different key",
        K,
        {"path": "{keylink}", "content": base64.b64encode(b"another key!").decode()},
        "holds a different key",
    ),
    # 6. control characters
    ("control", R, {"name": "rh1", "server": "192.0.2.9\x00"}, "server: '192.0.2.9\\x00' holds a"),
    ("control", R, {"name": "rh1", "server": "\x1b[31mhost"}, "holds a control character"),
    ("control", R, {"name": "rh1", "server": "a\nb"}, "holds a control character"),
    ("control", G, {"name": "g1", "resource": "vm1", "remote_addr": "h\x00"}, "remote_addr"),
    (
        "control",
        R,
        {"name": "rh1", "meta_attributes": {"description": "a\x01b"}},
        "meta_attributes.description: 'a\\x01b' holds a control character",
    ),
    (
        "agent",
        R,
        {"name": "rh1", "instance_attributes": {"serverr": "192.0.2.9"}},
        "instance_attributes: 'serverr' is not a parameter of ocf:pacemaker:remote "
        "(its parameters: port, reconnect_interval, server)",
    ),
    (
        "control",
        C,
        dict(SITES, authfile="/etc/booth/k\nsite = 192.0.2.66"),
        "authfile: '/etc/booth/k\\nsite = 192.0.2.66' holds a control character",
    ),
    (
        "address",
        C,
        dict(SITES, manage=["cib"], site_ip="999.1.1.1"),
        "site_ip: '999.1.1.1' is not an IP address",
    ),
    ("address", C, dict(SITES, manage=["cib"], site_ip="192.0.2.1\n"), "is not an IP address"),
    ("booth", B, {"name": "T\n2"}, "name"),
    ("booth", B, {"name": "T\x002"}, "name"),
    ("booth", B, {"name": "T2", "expire": "P1D"}, "expire"),
    ("booth", B, {"name": "T2", "expire": "\u0666\u0660"}, "expire"),
    ("booth", B, {"name": "T2", "weights": [1, 2, 3, 4]}, "weights"),
    ("booth", B, {"name": "T2", "before_acquire_handler": "h\nsite = 192.0.2.66"}, "before"),
    (
        "booth",
        C,
        {"sites": ["192.0.2.1\nsite = 192.0.2.66", "192.0.2.2"]},
        "sites: '192.0.2.1\\nsite = 192.0.2.66' holds a control character",
    ),
    ("booth", C, dict(SITES, authfile="relative/key"), "authfile"),
    # 4. what booth's parser would refuse, in the options' words (issue 29)
    (
        "booth words",
        C,
        dict(SITES, authfile="/etc/booth/" + "k" * 60),
        "authfile: '/etc/booth/%s' is 71 bytes long; booth reads at most 64" % ("k" * 60),
    ),
    (
        "booth words",
        C,
        dict(SITES, sites=["s" * 70 + ".example", "192.0.2.2"], allow_hostnames=True),
        "sites: '%s.example' is 78 bytes long; booth keeps at most 63 bytes" % ("s" * 70),
    ),
    (
        "booth words",
        C,
        dict(SITES, sites=["2001:db8::1", "2001:DB8:0:0::1"]),
        "sites: '2001:DB8:0:0::1' is the address '2001:db8::1' already given",
    ),
    (
        "booth words",
        C,
        dict(SITES, sites=["192.0.2.%d" % i for i in range(1, 17)], arbitrators=["192.0.2.99"]),
        "sites/arbitrators: 17 members given; booth supports at most 16",
    ),
    (
        "booth words",
        C,
        dict(SITES, sites=["site-a.example", "192.0.2.2"]),
        "sites: 'site-a.example' must be an IPv4 or IPv6 address (host names need allow_hostnames)",
    ),
    (
        "booth words",
        R,
        {"name": "rh1", "operations": [{"name": "mon\x1bitor", "interval": "10s"}]},
        "operations: operation name 'mon\\x1bitor' must be one word",
    ),
    # 7. node names compare as Pacemaker compares them
    (
        "case",
        R,
        {"name": "N1", "server": "192.0.2.8"},
        "'N1' is already the name of a cluster node",
    ),
    (
        "case",
        G,
        {"name": "N1", "resource": "vm1"},
        "Pacemaker compares node names case-insensitively",
    ),
]


# every duration the unit tests refuse, through a real module run as well
FAILS += [
    ("duration", R, {"name": "rh1", "reconnect_interval": value}, "reconnect_interval: ")
    for value in DURATIONS
]


def _snapshot(directory):
    """Everything about every entry that a failed task must not change."""
    out = {}
    for root, dirs, names in os.walk(directory):
        for name in dirs + names:
            path = os.path.join(root, name)
            st = os.lstat(path)
            if os.path.islink(path):
                out[path] = ("link", os.readlink(path))
            elif os.path.isdir(path):
                out[path] = ("dir", st.st_mode)
            else:
                with open(path, "rb") as f:
                    out[path] = ("file", f.read(), st.st_mode, st.st_uid, st.st_gid, st.st_ino)
    return out


@pytest.fixture
def hostile_dir(tmp_path):
    d = tmp_path / "files"
    d.mkdir()
    cib = new_cib(
        d / "cib.xml",
        DUMMY % "vm1",
        '<clone id="cl"><primitive id="c1" class="ocf" provider="pacemaker" type="Dummy"/></clone>',
        '<clone id="cl2"><group id="g2"><primitive id="p2" class="ocf" provider="pacemaker" '
        'type="Dummy"/></group></clone>',
        '<bundle id="bu"><docker image="localhost/none"/><network control-port="3121"/>'
        '<primitive id="bp" class="ocf" '
        'provider="pacemaker" type="Dummy"/></bundle>',
    )
    tool(cib, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>')
    (d / "newer.xml").write_text(
        cib.read_text().replace('validate-with="pacemaker-', 'validate-with="pacemaker-9')
    )
    nested = "".join('<!ENTITY e%d "%s">' % (i + 1, "&e%d;" % i * 10) for i in range(9))
    for name, dtd, value in (
        ("entity.xml", '<!ENTITY x SYSTEM "file://%s">' % (d / "key"), "&x;"),
        ("laughs.xml", '<!ENTITY e0 "ha">' + nested, "&e9;"),
    ):
        (d / name).write_text(
            cib.read_text()
            .replace("<cib ", "<!DOCTYPE cib [%s]>\n<cib " % dtd, 1)
            .replace('<primitive id="vm1"', '<primitive description="%s" id="vm1"' % value, 1)
        )
    (d / "booth.conf").write_text(BOOTH_CONF)
    (d / "latin1.conf").write_bytes(b"# caf\xe9\n" + BOOTH_CONF.encode() + b'ticket = "caf\xe9"\n')
    (d / "key").write_bytes(b"0123456789abcdef")
    (d / "sub").mkdir()
    os.symlink("cib.xml", str(d / "cib-link.xml"))
    os.symlink("booth.conf", str(d / "booth-link.conf"))
    os.symlink("key", str(d / "key-link"))
    os.symlink("nowhere.xml", str(d / "dangling.xml"))
    os.symlink("nowhere.conf", str(d / "dangling.conf"))
    # immutable files (chattr +i): even root cannot replace them
    for name, src in (("immutable.xml", "cib.xml"), ("immutable.conf", "booth.conf")):
        (d / name).write_bytes((d / src).read_bytes())
    (d / "immutable-key").write_bytes(b"0123456789abcdef")
    immutable = [str(d / n) for n in ("immutable.xml", "immutable.conf", "immutable-key")]
    subprocess.run(["chattr", "+i", *immutable], check=True)
    yield d
    subprocess.run(["chattr", "-i", *immutable], check=True)


def _names(d):
    return {
        "dir": str(d),
        "cib": str(d / "cib-link.xml"),
        "conf": str(d / "booth-link.conf"),
        "latin1": str(d / "latin1.conf"),
        "keylink": str(d / "key-link"),
    }


def _tasks(table, names):
    tasks = []
    for _cls, module, args, _message in table:
        args = {k: (v.format(**names) if isinstance(v, str) else v) for k, v in args.items()}
        if module != K:
            args.setdefault("cib_file", names["cib"])
        if module == C:
            args.setdefault("manage", ["config"])
            args.setdefault("config_file", names["conf"])
        if module == B:
            args.setdefault("config_file", names["conf"])
        tasks.append({module: args, "ignore_errors": True})
    return tasks


def _core_refused_nul(args, msg):
    """ansible-core's AnsibleModule logs its arguments to syslog before the
    module runs; with Python 3.13 (Debian 13's, in the trixie generation run)
    a NUL byte makes that fail, so the task fails before any of our code."""
    return "\\x00" in repr(args) and msg.startswith("Failed to log to syslog (embedded null")


def test_hostile_inputs_fail_clearly_and_change_nothing(tmp_path, hostile_dir):
    before = _snapshot(str(hostile_dir))
    rc, data, proc = playbook(tmp_path, _tasks(FAILS, _names(hostile_dir)))
    problems = []
    for i, (cls, module, args, message) in enumerate(FAILS):
        res = results(data, i)["localhost"]
        msg = res.get("msg", "")
        if crashed(res):
            problems.append("[%s] %s %r: TRACEBACK %s" % (cls, module, args, msg[:300]))
        elif not res.get("failed") or message not in msg and not _core_refused_nul(args, msg):
            problems.append("[%s] %s %r: %s" % (cls, module, args, msg or res))
    assert not problems, "\n".join(problems)
    assert _snapshot(str(hostile_dir)) == before
    assert len(FAILS) >= 80


def test_what_pacemaker_reads_is_accepted_and_symlinks_stay_links(tmp_path, hostile_dir):
    names = _names(hostile_dir)
    wrapped = base64.encodebytes(bytes(range(1, 101))).decode()  # 76 columns, as base64 prints
    tasks = [
        {R: {"name": "rh1", "server": "192.0.2.21", "reconnect_interval": "PT5M"}},
        {R: {"name": "rh2", "server": "192.0.2.22", "reconnect_interval": "60S"}},
        {R: {"name": "rh1", "server": "192.0.2.21", "reconnect_interval": "300"}},  # same value
        {G: {"name": "g1", "resource": "vm1", "remote_connect_timeout": "PT1M"}},
        {B: {"name": "T2", "config_file": names["conf"], "constraints": [{"resource": "cl"}]}},
        {K: {"path": str(hostile_dir / "key-new"), "content": wrapped}},
        {R: {"name": "rh1", "meta_attributes": {"target-role": "Stopped", "is-managed": False}}},
        {R: {"name": "rh1", "meta_attributes": {"target-role": None}}},
    ]
    for task in tasks:
        for module, args in task.items():
            if module != K:
                args.setdefault("cib_file", names["cib"])
    rc, data, proc = playbook(tmp_path, tasks)
    assert rc == 0, proc.stdout[-3000:]
    changed = [results(data, i)["localhost"]["changed"] for i in range(len(tasks))]
    assert changed == [True, True, False, True, True, True, True, True]
    key = results(data, 5)["localhost"]
    assert key["key_state"] == "created" and key["size"] == 100
    # the links are still links; their targets hold the changes
    for link in ("cib-link.xml", "booth-link.conf"):
        assert os.path.islink(str(hostile_dir / link))
    cib = etree.parse(str(hostile_dir / "cib.xml"))
    assert cib.xpath("//primitive[@id='rh1']//nvpair[@name='reconnect_interval']/@value") == [
        "PT5M"
    ]
    meta = cib.xpath("//primitive[@id='rh1']/meta_attributes/nvpair")
    assert [(n.get("name"), n.get("value")) for n in meta] == [("is-managed", "false")]
    verify(hostile_dir / "cib.xml")
    assert "T2" in bc.tickets(bc.parse((hostile_dir / "booth.conf").read_text()))


def test_eight_concurrent_booth_ticket_tasks_lose_nothing(tmp_path, hostile_dir):
    inventory = local_hosts(tmp_path, 8)
    conf = hostile_dir / "booth-link.conf"  # half through the link, half through the file
    task = [
        {
            B: {
                "name": "C{{ idx }}",
                "manage": ["config"],
                "config_file": "{{ '%s' if idx | int is even else '%s' }}"
                % (conf, hostile_dir / "booth.conf"),
            }
        }
    ]
    rc, data, proc = playbook(tmp_path, task, hosts="all", inventory=inventory, forks=8)
    assert rc == 0, proc.stdout[-3000:]
    assert all(r["changed"] for r in results(data, 0).values())
    assert os.path.islink(str(conf))
    tickets = bc.tickets(bc.parse((hostile_dir / "booth.conf").read_text()))
    assert {"C%d" % i for i in range(8)} <= set(tickets)


def test_status_info_reports_files_it_cannot_use(tmp_path, hostile_dir):
    d = hostile_dir
    files = [d / "latin1.conf", d / "sub", d / "dangling.conf", d / "booth-link.conf"]
    task = {
        "hacluster.pacemaker.status_info": {
            "cib_file": str(d / "cib-link.xml"),
            "booth_config_files": [str(f) for f in files],
        }
    }
    before = _snapshot(str(d))
    rc, data, proc = playbook(tmp_path, [task])
    assert rc == 0, proc.stdout[-3000:]
    configs = results(data, 0)["localhost"]["booth_configs"]
    errors = [c["error"] for c in configs]
    assert errors[0] is None
    assert [t["name"] for t in configs[0]["tickets"]] == ["T1", "caf\ufffd"]
    assert configs[0]["checksum"] == hashlib.sha256((d / "latin1.conf").read_bytes()).hexdigest()
    assert "Is a directory" in errors[1] and "No such file" in errors[2]
    assert errors[3] is None and [t["name"] for t in configs[3]["tickets"]] == ["T1"]
    assert _snapshot(str(d)) == before
