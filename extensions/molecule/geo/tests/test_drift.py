"""The booth role reads each member's state in one round (tasks/facts.yml)
and skips the steps already in place. Both halves: each kind of drift it
reads is seen (check mode touches nothing) and repaired, and a run with
nothing to change stays within 10 task rounds per host and writes nothing.

Runs right after the converge (file order: before test_geo.py), and leaves
the geo cluster as the converge made it."""

import os
import re
import subprocess
from pathlib import Path

import testinfra

MEMBERS = ("sitea1", "siteb1", "arbitrator1")
SITES = ("sitea1", "siteb1")
CONF = "/etc/booth/booth.conf"
KEY = "/etc/booth/booth.key"
ROOT = Path(__file__).resolve().parents[4]


def host(name):
    return testinfra.get_host("podman://" + name)


def geo_playbook(check=False):
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    cmd = [
        "ansible-playbook",
        "-i",
        env.get("GEO_INVENTORY", str(ROOT / "lab/inventory/geo.yml")),
        str(ROOT / "playbooks/geo_cluster.yml"),
    ] + (["--check"] if check else [])
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    recap = {}
    for line in proc.stdout.split("PLAY RECAP", 1)[-1].splitlines():
        name, sep, counts = line.partition(" : ")
        if sep:
            recap[name.strip()] = {k: int(v) for k, v in (kv.split("=") for kv in counts.split())}
    return recap


def snapshot():
    """What the drifts below touch, and what a no-op must not (the key only
    by fingerprint; the sites' CIB by its version)."""
    out = {}
    for m in MEMBERS:
        h = host(m)
        out[m] = {
            "key": h.check_output(f"stat -c '%U:%G:%a' {KEY}; sha256sum {KEY}"),
            "conf": h.check_output(f"sha256sum {CONF}"),
            "firewall": h.check_output(
                "firewall-cmd --list-ports; firewall-cmd --permanent --list-ports"
            ),
            "enabled": h.run("systemctl is-enabled booth@booth.service").stdout.strip(),
        }
        if m in SITES:
            cib = h.check_output("cibadmin --query --xpath /cib --no-children")
            out[m]["cib"] = re.findall(r'\b(admin_epoch|epoch)="(\d+)"', cib)
    return out


def test_every_kind_of_drift_is_seen_and_repaired():
    converged = snapshot()
    host("arbitrator1").check_output(f"chmod 0644 {KEY}")
    host("siteb1").check_output(f"chown root {KEY}")
    host("arbitrator1").check_output("firewall-cmd -q --remove-port=9929/udp")
    host("arbitrator1").check_output("systemctl disable -q booth@booth.service")
    drifted = snapshot()
    assert drifted != converged

    recap = geo_playbook(check=True)
    assert recap["arbitrator1"]["changed"] > 0 and recap["siteb1"]["changed"] > 0, recap
    assert snapshot() == drifted

    geo_playbook()
    now = snapshot()
    for m in MEMBERS:
        assert now[m]["key"] == converged[m]["key"], m
        assert now[m]["conf"] == converged[m]["conf"], m
    assert now["arbitrator1"]["firewall"] == converged["arbitrator1"]["firewall"]
    assert now["arbitrator1"]["enabled"] == "enabled"


def test_noop_rerun_is_a_few_rounds_and_writes_nothing():
    before = snapshot()
    recap = geo_playbook()
    assert set(recap) == set(MEMBERS)
    for m, counts in recap.items():
        assert counts["changed"] == 0, (m, counts)
        # ok counts every task that ran for the host, asserts and set_fact too
        assert counts["ok"] <= 10, (m, counts)
    assert snapshot() == before
