"""AWX-style jobs (docs/awx.md) converge the lab from remote and guest hosts
that are not set up: no CIB entry, pacemaker_remote stopped, no authkey on
any host. Each job runs through ansible-runner with the collection installed
from its tarball and the authkey injected as a credential would.

- two job templates on separate inventories: the cluster's, then the remote
  nodes' (which names the cluster nodes it joins, limited to its own hosts);
- the playbook as 3 concurrent job slices: AWX's slicing of the hosts
  (ordered by name, every third), each slice a --limit of the inventory.

Runs last (file order): it removes and re-adds both nodes."""

import base64
import functools
import hashlib

import labkit
import pytest
from awx_job import Job, install_collection, lab_inventory
from remote_lab import (
    ALL_HOSTS,
    AUTHKEY,
    CLUSTER,
    GUEST,
    GUEST_RESOURCE,
    INVENTORY,
    NODE,
    REMOTE,
    REMOTE_HOSTS,
    cib_epoch,
    default_suite_only,
    fingerprints,
    host,
    run_module,
    wait_online,
)

INVENTORY_FILE = INVENTORY.paths[0]

pytestmark = default_suite_only


@pytest.fixture(scope="module")
def collections(tmp_path_factory):
    return install_collection(tmp_path_factory.mktemp("awx-collection"))


@pytest.fixture(scope="module")
def credential():
    """The custom credential's value: the cluster's current key, as an admin
    who creates the credential for a running cluster would take it."""
    key = base64.b64decode(host(NODE).check_output(f"base64 -w0 {AUTHKEY}"))
    return {"pacemaker_remote_authkey": base64.b64encode(key).decode()}, hashlib.sha256(
        key
    ).hexdigest()


def adhoc(target, module, args):
    result = run_module(module, args, target=target)
    assert not result.get("failed"), result


def undo_remote_side():
    """Back to a cluster without remote or guest nodes, and no key anywhere."""
    adhoc(NODE, "hacluster.pacemaker.pacemaker_remote_node", {"name": REMOTE, "state": "absent"})
    adhoc(NODE, "hacluster.pacemaker.guest_node", {"name": GUEST, "state": "absent"})
    for h in REMOTE_HOSTS:
        host(h).check_output("systemctl stop pacemaker_remote")
    for h in ALL_HOSTS:
        host(h).check_output(f"rm -f {AUTHKEY}")
    assert not {REMOTE, GUEST} & node_names()


def node_names():
    return set(labkit.monitor(NODE).nodes)


def assert_converged(jobs, sha256):
    for job in jobs:
        assert job.ok, job.summary()
        assert not job.leaks(), job.leaks()
    assert wait_online(CLUSTER + REMOTE_HOSTS, timeout=120), node_names()
    assert fingerprints() == dict.fromkeys(ALL_HOSTS, sha256)
    assert set(host(h).service("pacemaker_remote").is_running for h in REMOTE_HOSTS) == {True}
    cib = labkit.cib(NODE, "resources")
    assert len(cib.findall(f".//primitive[@id='{REMOTE}'][@type='remote']")) == 1
    guest_meta = f".//primitive[@id='{GUEST_RESOURCE}']/meta_attributes/nvpair[@name='remote-node']"
    assert len(cib.findall(guest_meta)) == 1
    verify = host(NODE).run("crm_verify --live-check")
    assert verify.rc == 0, verify.stdout + verify.stderr


def test_cluster_and_remote_nodes_in_two_jobs(tmp_path, collections, credential):
    extravars, sha256 = credential
    undo_remote_side()
    remote_nodes_job = functools.partial(
        Job,
        tmp_path,
        collections=collections,
        inventory=lab_inventory(INVENTORY_FILE, ALL_HOSTS),
        playbook="hacluster.pacemaker.remote_nodes",
        limit="remote_nodes:guest_nodes",
    )
    # the remote nodes' job first: refused before the CIB is touched
    epoch = cib_epoch()
    early = remote_nodes_job(
        "remote-nodes-early", credential=dict(extravars, pacemaker_remote_wait_timeout=6)
    ).run()
    assert not early.ok
    assert any(
        f"The cluster nodes {list(CLUSTER)} do not hold the key" in m
        for m in early.failed_messages()
    ), early.summary()
    assert cib_epoch() == epoch
    cluster = Job(
        tmp_path,
        "cluster",
        collections,
        lab_inventory(INVENTORY_FILE, CLUSTER),
        "hacluster.pacemaker.remote_nodes",
        extravars,
    ).run()
    assert cluster.ok, cluster.summary()
    assert fingerprints(CLUSTER) == dict.fromkeys(CLUSTER, sha256)
    remote = remote_nodes_job("remote-nodes", credential=extravars).run()
    assert_converged([cluster, remote], sha256)
    assert set(remote.changed()) <= set(REMOTE_HOSTS)  # the cluster nodes were only read


def test_three_concurrent_job_slices(tmp_path, collections, credential):
    extravars, sha256 = credential
    undo_remote_side()
    hosts = sorted(ALL_HOSTS)  # AWX slices the inventory's hosts by name: hosts[i::count]
    slices = [hosts[i::3] for i in range(3)]

    def start_slices(suffix):
        return [
            Job(
                tmp_path,
                "slice%d%s" % (i + 1, suffix),
                collections,
                lab_inventory(INVENTORY_FILE, ALL_HOSTS),
                "hacluster.pacemaker.remote_nodes",
                extravars,
                limit=",".join(part),
            ).start()
            for i, part in enumerate(slices)
        ]

    jobs = start_slices("")
    for job in jobs:
        job.wait()
    assert_converged(jobs, sha256)
    # and the slices again: nothing left to do
    for job in start_slices("-again"):
        job.wait()
        assert job.ok, job.summary()
        assert not any(job.changed().values()), (job.changed(), job.summary())
