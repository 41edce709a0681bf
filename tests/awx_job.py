"""AWX-style jobs for the lab scenarios, through ansible-runner, the library
AWX's job runner is built on: one private data directory per job, as AWX
writes it (inventory/, env/extravars where a credential injects its secrets,
env/envvars, project/ with a playbook importing the collection's), and the
collection installed from the tarball `ansible-galaxy collection build`
makes, never this checkout.

The secrets passed as extravars are checked never to reach a job's output
(stdout, events, artifacts): see Job.leaks()."""

import os
import subprocess
from pathlib import Path

import ansible_runner
import yaml

ROOT = Path(__file__).resolve().parents[1]


def install_collection(workdir):
    """Build this checkout's tarball and install it (without Galaxy: the
    dependencies come from the `ansible` package of the venv). Returns the
    collections path for ANSIBLE_COLLECTIONS_PATH."""
    workdir = Path(workdir)
    dist, collections = workdir / "dist", workdir / "collections"
    dist.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["ansible-galaxy", "collection", "build", "--force", "--output-path", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (tarball,) = dist.glob("hacluster-pacemaker-*.tar.gz")
    subprocess.run(
        ["ansible-galaxy", "collection", "install", "--no-deps", "--force", "-p", str(collections)]
        + [str(tarball)],
        check=True,
        capture_output=True,
    )
    # the lab's connection (lab/collection), which the tarball does not carry
    (collections / "ansible_collections" / "hacluster" / "lab").symlink_to(
        ROOT / "lab" / "collection"
    )
    return collections


class Job:
    """One job template run: `playbook` is a collection playbook
    (hacluster.pacemaker.remote_nodes), `inventory` a dict in YAML inventory
    form, `credential` the extra vars a custom credential injects, `limit`
    the job template's Limit field."""

    def __init__(self, workdir, name, collections, inventory, playbook, credential, limit=None):
        self.dir = Path(workdir) / name
        self.limit, self.credential = limit, credential
        for sub in ("inventory", "env", "project"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        (self.dir / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory))
        (self.dir / "env" / "extravars").write_text(yaml.safe_dump(credential))
        envvars = {
            # the installed tarball (and the lab's connection), not this checkout
            "ANSIBLE_COLLECTIONS_PATH": str(collections),
            "ANSIBLE_NOCOLOR": "1",
            "CONTAINERS_CONF": os.environ.get(
                "CONTAINERS_CONF", str(ROOT / "lab" / "containers.conf")
            ),
        }
        (self.dir / "env" / "envvars").write_text(yaml.safe_dump(envvars))
        (self.dir / "project" / "site.yml").write_text(
            yaml.safe_dump([{"name": name, "ansible.builtin.import_playbook": playbook}])
        )
        self.thread = self.runner = None

    def start(self):
        kwargs = {"private_data_dir": str(self.dir), "playbook": "site.yml", "quiet": True}
        if self.limit:
            kwargs["limit"] = self.limit
        self.thread, self.runner = ansible_runner.run_async(**kwargs)
        return self

    def wait(self):
        self.thread.join()
        return self

    def run(self):
        return self.start().wait()

    @property
    def ok(self):
        return self.runner.status == "successful" and self.runner.rc == 0

    @property
    def stdout(self):
        return self.runner.stdout.read()

    def changed(self):
        """{host: changed count} from the job's playbook_on_stats event."""
        return dict((self.runner.stats or {}).get("changed", {}))

    def failed_messages(self):
        return [
            e["event_data"].get("res", {}).get("msg", "")
            for e in self.runner.events
            if e.get("event") == "runner_on_failed" and not e["event_data"].get("ignore_errors")
        ]

    def leaks(self):
        """Files under the job's artifacts holding a credential value."""
        secrets = [str(v).encode() for v in self.credential.values() if len(str(v)) >= 16]
        out = []
        for path in (self.dir / "artifacts").rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                # a prefix catches the key cut or wrapped too
                out += [str(path) for s in secrets if s[:32] in data]
        return out

    def summary(self):
        return "%s: status %s rc %s\n%s" % (
            self.dir.name,
            self.runner.status,
            self.runner.rc,
            self.stdout[-4000:],
        )


def lab_inventory(path, keep):
    """The lab inventory at `path` reduced to the hosts in `keep` (another
    team's inventory): groups without any of them are dropped."""
    data = yaml.safe_load(Path(path).read_text())

    def prune(group):
        hosts = {h: v for h, v in (group.get("hosts") or {}).items() if h in keep}
        children = {}
        for name, child in (group.get("children") or {}).items():
            child = prune(child or {})
            if child:
                children[name] = child
        if not hosts and not children:
            return None
        out = {k: v for k, v in group.items() if k not in ("hosts", "children")}
        if hosts:
            out["hosts"] = hosts
        if children:
            out["children"] = children
        return out

    return {"all": prune(data["all"]) or {}}
