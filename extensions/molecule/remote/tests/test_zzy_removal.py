"""Removal from both sides (pacemaker_remote_state: absent), as pcs cluster
node remove-remote / remove-guest: the node leaves the CIB and the cluster's
caches after its connection stopped, then the host stops and disables
pacemaker_remote, drops the key and closes the firewall rules the role opened.
The cluster keeps running and keeps its key.

Runs after the authkey tests (file order) on the converged lab, and leaves
the lab without remote or guest nodes (test_zzz_awx_jobs.py starts there)."""

import labkit
import pytest
from remote_lab import (
    INVENTORY,
    AUTHKEY,
    CLUSTER,
    GUEST,
    GUEST_RESOURCE,
    NODE,
    REMOTE,
    REMOTE_HOSTS,
    cib_epoch,
    crm_mon,
    default_suite_only,
    fingerprints,
    host,
    run_playbook,
)

pytestmark = default_suite_only

ABSENT = "pacemaker_remote_state=absent"


def cib():
    return labkit.cib(NODE)


@pytest.fixture(scope="module")
def before():
    return {"cluster_keys": fingerprints(CLUSTER), "epoch": cib_epoch()}


def test_check_mode_predicts_and_writes_nothing(before):
    result = run_playbook(ABSENT, check=True)
    assert result.ok, result.tail()
    assert cib_epoch() == before["epoch"]
    counts = result.changed()
    assert counts[NODE] >= 1, counts  # the CIB change, predicted
    for h in REMOTE_HOSTS:
        assert counts[h] >= 1, counts  # stop, key, firewall, predicted
        assert host(h).service("pacemaker_remote").is_running
        assert host(h).file(AUTHKEY).exists


def test_nodes_leave_the_cluster_and_the_hosts(before):
    result = run_playbook(ABSENT)
    assert result.ok, result.tail()
    mon = crm_mon()
    names = {n.get("name") for n in mon.iterfind("nodes/node")}
    assert not set(REMOTE_HOSTS) & names, names
    failures = [
        f.attrib
        for f in mon.iterfind("failures/failure")
        if {f.get("node"), f.get("op_key", "").split("_")[0]} & set(REMOTE_HOSTS)
    ]
    assert not failures, failures
    root = cib()
    assert not root.findall(f".//primitive[@id='{REMOTE}']")
    assert not root.findall(".//meta_attributes/nvpair[@name='remote-node']")
    # the guest's resource stays
    assert root.find(f".//primitive[@id='{GUEST_RESOURCE}']") is not None
    assert not root.findall(f".//nodes/node[@uname='{REMOTE}']") + root.findall(
        f".//nodes/node[@uname='{GUEST}']"
    )
    assert not root.findall(f".//status/node_state[@uname='{REMOTE}']")
    verify = host(NODE).run("crm_verify --live-check")
    assert verify.rc == 0, verify.stdout + verify.stderr
    for h in REMOTE_HOSTS:
        there = host(h)
        assert not there.service("pacemaker_remote").is_running
        assert not there.service("pacemaker_remote").is_enabled
        assert not there.file(AUTHKEY).exists
        assert there.run("firewall-cmd --query-service=high-availability").rc != 0
        assert there.run("firewall-cmd --permanent --query-service=high-availability").rc != 0
    # the cluster keeps its key and its nodes
    assert fingerprints(CLUSTER) == before["cluster_keys"]
    assert set(CLUSTER) <= {
        n.get("name") for n in mon.iterfind("nodes/node") if n.get("online") == "true"
    }


def test_removal_again_changes_nothing():
    before = cib_epoch()
    result = run_playbook(ABSENT)
    assert result.ok, result.tail()
    assert not any(result.changed().values()), result.changed()
    assert cib_epoch() == before


def test_an_inactive_host_keeps_another_key_when_asked():
    """pacemaker_remote_authkey_replace_inactive: false, live. A removed
    remote host given another key (its pacemaker_remote stopped, as after a
    package installation) is not overwritten: the run fails there naming the
    option, the key and the CIB stay as they were, and the host is not added
    back. The default (true) is what every first converge of the lab does
    (the images hold the random key Debian's package generates)."""
    there = host(REMOTE)
    there.check_output(
        f"head -c 4096 /dev/urandom > {AUTHKEY} && chown hacluster:haclient {AUTHKEY} "
        f"&& chmod 0640 {AUTHKEY}"
    )
    try:
        key = fingerprints([REMOTE])
        epoch = cib_epoch()
        result = labkit.play(
            "remote_nodes.yml",
            INVENTORY,
            ["pacemaker_remote_authkey_replace_inactive=false"],
            args=["--limit", ",".join([REMOTE, *CLUSTER])],
        )
        assert not result.ok, result.tail()
        failed = {h for _t, h, r in result.results() if r.get("failed")}
        assert failed == {REMOTE}, failed
        (msg,) = result.failed_messages()
        assert "pacemaker_remote_authkey_replace_inactive is false" in msg, msg
        assert fingerprints([REMOTE]) == key
        assert cib_epoch() == epoch
        assert not there.service("pacemaker_remote").is_running
        assert not cib().findall(f".//primitive[@id='{REMOTE}']")
    finally:
        there.check_output(f"rm -f {AUTHKEY}")
