"""Fixtures of the "remote" scenario's tests (helpers: remote_lab.py over tests/labkit.py)."""

import pytest
from remote_lab import NODE, host


@pytest.fixture(scope="session")
def node1():
    return host(NODE)
