"""Live mode without a running cluster: a clear error, nothing else.

Named to run before the tests that start the host cluster (pytest runs the
files of a directory in name order)."""

import subprocess

import pytest
from ansible_run import playbook, results

R = "hacluster.pacemaker.pacemaker_remote_node"


def test_cluster_not_running_is_reported(tmp_path):
    if subprocess.run(["cibadmin", "--query"], capture_output=True, check=False).returncode == 0:
        pytest.skip("a cluster is running on this host")
    rc, data, _proc = playbook(tmp_path, [{R: {"name": "rh1"}}])
    assert rc != 0
    assert "is the cluster running on this node?" in results(data, 0)["localhost"]["msg"]
