"""The execution environment that scripts/ee.sh builds from execution-environment.yml.

scripts/ee.sh builds the image and runs these tests with HACLUSTER_EE_IMAGE set
to its tag; without it (a plain ``pytest``) they are skipped. The jobs run the
way AWX and ansible-navigator start them: ansible-runner runs the image with
podman, the private data directory at /runner, as root (--user=root, as they
do), here with no network: the play only touches a CIB file inside the EE.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
IMAGE = os.environ.get("HACLUSTER_EE_IMAGE")
pytestmark = pytest.mark.skipif(not IMAGE, reason="needs the EE image: run scripts/ee.sh")

PLAYBOOK = textwrap.dedent(
    """\
    ---
    - name: Plan a remote node on a CIB file, inside the execution environment
      hosts: ee
      gather_facts: false
      tasks:
        - name: Remote node remote1 in the CIB file
          hacluster.pacemaker.pacemaker_remote_node:
            name: remote1
            server: 192.0.2.21
            cib_file: "{{ playbook_dir }}/cib.xml"
          register: node

        - name: The CIB file passes crm_verify, without a warning
          ansible.builtin.command: crm_verify --verbose --xml-file {{ playbook_dir }}/cib.xml
          register: verify
          changed_when: false
          failed_when: verify.rc != 0 or verify.stdout != '' or verify.stderr != ''
    """
)


def in_image(*args, check=True):
    """Run a command in a throwaway container of the image (no network)."""
    proc = subprocess.run(
        ["podman", "run", "--rm", "--network", "none", IMAGE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if check and proc.returncode:
        raise AssertionError(f"{args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def test_collections_installed():
    """The collection from the artifact and its dependencies, where AWX looks."""
    listing = json.loads(
        in_image("ansible-galaxy", "collection", "list", "--format", "json").stdout
    )
    installed = listing["/usr/share/ansible/collections/ansible_collections"]
    version = yaml.safe_load((ROOT / "galaxy.yml").read_text())["version"]
    assert installed["hacluster.pacemaker"]["version"] == version
    assert {"ansible.posix", "community.general"} <= set(installed)


def test_introspected_dependencies():
    """requirements.txt and bindep.txt, found by introspection of meta/execution-environment.yml."""
    in_image("/usr/bin/python3", "-c", "import jmespath, lxml.etree")
    tools = ["cibadmin", "crm_diff", "crm_simulate", "crm_verify"]
    proc = in_image("sh", "-c", 'for t; do command -v "$t"; done', "sh", *tools)
    assert [Path(p).name for p in proc.stdout.split()] == tools, proc.stdout


def runner_job(pdd, name):
    """``ansible-runner run`` of site.yml in the image; returns (stats, the node task's result)."""
    ident = f"hacluster-ee-{name}-{os.getpid()}"  # also the container's name
    proc = subprocess.run(
        [
            str(Path(sys.executable).parent / "ansible-runner"),
            "run",
            str(pdd),
            "-p",
            "site.yml",
            "--ident",
            ident,
            "--process-isolation",
            "--process-isolation-executable",
            "podman",
            "--container-image",
            IMAGE,
            # what AWX and ansible-navigator add: the job's artifact directory
            # is the calling user's, 0700 (ansible-runner issue #1413)
            "--container-option=--user=root",
            "--container-option=--network=none",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    stats = node = None
    for path in sorted((pdd / "artifacts" / ident / "job_events").glob("*.json")):
        event = json.loads(path.read_text())
        data = event.get("event_data", {})
        if event["event"] == "playbook_on_stats":
            stats = data
        elif (
            event["event"] == "runner_on_ok"
            and data.get("task") == "Remote node remote1 in the CIB file"
        ):
            node = data["res"]
    assert stats and node, proc.stdout
    return stats, node


def test_runner_job_on_cib_file(tmp_path):
    """The module changes the CIB file once, then finds nothing to do; crm_verify accepts it."""
    pdd = tmp_path / "pdd"
    for sub in ("project", "inventory"):
        (pdd / sub).mkdir(parents=True)
    (pdd / "project" / "site.yml").write_text(PLAYBOOK)
    (pdd / "inventory" / "hosts").write_text(
        "ee ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n"
    )
    # the CIB from the EE's own Pacemaker (schema and tools of one version)
    cib = in_image(
        "sh",
        "-c",
        "cibadmin --empty > /tmp/cib.xml && CIB_file=/tmp/cib.xml crm_attribute --type crm_config"
        " --name stonith-enabled --update false && cat /tmp/cib.xml",
    ).stdout
    (pdd / "project" / "cib.xml").write_text(cib)

    stats, node = runner_job(pdd, "first")
    assert node["changed"] is True
    assert stats["changed"] == {"ee": 1} and stats["ok"] == {"ee": 2}
    assert not stats["failures"]
    assert 'id="remote1"' in (pdd / "project" / "cib.xml").read_text()

    stats, node = runner_job(pdd, "second")
    assert node["changed"] is False
    assert not stats["changed"].get("ee") and stats["ok"] == {"ee": 2}
    assert not stats["failures"]
