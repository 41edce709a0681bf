"""Fixtures for functional tests against a real Pacemaker cluster on this host.

``live_cluster`` (session scope) starts a single-node corosync + Pacemaker
cluster and a pacemaker-remoted on 127.0.0.1:3122 (see tests/live_cluster.py),
and yields a ``live_cluster.ClusterInfo``:

    cluster_name  "hctest"
    node_name     the cluster node's name (the short hostname)
    node_id       1
    remote_host   "127.0.0.1"   where pacemaker-remoted listens
    remote_port   3122
    authkey       "/etc/pacemaker/authkey"
    corosync_conf "/etc/corosync/corosync.conf"
    log_dir       "/var/log/hacluster-test"
    crm_mon_xml() / node_states() / wait_node_online(name, timeout)
    wait_node_gone(name, timeout) / reset() / log_tail(lines)

The cluster runs with stonith-enabled=false. Mark tests using the fixture
``@pytest.mark.live``; the fixture also adds the mark itself, so
``-m "not live"`` deselects them. They are skipped when not run as root or
when Pacemaker/corosync are not installed.

Lifecycle: if the cluster was not running, the fixture starts it (fresh CIB)
and stops it at the end of the session. If it was already running (e.g.
``python tests/live_cluster.py start`` by hand), the fixture resets its
configuration (live_cluster.reset) and leaves it running afterwards. Set
HACLUSTER_TEST_KEEP=1 to keep a cluster the fixture started.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import live_cluster as lc  # noqa: E402


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "live_cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.live)


def _skip_or_fail(reason):
    """Skip on a developer's machine; in CI a missing prerequisite is a failure."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_cluster():
    """Start (or reuse) the live cluster; yields live_cluster.ClusterInfo."""
    if os.geteuid() != 0:
        _skip_or_fail("live cluster tests need root")
    for tool in ("corosync", "pacemakerd", "crm_mon", "cibadmin"):
        if not shutil.which(tool):
            _skip_or_fail(f"{tool} not installed (scripts/host-deps.sh)")

    was_running = lc.is_running()
    t0 = time.monotonic()
    try:
        info = lc.start()
        if was_running:
            lc.reset()
        lc.set_property("stonith-enabled", "false")
        lc.wait_for(lc.cluster_ready, 120, f"node {info.node_name} online with an elected DC")
    except lc.LiveClusterError as exc:
        if not was_running:
            lc.stop()
        pytest.fail(f"could not start the live cluster: {exc}", pytrace=False)
    print(
        f"\nlive cluster ready in {time.monotonic() - t0:.1f}s "
        f"({'reused' if was_running else 'started'})"
    )
    try:
        yield info
    finally:
        if not was_running and os.environ.get("HACLUSTER_TEST_KEEP") != "1":
            lc.stop()
