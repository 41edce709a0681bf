"""The tests run this checkout, whatever other copy of the collection is installed.

A user who installed a release (``ansible-galaxy collection install``) has a copy in
``~/.ansible/collections``. molecule's prerun used to build this checkout and install it
over that copy, then run the installed copy. Here a decoy, whose ``status_info`` fails,
sits in the default collections path of a throw-away HOME; the ``checkout`` scenario must
run the checkout's module and leave the decoy byte-identical.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.host

ROOT = Path(__file__).resolve().parents[2]
DECOY_MSG = "DECOY: an installed copy of hacluster.pacemaker ran, not the checkout"


def _tree_digest(top):
    h = hashlib.sha256()
    for path in sorted(p for p in top.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(top)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _decoy(home):
    coll = home / ".ansible" / "collections" / "ansible_collections" / "hacluster" / "pacemaker"
    (coll / "plugins" / "modules").mkdir(parents=True)
    (coll / "meta").mkdir()
    (coll / "galaxy.yml").write_text(
        "namespace: hacluster\nname: pacemaker\nversion: 0.1.0\nreadme: README.md\n"
        "authors: [decoy]\n"
    )
    (coll / "README.md").write_text("decoy\n")
    (coll / "meta" / "runtime.yml").write_text("requires_ansible: '>=2.16.0'\n")
    (coll / "plugins" / "modules" / "status_info.py").write_text(
        "#!/usr/bin/python\nfrom ansible.module_utils.basic import AnsibleModule\n"
        "AnsibleModule(argument_spec={}, bypass_checks=True).fail_json(msg=%r)\n" % DECOY_MSG
    )
    return coll


def test_molecule_runs_the_checkout_not_an_installed_copy(tmp_path):
    home = tmp_path / "home"
    decoy = _decoy(home)
    before = _tree_digest(decoy)
    # as a user would run it: no ANSIBLE_COLLECTIONS_PATH from the Makefile
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "MOLECULE_"))}
    env.update(HOME=str(home), PATH="%s:%s" % (Path(sys.executable).parent, env["PATH"]))
    proc = subprocess.run(
        ["molecule", "test", "-s", "checkout"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    out = proc.stdout + proc.stderr
    assert DECOY_MSG not in out
    assert proc.returncode == 0, out[-4000:]
    assert "collection used: this checkout" in out
    assert _tree_digest(decoy) == before, "molecule changed the copy installed in ~/.ansible"
