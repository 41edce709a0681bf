"""host_info's distribution facts skip the facts package's __init__ (which
imports every fact collector) and must still say what Ansible's collector
says. Each side runs in an interpreter of its own: the point is what gets
imported."""

import json
import os
import subprocess
import sys

SETUP = """
import json, sys
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes
basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": {}}))
basic._ANSIBLE_PROFILE = "legacy"  # ansible-core 2.19 wants one; older ones ignore it
module = basic.AnsibleModule(argument_spec={})
"""

OURS = (
    SETUP
    + """
from ansible_collections.hacluster.pacemaker.plugins.modules import host_info
facts = host_info.distribution_facts(module)
print(json.dumps({"facts": facts, "compat": "ansible.module_utils.facts.compat" in sys.modules}))
"""
)

ANSIBLES = (
    SETUP
    + """
from ansible.module_utils.facts.system.distribution import DistributionFactCollector
facts = DistributionFactCollector().collect(module=module)
print(json.dumps({"facts": facts, "compat": "ansible.module_utils.facts.compat" in sys.modules}))
"""
)


def _run(code):
    # this interpreter's path: where pytest found the collection, however it was told
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.splitlines()[-1])


def test_same_facts_as_ansibles_collector_without_every_collector():
    ours, ansibles = _run(OURS), _run(ANSIBLES)
    assert ansibles["compat"], "the plain import no longer loads every collector: drop the skip"
    assert not ours["compat"]
    assert ours["facts"] == ansibles["facts"]
    assert ours["facts"]["os_family"]
