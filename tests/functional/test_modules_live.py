"""The modules against a real running cluster on this host (see live_cluster.py)."""

import subprocess

from ansible_run import playbook, result


def live_version():
    out = subprocess.run(
        ["cibadmin", "--query", "--xpath", "/cib", "--no-children"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out


def test_remote_node_added_by_the_module_goes_online(tmp_path, live_cluster):
    task = {
        "hacluster.pacemaker.pacemaker_remote_node": {
            "name": "live-remote",
            "server": live_cluster.remote_host,
            "port": live_cluster.remote_port,
            "reconnect_interval": "5s",
            "wait": True,
            "wait_timeout": 90,
        }
    }
    rc, data, proc = playbook(tmp_path, [task])
    assert rc == 0, proc.stdout[-3000:]
    assert result(data)["changed"]
    assert live_cluster.node_states()["live-remote"]["online"] == "true"
    # the reported version is the live CIB's (num_updates moves as the node joins)
    reported = result(data)["cib_version_after"].split(".")[:2]
    actual = live_version()
    assert 'admin_epoch="%s"' % reported[0] in actual and 'epoch="%s"' % reported[1] in actual

    # rerun: nothing changes, the live CIB's epoch stays
    before = live_version()
    rc, data, _proc = playbook(tmp_path, [task])
    assert rc == 0 and not result(data)["changed"]
    after = live_version()
    assert 'epoch="%s"' % before.split('epoch="')[1].split('"')[0] in after

    # a guest node: any primitive carrying the meta attributes (no KVM here)
    rc, data, proc = playbook(
        tmp_path,
        [
            {
                "hacluster.pacemaker.pacemaker_remote_node": {
                    "name": "live-remote",
                    "state": "absent",
                }
            },
        ],
    )
    assert rc == 0 and result(data)["changed"], proc.stdout[-3000:]
    # the module waited for the connection to stop before clearing the node
    # (crm_node --force --remove): when it returns, nothing of it is left
    assert "live-remote" not in live_cluster.node_states()
    status = subprocess.run(
        ["cibadmin", "--query", "--scope", "status"], capture_output=True, text=True, check=True
    ).stdout
    assert 'uname="live-remote"' not in status


def test_eight_forks_write_the_live_cib_at_once(tmp_path, live_cluster):
    """8 hosts (forks) add a remote node, a guest node and a ticket constraint
    each to the same running cluster at the same time: nothing is lost."""
    import sys

    for i in range(8):
        subprocess.run(
            [
                "cibadmin",
                "--create",
                "--scope",
                "resources",
                "--xml-text",
                '<primitive id="fork-d%d" class="ocf" provider="pacemaker" type="Dummy">'
                '<meta_attributes id="fork-d%d-meta"><nvpair id="fork-d%d-meta-tr" '
                'name="target-role" value="Stopped"/></meta_attributes></primitive>' % (i, i, i),
            ],
            check=True,
            capture_output=True,
        )
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(
        "".join(
            "f%d ansible_connection=local ansible_python_interpreter=%s idx=%d\n"
            % (i, sys.executable, i)
            for i in range(8)
        )
    )
    tasks = [
        {
            "hacluster.pacemaker.pacemaker_remote_node": {
                "name": "fork-r{{ idx }}",
                "server": "127.0.3.{{ idx | int + 1 }}",
                "meta_attributes": {"target-role": "Stopped"},
            }
        },
        {
            "hacluster.pacemaker.guest_node": {
                "name": "fork-g{{ idx }}",
                "resource": "fork-d{{ idx }}",
            }
        },
        {
            "hacluster.pacemaker.booth_ticket": {
                "name": "fork-T{{ idx }}",
                "manage": ["cib"],
                "constraints": [{"resource": "fork-d{{ idx }}", "loss_policy": "stop"}],
            }
        },
    ]
    rc, data, proc = playbook(tmp_path, tasks, hosts="all", inventory=inventory, forks=8)
    assert rc == 0, proc.stdout[-3000:]
    assert data["stats"]["f0"]["failures"] == 0
    cib = subprocess.run(["cibadmin", "--query"], capture_output=True, text=True, check=True).stdout
    for i in range(8):
        assert 'id="fork-r%d"' % i in cib
        assert 'value="fork-g%d"' % i in cib
        assert 'id="ticket-fork-T%d-fork-d%d"' % (i, i) in cib
    attempts = [r.get("attempts") for r in data["plays"][0]["tasks"][0]["hosts"].values()]
    print("retries seen:", attempts)
    playbook(
        tmp_path,
        [
            {
                "hacluster.pacemaker.booth_ticket": {
                    "tickets": [{"name": "fork-T%d" % i, "state": "absent"} for i in range(8)],
                    "manage": ["cib"],
                }
            },
            {
                "hacluster.pacemaker.pacemaker_remote_node": {
                    "nodes": [{"name": "fork-r%d" % i, "state": "absent"} for i in range(8)]
                }
            },
            {
                "hacluster.pacemaker.guest_node": {
                    "nodes": [{"name": "fork-g%d" % i, "state": "absent"} for i in range(8)]
                }
            },
        ],
    )
