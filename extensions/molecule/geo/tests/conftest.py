"""The geo scenario's tests share geo_lab.py (over tests/labkit.py)."""

import geo_lab  # noqa: F401  (puts tests/ on sys.path for the kit)
