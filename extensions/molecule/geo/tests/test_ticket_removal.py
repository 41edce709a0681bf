"""Removing a ticket through playbooks/geo_cluster.yml (booth_tickets entry
with state: absent): refused before any file or CIB changes while it would
leave a running resource bound to no ticket; with release_resources the
ticket leaves booth.conf on every member, its constraints and its state
leave both sites' CIBs, booth forgets it, and the other ticket stays where
it is; a rerun changes nothing.

Runs after test_geo.py (file order): apacheticket is at site B by then."""

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import testinfra

SITES = ("sitea1", "siteb1")
MEMBERS = SITES + ("arbitrator1",)
IP_A = "10.89.77.101"
CONF = "/etc/booth/booth.conf"
TICKET, RESOURCE = "oldticket", "oldsvc"
ROOT = Path(__file__).resolve().parents[4]
INVENTORY = os.environ.get("GEO_INVENTORY", str(ROOT / "lab" / "inventory" / "geo.yml"))
APACHE = {
    "name": "apacheticket",
    "expire": "600",
    "constraints": [{"resource": "apache", "loss_policy": "stop"}],
    "grant": "granted",
    "site": IP_A,
}
OLD = {
    "name": TICKET,
    "expire": "600",
    "constraints": [{"resource": RESOURCE, "loss_policy": "stop"}],
    "grant": "granted",
    "site": IP_A,
}


def host(name):
    return testinfra.get_host("podman://" + name)


def geo_playbook(tickets, tmp_path):
    extra = tmp_path / "tickets.json"
    extra.write_text(json.dumps({"booth_tickets": tickets}))
    return subprocess.run(
        [
            "ansible-playbook",
            "-i",
            INVENTORY,
            str(ROOT / "playbooks" / "geo_cluster.yml"),
            "-e",
            "@%s" % extra,
        ],
        env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0"),
        capture_output=True,
        text=True,
        check=False,
    )


def changed(result):
    return {
        m.group(1): int(m.group(2))
        for m in re.finditer(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", result.stdout, re.M)
    }


def snapshot():
    """booth.conf of every member and each site's CIB epoch."""
    out = {m: host(m).file(CONF).sha256sum for m in MEMBERS}
    for s in SITES:
        head = host(s).check_output("cibadmin --query | head -n 1")
        out[s + "-epoch"] = re.search(r'\sepoch="(\d+)"', head).group(1)
    return out


def booth_knows(member, ticket):
    return ticket in host(member).check_output("booth list -c %s" % CONF)


def state_in_cib(site):
    return host(site).check_output("cibadmin --query --scope status")


@pytest.fixture(scope="module")
def with_old_ticket(tmp_path_factory):
    """A second ticket, granted at site A, bound to a running resource."""
    for s in SITES:
        if host(s).run("crm_resource --resource %s --query-xml" % RESOURCE).rc != 0:
            host(s).check_output(
                "cibadmin --create --scope resources --xml-text "
                '\'<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>\'' % RESOURCE
            )
    result = geo_playbook([APACHE, OLD], tmp_path_factory.mktemp("add"))
    assert result.returncode == 0, result.stdout[-4000:]
    for m in MEMBERS:
        assert 'ticket = "%s"' % TICKET in host(m).file(CONF).content_string, m
    assert 'ticket="%s"' % TICKET in host("sitea1").check_output(
        "cibadmin --query --scope constraints"
    )
    return snapshot()


def test_removal_that_would_release_a_running_resource_is_refused(with_old_ticket, tmp_path):
    result = geo_playbook([APACHE, dict(name=TICKET, state="absent")], tmp_path)
    assert result.returncode != 0
    out = result.stdout + result.stderr  # a failed run_once task is reported on stderr
    assert "release_resources" in out and "'%s'" % RESOURCE in out, out[-4000:]
    assert snapshot() == with_old_ticket  # no member's booth.conf, no site's CIB changed


def test_removal_with_release_resources(with_old_ticket, tmp_path):
    leader_before = re.search(
        r"ticket: apacheticket, leader: (\S+),",
        host("siteb1").check_output("booth list -c " + CONF),
    ).group(1)
    gone = dict(name=TICKET, state="absent", release_resources=True)
    result = geo_playbook([APACHE, gone], tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]
    sums = {m: host(m).file(CONF).sha256sum for m in MEMBERS}
    assert len(set(sums.values())) == 1, sums
    for m in MEMBERS:
        assert TICKET not in host(m).file(CONF).content_string, m
        assert not booth_knows(m, TICKET), m
    for s in SITES:
        assert 'ticket="%s"' % TICKET not in host(s).check_output(
            "cibadmin --query --scope constraints"
        ), s
        assert 'id="%s"' % TICKET not in state_in_cib(s), s
        verify = host(s).run("crm_verify --live-check")
        assert verify.rc == 0, verify.stdout + verify.stderr
    out = host("siteb1").check_output("booth list -c " + CONF)
    assert "ticket: apacheticket, leader: %s," % leader_before in out, out

    again = geo_playbook([APACHE, gone], tmp_path)
    assert again.returncode == 0, again.stdout[-4000:]
    assert not any(changed(again).values()), changed(again)
