"""Run real ansible-playbook against localhost and return its JSON results."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS = ROOT / ".build" / "collections"
# The controller and the modules' interpreter: this venv's by default;
# scripts/compat.sh points them at the oldest ansible-core the collection
# supports and at Python 3.6 (RHEL 8's platform Python).
ANSIBLE_BIN = Path(os.environ.get("HACLUSTER_TEST_ANSIBLE_BIN") or Path(sys.executable).parent)
MODULE_PYTHON = os.environ.get("HACLUSTER_TEST_MODULE_PYTHON") or sys.executable


def ansible_env(tmp_path, **extra):
    """The environment of an ansible run of the tests: this checkout's
    collections, its temporary files in tmp_path, and the module payloads
    an earlier run built from the same sources (the module_payloads callback
    of the lab collection, lab/collection/plugins/plugin_utils/payloads.py)."""
    enabled = [c for c in os.environ.get("ANSIBLE_CALLBACKS_ENABLED", "").split(",") if c]
    return dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "ansible-local"),
        ANSIBLE_CALLBACKS_ENABLED=",".join(enabled + ["hacluster.lab.module_payloads"]),
        **extra,
    )


def playbook(
    tmp_path,
    tasks,
    *,
    hosts="localhost",
    inventory=None,
    extra_args=(),
    check=False,
    diff=False,
    forks=5,
    gather_facts=False,
    module_defaults=None,
):
    """Write a play with ``tasks`` and run it; returns (rc, parsed json, raw)."""
    play = [{"hosts": hosts, "gather_facts": gather_facts, "tasks": tasks}]
    if module_defaults:
        play[0]["module_defaults"] = module_defaults
    path = tmp_path / ("play-%d.yml" % len(list(tmp_path.glob("play-*.yml"))))
    path.write_text(yaml.safe_dump(play, sort_keys=False))
    if inventory is None:
        inventory = tmp_path / "inventory.ini"
        inventory.write_text(
            "localhost ansible_connection=local ansible_python_interpreter=%s\n" % MODULE_PYTHON
        )
    env = ansible_env(
        tmp_path,
        ANSIBLE_STDOUT_CALLBACK="ansible.posix.json",
        ANSIBLE_FORKS=str(forks),
        ANSIBLE_HOST_KEY_CHECKING="False",
    )
    args = [
        str(ANSIBLE_BIN / "ansible-playbook"),
        "-i",
        str(inventory),
        str(path),
        *extra_args,
    ]
    if check:
        args.append("--check")
    if diff:
        args.append("--diff")
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600, check=False)
    try:
        data = json.loads(proc.stdout[proc.stdout.index("{") :])
    except ValueError:
        raise AssertionError(
            "no JSON from ansible-playbook (rc %d):\n%s\n%s"
            % (proc.returncode, proc.stdout, proc.stderr)
        )
    return proc.returncode, data, proc


def results(data, task_index=0):
    """host -> result of the task_index-th task of the first play."""
    return data["plays"][0]["tasks"][task_index]["hosts"]


def failures(data):
    """The messages of every failed task result of the first play, any host."""
    return [
        res.get("msg", "")
        for task in data["plays"][0]["tasks"]
        for res in task["hosts"].values()
        if res.get("failed")
    ]


def crashed(res):
    """Whether a task's result is a crash, not a failure the module chose:
    ansible-core 2.19 puts "exception: (traceback unavailable)" on every
    failure, and reports an exception the module did not handle as "Module
    failed: ..."; older cores show the traceback or MODULE FAILURE."""
    raw = "%s %s %s" % (res.get("msg", ""), res.get("module_stderr", ""), res.get("exception", ""))
    return any(m in raw for m in ("Traceback (most recent", "MODULE FAILURE", "Module failed:"))


def result(data, task_index=0, host="localhost"):
    return results(data, task_index)[host]


def one_play(tmp_path_factory, name, cases, tasks_of, **play_args):
    """The cases of a parametrized test in one play, not a run each (a run's
    start-up is about a second of CPU, docs/testing.md). Each case gets a
    directory of its own, where ``tasks_of(directory, case)`` writes its files
    and returns its tasks, which run in order, each failing alone
    (ignore_errors). Returns [(directory, [result of each of its tasks])] in
    the order of cases; ``play_args`` go to playbook()."""
    tmp = tmp_path_factory.mktemp(name)
    tasks, spans = [], []
    for i, case in enumerate(cases):
        directory = tmp / ("case-%d" % i)
        directory.mkdir()
        mine = tasks_of(directory, case)
        spans.append((directory, range(len(tasks), len(tasks) + len(mine))))
        tasks += [dict(t, ignore_errors=True) for t in mine]
    rc, data, proc = playbook(tmp, tasks, **play_args)
    assert rc == 0 and data.get("plays"), proc.stdout[-3000:] + proc.stderr[-2000:]
    return [(d, [result(data, t) for t in span]) for d, span in spans]


def local_hosts(tmp_path, count):
    """An inventory of count local hosts h0..hN-1 (each with idx=N), for
    concurrent tasks on one machine through Ansible's forks."""
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(
        "".join(
            "h%d ansible_connection=local ansible_python_interpreter=%s idx=%d\n"
            % (i, MODULE_PYTHON, i)
            for i in range(count)
        )
    )
    return inventory
