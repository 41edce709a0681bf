# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: module_payloads
type: aggregate
short_description: Keep the modules' AnsiballZ payloads between runs (tests only)
description:
  - Not part of hacluster.pacemaker. The offline tests enable it (tests/functional/ansible_run.py)
    so that each ansible-playbook run uses the module payloads an earlier run built from the same
    sources, instead of building each module again (the lab's connection does the same).
author: hacluster.pacemaker developers
requirements:
  - enabled in callbacks_enabled
"""

from ansible import constants as C
from ansible.plugins.callback import CallbackBase
from ansible_collections.hacluster.lab.plugins.plugin_utils import payloads


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "hacluster.lab.module_payloads"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # in the run's main process, before any worker builds a module
        payloads.share(C.DEFAULT_LOCAL_TMP)
