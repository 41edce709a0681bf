"""Fixtures of the "remote" scenario's tests (helpers: remote_lab.py over tests/labkit.py)."""

import labkit
import pytest
from remote_lab import CLUSTER, NODE, host

no_unprovoked_fence = labkit.fence_guard(CLUSTER)


@pytest.fixture(scope="session")
def node1():
    return host(NODE)
