"""The geo scenario's tests share geo_lab.py over the lab test kit
(tests/labkit.py), which needs tests/ on sys.path before any test imports it."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tests"))
