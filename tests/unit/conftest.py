import pytest
from cibfiles import new_cib


@pytest.fixture
def cib(tmp_path):
    """A fresh CIB file with one Dummy primitive, vm1."""
    return new_cib(
        tmp_path / "cib.xml", '<primitive id="vm1" class="ocf" provider="pacemaker" type="Dummy"/>'
    )
