"""The remote scenario's hosts, read from lab/inventory/remote.yml (or
remote-b.yml), and the lab
test kit (tests/labkit.py) bound to that inventory. The authkey is never read:
only its SHA-256 fingerprint, mode and owner."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[4] / "tests"))

import labkit  # noqa: E402
from labkit import AUTHKEY, host, wait_until  # noqa: E402

# what the scenario's tests take from here besides what is defined below
__all__ = ["AUTHKEY", "host", "wait_until"]

# lab/inventory/remote.yml (cluster A), or the second set's remote-b.yml
# (extensions/molecule/remote-b): also the lab/up.sh selection of its hosts
SELECTION = os.environ.get("LAB_REMOTE_INVENTORY", "remote")
INVENTORY = labkit.inventory(SELECTION)
CLUSTER = INVENTORY.hosts("cluster_nodes")
REMOTE_HOSTS = INVENTORY.hosts("remote_nodes") + INVENTORY.hosts("guest_nodes")
ALL_HOSTS = CLUSTER + REMOTE_HOSTS
NODE = CLUSTER[0]  # where the CIB is read and the modules run
NODE2 = CLUSTER[1]  # the other cluster node
REMOTE = INVENTORY.hosts("remote_nodes")[0]  # the remote node (remote1, remote2)
GUEST = INVENTORY.hosts("guest_nodes")[0]  # the guest node (guest1, guest2)
# the guest's resource (guest1-vm, guest2-vm), as the inventory names it
GUEST_RESOURCE = INVENTORY.var("pacemaker_remote_guest_resource", GUEST)
REMOTE_DUMMY = f"{REMOTE}-dummy"  # the Dummy resource test_remote.py runs on REMOTE
default_suite_only = labkit.default_suite_only()


def run_playbook(*extra_vars, check=False, playbook="remote_nodes.yml"):
    return labkit.play(playbook, INVENTORY, extra_vars, check=check)


def run_module(module, args, check=False, target=NODE):
    return labkit.module(INVENTORY, target, module, args, check=check)


def fingerprints(hosts=ALL_HOSTS):
    return labkit.fingerprints(hosts)


def crm_mon():
    """crm_mon's XML at the first cluster node, for what the collection's
    reader does not keep (maintenance, failures)."""
    import xml.etree.ElementTree as ET

    return ET.fromstring(labkit.crm_mon_xml(NODE))


def online_nodes():
    return labkit.online_nodes(NODE)


def wait_online(names=ALL_HOSTS, timeout=180):
    return labkit.wait_online(NODE, names, timeout)


def cib_epoch():
    return labkit.cib_version(NODE)


def where(resource):
    return labkit.where(NODE, resource)


def no_change(result):
    """A run that succeeded and changed nothing on any host."""
    return result.ok and result.stats and not any(result.changed().values())


def running_ports():
    """{host: the port each pacemaker-remoted listens on} (host_info, from
    /proc), which must be the one its own environment names (as the role
    reads it)."""
    spec = {"name": "r", "command": "pacemaker-remoted", "env": ["PCMK_remote_port"]}
    out = {}
    for h, got in labkit.daemons(INVENTORY, REMOTE_HOSTS, spec).items():
        daemon = got["r"]
        assert daemon["running"], (h, daemon)
        out[h] = int(daemon["env"]["PCMK_remote_port"] or 3121)
        assert daemon["ports"] == ["%d/tcp" % out[h]], (h, daemon)
    return out


def port_rules(h):
    """The port rules of a host's firewalld default zone, runtime and permanent."""
    return set(
        labkit.sh(h, "firewall-cmd --list-ports; firewall-cmd --permanent --list-ports").split()
    )


def cib_ports():
    """{node: the port its CIB entry names, None when unset (the default)},
    as status_info reports it."""
    got = labkit.module(INVENTORY, NODE, "hacluster.pacemaker.status_info", {})
    ports = {n["name"]: n["port"] for n in got["remote_nodes"]}
    ports.update((n["name"], n["remote_port"]) for n in got["guest_nodes"])
    return {h: ports.get(h) for h in REMOTE_HOSTS}


KEY_RELOAD_MARKER = "//nvpair[@id='hacluster-pacemaker-key-reload']"


def stale_daemons():
    """{host: the daemons (remoted, controld) that started before the key
    file last changed}, from host_info as the role reads it."""
    spec = [
        {"name": "remoted", "command": "pacemaker-remoted", "files": [labkit.AUTHKEY]},
        {"name": "controld", "command": "pacemaker-controld", "files": [labkit.AUTHKEY]},
    ]
    return {
        h: [n for n, d in got.items() if d["running"] and d["stale_files"]]
        for h, got in labkit.daemons(INVENTORY, ALL_HOSTS, *spec).items()
    }


def maintenance_marker():
    """The role's maintenance-mode switch of a key reload is in the CIB."""
    rc, out, _err = labkit.run(NODE, ["cibadmin", "--query", "--xpath", KEY_RELOAD_MARKER], 30)
    return rc == 0
