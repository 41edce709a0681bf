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
    live_cluster.wait_node_gone("live-remote", timeout=60)
