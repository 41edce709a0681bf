"""The geo scenario's tests share geo_lab.py over the lab test kit
(tests/labkit.py), which needs tests/ on sys.path before any test imports it.
No test may see a fence it did not provoke (the sites run with fencing on)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tests"))

import labkit  # noqa: E402
from geo_lab import SITES  # noqa: E402

no_unprovoked_fence = labkit.fence_guard(SITES)
