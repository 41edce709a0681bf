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
import os
import subprocess
import tempfile

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

    @classmethod
    def from_dict(cls, fields):
        """A target from what vars() of one gave (a remembered one)."""
        found = cls.__new__(cls)
        found.name, found.pid = fields["name"], int(fields["pid"])
        found.environment, found.started = list(fields["environment"]), fields["started"]
        return found

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


_known = {}  # this process's targets, by container name


def cached(name, env=None):
    """Target(name, env=env), remembered in this process and across processes:
    the lab's connection makes one per task and host, the lab tests one per
    command, and `podman inspect` costs ~50 ms of CPU each time (a tenth of an
    idle task). A remembered target is used only while its process still runs
    with the same start time, which a new or restarted container never has."""
    found = _known.get(name)
    if found is None or not found.current():
        found = _known[name] = _remembered(name) or _remember(Target(name, env=env))
    return found


def _directory():
    return os.path.join(tempfile.gettempdir(), "hacluster-lab-nsenter-%d" % os.getuid())


def _remembered(name):
    try:
        with open(os.path.join(_directory(), name + ".json")) as f:
            found = Target.from_dict(json.load(f))
    except (OSError, ValueError, TypeError, KeyError):
        return None  # none yet, or unreadable: ask podman
    return found if found.name == name and found.current() else None


def _remember(found):
    directory = _directory()
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if os.stat(directory).st_uid == os.getuid():  # not a directory someone else planted
            with tempfile.NamedTemporaryFile("w", dir=directory, delete=False) as f:
                json.dump(vars(found), f)
            os.replace(f.name, os.path.join(directory, found.name + ".json"))
    except OSError:
        pass  # remembering is only a saving
    return found


def _start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            # field 22, counted after the parenthesised command name
            return f.read().rpartition(")")[2].split()[19]
    except OSError:
        return None
