"""Fixtures of the "remote" scenario's tests (helpers: remote_lab.py over
tests/labkit.py), and the split of those tests over the lab's two remote sets.

lab/test.sh runs the tests in two halves side by side: LAB_REMOTE_PART=a on
cluster A (extensions/molecule/remote), LAB_REMOTE_PART=b on cluster C
(extensions/molecule/remote-b, LAB_REMOTE_INVENTORY=remote-b). The second
half is the files that start from a converged lab or reset it themselves;
the first half's files build on one another in file order. Unset: all."""

import os

import labkit
import pytest
from remote_lab import CLUSTER, NODE, host

no_unprovoked_fence = labkit.fence_guard(CLUSTER)
SECOND_HALF = ("test_zzzy_options.py", "test_zzzz_cut_everywhere.py")


def pytest_collection_modifyitems(config, items):
    part = os.environ.get("LAB_REMOTE_PART", "")
    if part not in ("", "a", "b"):
        raise pytest.UsageError("LAB_REMOTE_PART must be a, b or unset (is %r)" % part)
    if not part:
        return
    keep, drop = [], []
    for item in items:
        second = item.path.name in SECOND_HALF
        (keep if second == (part == "b") else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def node1():
    return host(NODE)
