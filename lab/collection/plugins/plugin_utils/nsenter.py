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

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

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


def share_module_payloads(run_tmp):
    """Keep the modules' AnsiballZ payloads between ansible runs against the
    lab. ansible-core builds each distinct module's payload once per run, in
    ansiballz_cache/ of the run's own temporary directory (run_tmp), which goes
    with the run: about 0.2 CPU-s per module and run, 0.8 of an idle
    remote_nodes.yml run's 6.8 and 1.7 of a port change's 18 (docs/testing.md,
    session 28). That directory, made a link to a store keyed by everything a
    payload is built from (ansible-core, the collections installed beside it,
    this checkout's plugins, the interpreter), lets a run use what an earlier
    one built, byte for byte the same. Called before a task's module is built;
    the first lab task of a run makes the link, a run that built a payload
    before it (a controller task first) keeps its own directory."""
    link = os.path.join(run_tmp, "ansiballz_cache")
    if os.path.lexists(link):
        return
    try:
        store = _payload_store()
        os.makedirs(store, mode=0o700, exist_ok=True)
        os.utime(store)  # in use: not pruned
        os.symlink(store, link)
    except OSError:
        pass  # a race with the run's own directory, or no store: only a saving


def _payload_store():
    import ansible
    import ansible.release

    root = os.path.realpath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
    key = hashlib.sha256()
    key.update(("%s\0%s\0" % (ansible.release.__version__, sys.version)).encode())
    # ansible-core's and the other installed collections' sources: a venv made
    # again (scripts/venv.sh, requirements changed) has new directories
    site = os.path.dirname(os.path.dirname(ansible.__file__))
    for there in (ansible.__file__, os.path.join(site, "ansible_collections")):
        try:
            key.update(b"%d\0" % os.stat(there).st_mtime_ns)
        except OSError:
            pass
    # this checkout's modules and module_utils, as they are now
    plugins = os.path.join(root, "plugins")
    for directory, dirs, files in sorted(os.walk(plugins)):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(directory, name)
            with open(path, "rb") as f:
                key.update(path.encode() + b"\0" + hashlib.sha256(f.read()).digest())
    stores = os.path.join(root, ".build", "ansiballz")
    _prune(stores)
    return os.path.join(stores, key.hexdigest()[:16])


def _prune(stores, days=2):
    """Stores not used for days (what an edit or a new venv left behind)."""
    try:
        entries = list(os.scandir(stores))
    except OSError:
        return
    old = time.time() - days * 86400
    for entry in entries:
        try:
            if entry.stat(follow_symlinks=False).st_mtime < old:
                for name in os.listdir(entry.path):
                    os.unlink(os.path.join(entry.path, name))
                os.rmdir(entry.path)
        except OSError:
            pass
