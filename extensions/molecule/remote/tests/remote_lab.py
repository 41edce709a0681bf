"""Helpers for the "remote" scenario's tests.

The lab's containers are reached through testinfra's podman backend (the
molecule inventory uses containers.podman.podman, which testinfra's ansible
backend would only drive through slow ansible ad-hoc calls). The authkey is
never read: only its SHA-256 fingerprint, mode and owner.
"""

import functools
import os
import subprocess
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import testinfra

ROOT = Path(__file__).resolve().parents[4]
INVENTORY = ROOT / "lab" / "inventory" / "remote.yml"
PLAYBOOK = ROOT / "playbooks" / "remote_nodes.yml"
CLUSTER = ("node1", "node2")
REMOTE_HOSTS = ("remote1", "guest1")
ALL_HOSTS = CLUSTER + REMOTE_HOSTS
AUTHKEY = "/etc/pacemaker/authkey"


@functools.cache
def lab(name):
    os.environ.setdefault("CONTAINERS_CONF", str(ROOT / "lab" / "containers.conf"))
    return testinfra.get_host(f"podman://{name}")


def crm_mon():
    out = lab("node1").check_output("crm_mon --one-shot --output-as=xml --inactive")
    return ET.fromstring(out)


def online_nodes():
    return {n.get("name") for n in crm_mon().iterfind("nodes/node") if n.get("online") == "true"}


def wait_until(predicate, timeout=180, interval=3):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


def wait_online(names, timeout=180):
    return wait_until(lambda: set(names) <= online_nodes(), timeout)


def fingerprints(hosts=ALL_HOSTS):
    """{host: sha256 of /etc/pacemaker/authkey}; the key itself is never read here."""
    return {h: lab(h).check_output(f"sha256sum {AUTHKEY}").split()[0] for h in hosts}


def run_playbook(*extra_vars, check=False, playbook=PLAYBOOK):
    env = dict(os.environ)
    env["ANSIBLE_COLLECTIONS_PATH"] = os.pathsep.join(
        filter(None, [str(ROOT / ".build" / "collections"), env.get("ANSIBLE_COLLECTIONS_PATH")])
    )
    env.setdefault("CONTAINERS_CONF", str(ROOT / "lab" / "containers.conf"))
    # molecule exports ANSIBLE_FORCE_COLOR, which wins over NOCOLOR
    env.update(ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    cmd = ["ansible-playbook", "-i", str(INVENTORY), str(playbook)]
    for ev in extra_vars:
        cmd += ["-e", ev]
    if check:
        cmd.append("--check")
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)


# The older suites (LAB_SUITE=bookworm, bullseye) repeat the converge and the
# node-level checks; the operations whose lab time is long (day-2 playbooks,
# AWX-style jobs) run on the default suite only, to keep CI's time.
default_suite_only = pytest.mark.skipif(
    os.environ.get("LAB_SUITE") not in (None, ""),
    reason="runs on the default lab suite only (CI time)",
)


def recap(result):
    """{host: {ok, changed, failed, ...}} from an ansible-playbook run's PLAY RECAP."""
    out = {}
    for line in result.stdout.split("PLAY RECAP", 1)[-1].splitlines():
        host, sep, counts = line.partition(" : ")
        if sep:
            out[host.strip()] = {k: int(v) for k, v in (kv.split("=") for kv in counts.split())}
    return out


def cib_epoch():
    cib = ET.fromstring(lab("node1").check_output("cibadmin --query"))
    return cib.get("admin_epoch"), cib.get("epoch")


def run_module(module, args, check=False, host="node1"):
    """One module task on `host` (ansible ad-hoc with this checkout's
    collection); returns its result."""
    import json

    env = dict(os.environ, ANSIBLE_LOAD_CALLBACK_PLUGINS="1", ANSIBLE_STDOUT_CALLBACK="json")
    env["ANSIBLE_COLLECTIONS_PATH"] = str(ROOT / ".build" / "collections")
    env.setdefault("CONTAINERS_CONF", str(ROOT / "lab" / "containers.conf"))
    cmd = ["ansible", "-i", str(INVENTORY), host, "-m", module, "-a", json.dumps(args)]
    if check:
        cmd.append("--check")
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    data = json.loads(proc.stdout)
    return data["plays"][0]["tasks"][0]["hosts"][host]
