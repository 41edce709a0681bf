"""module_defaults for the action group hacluster.pacemaker.pacemaker (meta/runtime.yml)."""

import os

from ansible_run import playbook

from cibfiles import new_cib, verify

DUMMY = '<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>'


def test_group_module_defaults_set_cib_file(tmp_path):
    """cib_file from module_defaults group/hacluster.pacemaker.pacemaker reaches
    every CIB module (none names it; no cluster runs here), and authkey, which is
    not in the group, is not given it."""
    cib = new_cib(tmp_path / "cib.xml", DUMMY % "vm1", DUMMY % "web")
    conf = tmp_path / "booth.conf"
    defaults = {"group/hacluster.pacemaker.pacemaker": {"cib_file": str(cib)}}
    tasks = [
        {
            "hacluster.pacemaker.pacemaker_remote_node": {
                "name": "rh1",
                "server": "192.0.2.5",
            }
        },
        {
            "hacluster.pacemaker.guest_node": {
                "name": "gh1",
                "resource": "vm1",
                "remote_addr": "192.0.2.6",
            }
        },
        {
            "hacluster.pacemaker.booth_config": {
                "config_file": str(conf),
                "sites": ["192.0.2.101", "192.0.2.102"],
                "arbitrators": ["192.0.2.41"],
                "site_ip": "192.0.2.101",
                "manage": ["config", "cib"],
            }
        },
        {
            "hacluster.pacemaker.booth_ticket": {
                "name": "apacheticket",
                "config_file": str(conf),
                "constraints": [{"resource": "web"}],
            }
        },
        {"hacluster.pacemaker.status_info": {"booth_config_files": [str(conf)]}},
        {
            "hacluster.pacemaker.authkey": {
                "path": str(tmp_path / "authkey"),
                "generate": True,
                "owner": str(os.getuid()),
                "group": str(os.getgid()),
            }
        },
        {"hacluster.pacemaker.maintenance_mode": {}},
    ]
    rc, data, proc = playbook(tmp_path, tasks, module_defaults=defaults)
    res = [t["hosts"]["localhost"] for t in data["plays"][0]["tasks"]]
    assert rc == 0, proc.stdout[-3000:]
    assert [r["changed"] for r in res] == [True, True, True, True, False, True, True]
    verify(cib)
    text = cib.read_text()
    for wanted in (
        'id="rh1"',
        'name="remote-node" value="gh1"',
        "booth-booth-group",
        'ticket="apacheticket"',
        'id="hacluster-pacemaker-maintenance" name="maintenance-mode" value="true"',
    ):
        assert wanted in text, wanted
    status = res[4]
    assert [n["name"] for n in status["remote_nodes"]] == ["rh1"]
    assert [n["name"] for n in status["guest_nodes"]] == ["gh1"]
    assert [t["name"] for t in status["tickets"]] == ["apacheticket"]
    # the same play again: nothing to do, through the same defaults
    rc, data, proc = playbook(tmp_path, tasks, module_defaults=defaults)
    res = [t["hosts"]["localhost"] for t in data["plays"][0]["tasks"]]
    assert rc == 0, proc.stdout[-3000:]
    assert not any(r["changed"] for r in res)
