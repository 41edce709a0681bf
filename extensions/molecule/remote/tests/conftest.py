"""Fixtures of the "remote" scenario's tests (helpers live in remote_lab.py)."""

import pytest
from remote_lab import lab


@pytest.fixture(scope="session")
def node1():
    return lab("node1")
