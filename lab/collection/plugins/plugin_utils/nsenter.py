# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Commands in a running lab container, entered through its namespaces.

`podman exec` costs about 0.2 s of CPU per call on this kind of machine
(the podman client, conmon, the OCI runtime): twenty `podman exec node1 true`
took 4.4 CPU-seconds, twenty `nsenter` runs of python3 in the same container
0.27. An Ansible task without pipelining makes three such calls, and the lab
tests poll crm_mon every two seconds. The lab's containers run --privileged, so
a process entered this way has the rights of one started by `podman exec`, and
it gets the container's own environment, as `podman exec` gives it.
"""

import json
import subprocess

NSENTER = "/usr/bin/nsenter"


class ContainerNotRunning(Exception):
    pass


class Target:
    """Container `name`'s first process (pid, its start time, the container's
    environment), from one `podman inspect`."""

    def __init__(self, name, podman="podman", env=None):
        proc = subprocess.run(
            [
                podman,
                "inspect",
                "--type",
                "container",
                "--format",
                "{{json .State.Pid}} {{json .Config.Env}}",
                name,
            ],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        pid, _sep, environment = proc.stdout.strip().partition(" ")
        if proc.returncode != 0 or pid in ("", "0"):
            raise ContainerNotRunning(
                "lab container %s is not running: %s"
                % (name, proc.stderr.strip() or "it has no process")
            )
        self.name = name
        self.pid = int(pid)
        self.environment = json.loads(environment) or []
        self.started = _start_time(self.pid)

    def current(self):
        """Whether this is still the container's first process (a restarted
        container has a new one; a pid can be reused, its start time not)."""
        return self.started is not None and _start_time(self.pid) == self.started

    def argv(self, command):
        """The host command that runs `command` (a list) in every namespace of
        the container, at its root, with its environment only."""
        return [
            NSENTER,
            "--target",
            str(self.pid),
            "--all",
            "--root",
            "--wd",
            "--",
            "/usr/bin/env",
            "-i",
            *self.environment,
            *command,
        ]


def _start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            # field 22, counted after the parenthesised command name
            return f.read().rpartition(")")[2].split()[19]
    except OSError:
        return None
