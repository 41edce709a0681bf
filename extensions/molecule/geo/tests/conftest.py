"""The geo scenario's tests share geo_lab.py over the lab test kit
(tests/labkit.py), which needs tests/ on sys.path before any test imports it.
No test may see a fence it did not provoke (the sites run with fencing on).

lab/test.sh runs the tests in two halves side by side: LAB_GEO_PART=a on the
first geo set (extensions/molecule/geo), LAB_GEO_PART=b on the second
(extensions/molecule/geo-b, LAB_GEO_INVENTORY=geo-b). The second half is the
files that start from a converged formation and read where the ticket is
instead of assuming it; the first half's files build on one another in file
order. Unset: all."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tests"))

import labkit  # noqa: E402
from geo_lab import SITES  # noqa: E402

no_unprovoked_fence = labkit.fence_guard(SITES)
pytest_runtest_protocol = labkit.costs_hook()
SECOND_HALF = ("test_zy_options.py", "test_zz_cut_everywhere.py")


pytest_collection_modifyitems = labkit.split_by_part("LAB_GEO_PART", SECOND_HALF)
