"""Fixtures of the "remote" scenario's tests (helpers: remote_lab.py over
tests/labkit.py), and the split of those tests over the lab's two remote sets.

lab/test.sh runs the tests in two halves side by side: LAB_REMOTE_PART=a on
cluster A (extensions/molecule/remote), LAB_REMOTE_PART=b on cluster C
(extensions/molecule/remote-b, LAB_REMOTE_INVENTORY=remote-b). The second
half is the files that start from a converged lab or reset it themselves;
the first half's files build on one another in file order. Unset: all."""

import labkit
import pytest
from remote_lab import CLUSTER, NODE, host

no_unprovoked_fence = labkit.fence_guard(CLUSTER)
pytest_runtest_protocol = labkit.costs_hook()
SECOND_HALF = (
    "test_zs_host_info_firewalld.py",
    "test_zzzx_certificates.py",
    "test_zzzy_options.py",
    "test_zzzz_cut_everywhere.py",
)


pytest_collection_modifyitems = labkit.split_by_part("LAB_REMOTE_PART", SECOND_HALF)


@pytest.fixture(scope="session")
def first_node():
    """The first cluster node (NODE) as a testinfra host."""
    return host(NODE)
