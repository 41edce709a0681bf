"""The geo scenario's members and addresses, read from lab/inventory/geo.yml
(or the second geo set's, LAB_GEO_INVENTORY=geo-b), and the lab test kit
(tests/labkit.py) bound to that inventory."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tests"))

import labkit  # noqa: E402
from labkit import BOOTH_CONF as CONF  # noqa: E402
from labkit import host  # noqa: E402

# what the scenario's tests take from here besides what is defined below
__all__ = ["CONF", "host"]

SELECTION = os.environ.get("LAB_GEO_INVENTORY", "geo")
INVENTORY = labkit.inventory(SELECTION)
SITE_A, SITE_B = INVENTORY.hosts("geo_site_a")[0], INVENTORY.hosts("geo_site_b")[0]
ARBITRATOR = INVENTORY.hosts("geo_arbitrators")[0]
SITES = (SITE_A, SITE_B)
MEMBERS = SITES + (ARBITRATOR,)
IP_A, IP_B = (INVENTORY.var("booth_site_ip", s) for s in SITES)
ARBITRATOR_IP = INVENTORY.var("booth_arbitrators")[0]
KEY = "/etc/booth/booth.key"
TICKET = INVENTORY.var("booth_tickets")[0]["name"]
RESOURCE = INVENTORY.var("geo_demo_resource")
SCENARIO = Path(__file__).resolve().parents[1]


def leader(member, site=None, ticket=TICKET, config=CONF):
    return labkit.leader(member, ticket, config, site)


def resource_state(site, resource=RESOURCE):
    """'Started' or 'Stopped' for a resource in this site's crm_mon."""
    return "Started" if labkit.where(site, resource) else "Stopped"


def wait_for(what, expected, timeout=90):
    """Wait until what() == expected; its last value."""
    got = []

    def reached():
        got[:] = [None]
        got[:] = [what()]
        return got[0] == expected

    labkit.wait_until(reached, timeout)
    return got[0] if got else None


def play(playbook, *layers, extra_vars=(), check=False):
    """A playbook (under playbooks/, or a path) on the geo inventory, with more
    inventory layers after it (as lab/inventory/adopt.yml layers on geo.yml)."""
    inv = labkit.inventory(SELECTION, *(str(p) for p in layers)) if layers else INVENTORY
    return labkit.play(playbook, inv, extra_vars, check=check)


def checksums(path, members=MEMBERS):
    return {m: host(m).file(path).sha256sum for m in members}


def cib_version(site):
    return labkit.cib_version(site)


def stale():
    """{member: the files its running boothd has not loaded} (host_info)."""
    spec = {"name": "b", "command": "boothd", "match": ["booth", CONF], "files": [CONF, KEY]}
    out = {}
    for m, got in labkit.daemons(INVENTORY, MEMBERS, spec).items():
        assert got["b"]["running"], (m, got)
        out[m] = got["b"]["stale_files"]
    return out
