# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: nsenter
short_description: Run tasks in a container of the lab through its namespaces
description:
  - The container lab's connection (lab/inventory*.yml); not part of hacluster.pacemaker.
  - Like containers.podman.podman, but each command enters the running container's namespaces
    with nsenter instead of going through podman exec, and modules are pipelined (one process per
    task instead of three). Both cut the CPU a playbook run against the lab costs.
  - Needs root on the controller and the podman containers of lab/up.sh (--privileged).
author: hacluster.pacemaker developers
options:
  remote_addr:
    description: The container's name.
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
"""

import shlex
import subprocess

from ansible import constants as C
from ansible.errors import AnsibleConnectionFailure, AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display
from ansible_collections.hacluster.lab.plugins.plugin_utils import nsenter, payloads

display = Display()


class Connection(ConnectionBase):
    transport = "hacluster.lab.nsenter"
    has_pipelining = True
    always_pipeline_modules = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._target = None
        # before the task's module is built (the action plugin builds it
        # once the connection is made)
        payloads.share(C.DEFAULT_LOCAL_TMP)

    def _connect(self):
        if not self._connected:
            try:
                self._target = nsenter.cached(self.get_option("remote_addr"))
            except nsenter.ContainerNotRunning as e:
                raise AnsibleConnectionFailure(str(e)) from None
            self._connected = True
        return self

    def _run(self, command, in_data=b""):
        self._connect()
        argv = self._target.argv(command)
        display.vvv("NSENTER %s" % command, host=self._target.name)
        proc = subprocess.run(argv, input=in_data, capture_output=True, check=False)
        return proc.returncode, proc.stdout, proc.stderr

    def exec_command(self, cmd, in_data=None, sudoable=True):
        super().exec_command(cmd, in_data=in_data, sudoable=sudoable)
        return self._run(shlex.split(to_text(cmd, errors="surrogate_or_strict")), in_data or b"")

    def put_file(self, in_path, out_path):
        super().put_file(in_path, out_path)
        # written by a process in the container, so its symlinks resolve there
        with open(to_bytes(in_path, errors="surrogate_or_strict"), "rb") as f:
            rc, _out, err = self._run(["/bin/sh", "-c", 'cat > "$1"', "sh", out_path], f.read())
        if rc != 0:
            raise AnsibleError(
                "cannot write %s in %s: %s" % (out_path, self._target.name, to_text(err))
            )

    def fetch_file(self, in_path, out_path):
        super().fetch_file(in_path, out_path)
        rc, out, err = self._run(["/bin/cat", "--", in_path])
        if rc != 0:
            raise AnsibleError(
                "cannot read %s in %s: %s" % (in_path, self._target.name, to_text(err))
            )
        with open(to_bytes(out_path, errors="surrogate_or_strict"), "wb") as f:
            f.write(out)

    def close(self):
        self._connected = False
