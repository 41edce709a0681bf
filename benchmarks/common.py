"""What the benchmark sections share: playbook runs (through the lab test kit,
tests/labkit.py), the bench lab hosts, lab/up.sh and lab/down.sh."""

import re
import subprocess
import sys
import time
from pathlib import Path

import labkit
import yaml

ROOT = labkit.ROOT
PY = sys.executable
LAB = ROOT / "lab"
LIVE_PY = "/usr/bin/python3"
BENCH = "bench1"  # the one-node cluster 'bench' (lab/up.sh bench, scale:N)
LOCAL = "ansible_connection=local ansible_python_interpreter=%s" % PY


def run_play(work, tasks, host="localhost", host_vars=LOCAL):
    """One play of TASKS on one host (an INI inventory line: HOST HOST_VARS),
    through labkit.play; its PlayResult (.wall, .durations(), .results())."""
    play = [{"hosts": host, "gather_facts": False, "tasks": tasks}]
    path = Path(work) / ("%s-play.yml" % host)
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    inv = Path(work) / ("%s-inv.ini" % host)
    inv.write_text("%s %s\n" % (host, host_vars))
    result = labkit.play(path, inv)
    if not result.ok:
        raise SystemExit("!!! playbook on %s failed:\n%s" % (host, result.tail(6000)))
    return result


def run_inventory_play(inventory, playbook, label):
    """A playbook on an inventory (a lab inventory name or a path), failing
    loudly; its PlayResult (.wall, .rounds(), .changed())."""
    result = labkit.play(playbook, inventory)
    if not result.ok or not result.stats:
        raise SystemExit("!!! %s failed (rc %d):\n%s" % (label, result.rc, result.tail(6000)))
    return result


def ping_playbook(work, hosts, n=10):
    """The floor: N ansible.builtin.ping tasks on the same hosts."""
    path = Path(work) / "ping-play.yml"
    tasks = [{"name": "ping %d" % i, "ansible.builtin.ping": None} for i in range(n)]
    play = [{"hosts": hosts, "gather_facts": False, "tasks": tasks}]
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    return path


def ansible_forks():
    out = subprocess.run(
        ["ansible-config", "dump"],
        env=labkit.env(),
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    m = re.search(r"^DEFAULT_FORKS\([^)]*\) = (\d+)", out, re.M)
    return int(m.group(1)) if m else 5


def dotted(version):
    """admin_epoch.epoch, as the bench prints a labkit.cib_version."""
    return ".".join(version)


def lab_up(selection, tries=2):
    """bash lab/up.sh SELECTION (idempotent: a running selection costs a few s).
    Tried again once on failure: on a loaded 2-core machine a container can
    still pass up.sh's boot timeout, and a second up.sh keeps what is up and
    finishes the rest."""
    start = time.monotonic()
    for attempt in range(1, tries + 1):
        proc = subprocess.run(["bash", str(LAB / "up.sh"), selection], check=False)
        if proc.returncode == 0:
            return time.monotonic() - start
        print(
            "!!! lab/up.sh %s failed (rc %d, try %d of %d)"
            % (selection, proc.returncode, attempt, tries),
            flush=True,
        )
    raise SystemExit("lab/up.sh %s failed %d times" % (selection, tries))


def lab_down(selection):
    if selection in ("all", "remote", "geo", "base"):
        raise SystemExit("refusing to take down the standard lab (%s)" % selection)
    subprocess.run(["bash", str(LAB / "down.sh"), selection], check=True)
