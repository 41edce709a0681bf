"""The modules through real ansible-playbook on CIB files (offline mode)."""

import pytest
from ansible_run import local_hosts, one_play, playbook, result, results
from lxml import etree

from cibfiles import new_cib, tool, verify

DUMMY = '<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>'


@pytest.fixture
def cib(tmp_path):
    return new_cib(tmp_path / "cib.xml", DUMMY % "vm1")


def tasks(cib_path):
    return [
        {
            "name": "remote",
            "hacluster.pacemaker.pacemaker_remote_node": {
                "name": "rh1",
                "server": "192.0.2.5",
                "port": 3122,
                "reconnect_interval": "60",
                "cib_file": str(cib_path),
            },
        },
        {
            "name": "guest",
            "hacluster.pacemaker.guest_node": {
                "name": "gh1",
                "resource": "vm1",
                "remote_addr": "192.0.2.6",
                "remote_connect_timeout": "30s",
                "cib_file": str(cib_path),
            },
        },
    ]


def test_apply_then_rerun_changes_nothing(tmp_path, cib):
    rc, data, _proc = playbook(tmp_path, tasks(cib), diff=True)
    assert rc == 0
    first = result(data, 0)
    assert first["changed"] and first["nodes"][0]["server"] == "192.0.2.5"
    assert first["cib_version_after"] != first["cib_version_before"]
    assert "rh1-instance_attributes-server" in first["diff"]["after"]
    assert result(data, 1)["changed"]
    verify(cib)
    content = cib.read_bytes()
    rc, data, _proc = playbook(tmp_path, tasks(cib), diff=True)
    assert rc == 0
    assert data["stats"]["localhost"]["changed"] == 0
    assert cib.read_bytes() == content  # same epoch, not even rewritten


def test_check_mode_predicts_and_writes_nothing(tmp_path, cib):
    content = cib.read_bytes()
    rc, data, _proc = playbook(tmp_path, tasks(cib), check=True, diff=True)
    assert rc == 0
    assert result(data, 0)["changed"] and "<primitive" in result(data, 0)["diff"]["after"]
    assert cib.read_bytes() == content


BAD_MODULE_INPUT = [
    ("hacluster.pacemaker.pacemaker_remote_node", {"name": "rh1", "port": "http"}, "port"),
    (
        "hacluster.pacemaker.pacemaker_remote_node",
        {"name": "rh1", "nodes": [{"name": "x"}]},
        "mutually exclusive: name|nodes",
    ),
    (
        "hacluster.pacemaker.pacemaker_remote_node",
        {"name": "rh1", "addr": "x"},
        "Unsupported parameters",
    ),
    (
        "hacluster.pacemaker.pacemaker_remote_node",
        {"state": "present"},
        "one of the following is required: name, nodes",
    ),
    (
        "hacluster.pacemaker.pacemaker_remote_node",
        {"name": "rh1", "port": 0},
        "port: '0' is not a valid port number",
    ),
    (
        "hacluster.pacemaker.pacemaker_remote_node",
        {"nodes": [{"name": "r1"}, {"name": "vm1"}]},
        "nodes[vm1].name: 'vm1' is already used as an id",
    ),
    (
        "hacluster.pacemaker.guest_node",
        {"name": "gh1", "resource": "missing"},
        "resource: 'missing' does not exist",
    ),
    ("hacluster.pacemaker.guest_node", {"name": "gh1"}, "resource: required when state=present"),
    (
        "hacluster.pacemaker.pacemaker_remote_node",
        {"name": "rh1", "server": "192.0.2.1", "reconnect": True},
        "reconnect: a connection is re-made on a running cluster, not in a CIB file",
    ),
    (
        "hacluster.pacemaker.guest_node",
        {"name": "gh1", "resource": "vm1", "reconnect": True},
        "Unsupported parameters for (hacluster.pacemaker.guest_node) module: reconnect",
    ),
    (
        "hacluster.pacemaker.guest_node",
        {"name": "gh1", "resource": "vm1", "remote_port": 99999},
        "remote_port: '99999' is not a valid port number",
    ),
]


@pytest.fixture(scope="module")
def bad_inputs(tmp_path_factory):
    """Each case on a CIB file of its own, all in one play; and each CIB's
    bytes before it."""

    def tasks_of(directory, case):
        module, args, _message = case
        path = new_cib(directory / "cib.xml", DUMMY % "vm1")
        before[directory] = path.read_bytes()
        return [{module: dict(args, cib_file=str(path))}]

    before = {}
    return one_play(tmp_path_factory, "bad-input", BAD_MODULE_INPUT, tasks_of), before


@pytest.mark.parametrize(
    "case",
    range(len(BAD_MODULE_INPUT)),
    ids=["%s %s" % (case[0].split(".")[-1], case[1]) for case in BAD_MODULE_INPUT],
)
def test_bad_module_input(bad_inputs, case):
    played, before = bad_inputs
    directory, (res,) = played[case]
    message = BAD_MODULE_INPUT[case][2]
    assert res.get("failed") and message in res["msg"], res
    assert (directory / "cib.xml").read_bytes() == before[directory]


def test_missing_cib_file(tmp_path):
    rc, data, _proc = playbook(
        tmp_path,
        [
            {
                "hacluster.pacemaker.pacemaker_remote_node": {
                    "name": "rh1",
                    "cib_file": str(tmp_path / "nope.xml"),
                }
            }
        ],
    )
    assert rc != 0 and "cib_file: cannot read" in result(data, 0)["msg"]


def test_eight_forks_write_the_same_cib(tmp_path, cib):
    inventory = local_hosts(tmp_path, 8)
    task = [
        {
            "hacluster.pacemaker.pacemaker_remote_node": {
                "name": "rn{{ idx }}",
                "server": "192.0.2.{{ 10 + idx | int }}",
                "cib_file": str(cib),
            }
        }
    ]
    rc, data, _proc = playbook(tmp_path, task, hosts="all", inventory=inventory, forks=8)
    assert rc == 0
    assert all(r["changed"] for r in results(data, 0).values())
    ids = set(etree.parse(str(cib)).xpath("//primitive/@id"))
    assert {"rn%d" % i for i in range(8)} <= ids
    verify(cib)


def test_batch_form_in_one_task(tmp_path, cib):
    nodes = [{"name": "r%d" % i, "server": "10.2.0.%d" % i} for i in range(1, 51)]
    guests = [{"name": "gh1", "resource": "vm1"}]
    rc, data, _proc = playbook(
        tmp_path,
        [
            {"hacluster.pacemaker.pacemaker_remote_node": {"nodes": nodes, "cib_file": str(cib)}},
            {"hacluster.pacemaker.guest_node": {"nodes": guests, "cib_file": str(cib)}},
        ],
    )
    assert rc == 0 and len(result(data, 0)["nodes"]) == 50
    assert result(data, 1)["nodes"][0]["resource"] == "vm1"
    verify(cib)
    out = tool(cib, "crm_simulate", "--live-check", "--simulate").stdout
    assert "r50" in out


@pytest.mark.parametrize("case", ["ok", "bad site_ip", "cib write fails"])
def test_booth_config_makes_its_directory_only_for_a_task_that_succeeds(tmp_path, cib, case):
    """booth.conf in a directory that does not exist yet: the task makes it
    (0755, as the booth package does). Refused by our rules (a bad site_ip) or
    failing at the CIB write (the CIB file is replaced by a directory), the
    new directories go again with the staged file."""
    etc = tmp_path / "etc"
    if case == "cib write fails":
        cib.unlink()
        cib.mkdir()
    task = {
        "hacluster.pacemaker.booth_config": {
            "config_file": str(etc / "booth" / "booth.conf"),
            "sites": ["192.0.2.30", "192.0.2.31"],
            "arbitrators": ["192.0.2.40"],
            "authfile": "/etc/booth/authkey",
            "site_ip": "192.0.2.300" if case == "bad site_ip" else "192.0.2.30",
            "manage": ["config", "cib"],
            "cib_file": str(cib),
        }
    }
    rc, data, _proc = playbook(tmp_path, [task])
    if case == "ok":
        assert rc == 0 and result(data, 0)["changed"]
        assert oct((etc / "booth").stat().st_mode & 0o777) == oct(0o755)
        assert "site = 192.0.2.31" in (etc / "booth" / "booth.conf").read_text().splitlines()
        verify(cib)
        return
    assert rc != 0
    failed = result(data, 0)
    assert failed.get("failed") and not failed.get("changed"), failed
    assert not etc.exists()
