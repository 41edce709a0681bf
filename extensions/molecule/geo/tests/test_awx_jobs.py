"""AWX-style jobs (docs/awx.md): site A, site B and the arbitrator each in a
job of its own, on an inventory of its own, through ansible-runner with the
collection installed from its tarball and the booth key injected as a
credential would. The arbitrator starts from nothing (booth stopped, no
booth.conf, no key).

Runs first (file order); test_geo.py then checks the result."""

import base64

import pytest
from awx_job import Job, install_collection, lab_inventory
from geo_lab import (
    ARBITRATOR,
    CONF,
    INVENTORY,
    IP_A,
    KEY,
    MEMBERS,
    SITE_A,
    checksums,
    host,
    leader,
    wait_for,
)


@pytest.fixture(scope="module")
def collections(tmp_path_factory):
    return install_collection(tmp_path_factory.mktemp("awx-collection"))


def member_job(tmp_path, collections, name, member, credential):
    return Job(
        tmp_path,
        name,
        collections,
        lab_inventory(INVENTORY.paths[0], [member]),
        "hacluster.pacemaker.geo_cluster",
        credential,
    )


def test_three_member_jobs_share_one_key_or_refuse(tmp_path, collections):
    key_b64 = base64.b64encode(
        base64.b64decode(host(SITE_A).check_output("base64 -w0 %s", KEY))
    ).decode()
    conf, key = checksums(CONF), checksums(KEY)
    assert len(set(conf.values())) == len(set(key.values())) == 1
    arbitrator = host(ARBITRATOR)
    arbitrator.check_output("systemctl stop booth@booth.service && rm -f %s %s", CONF, KEY)

    # without the credential, the arbitrator's job must not make a second key
    alone = member_job(tmp_path, collections, "arbitrator-no-key", ARBITRATOR, {}).run()
    assert not alone.ok
    assert any(
        "booth_key_b64" in m and "would not reach the others" in m for m in alone.failed_messages()
    ), alone.summary()
    assert not arbitrator.file(KEY).exists and not arbitrator.file(CONF).exists

    # with it, the three jobs side by side
    credential = {"booth_key_b64": key_b64}
    jobs = [member_job(tmp_path, collections, m, m, credential).start() for m in MEMBERS]
    for job in jobs:
        job.wait()
        assert job.ok, job.summary()
        assert not job.leaks(), job.leaks()
    assert checksums(CONF) == conf and checksums(KEY) == key
    assert arbitrator.service("booth@booth").is_running
    for m in MEMBERS:
        assert wait_for(lambda m=m: leader(m), IP_A) == IP_A
    site_changes = {h: n for job in jobs[:2] for h, n in job.changed().items()}
    assert not any(site_changes.values()), site_changes  # the sites had it all already
