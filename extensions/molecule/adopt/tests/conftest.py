"""The adopt scenario runs on every lab cluster, with fencing on: no test may
see a fence it did not provoke."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tests"))

import labkit  # noqa: E402

_remote, _geo = labkit.inventory("remote"), labkit.inventory("geo")
no_unprovoked_fence = labkit.fence_guard(
    _remote.hosts("cluster_nodes") + _geo.hosts("geo_site_a") + _geo.hosts("geo_site_b")
)
pytest_runtest_protocol = labkit.costs_hook()
