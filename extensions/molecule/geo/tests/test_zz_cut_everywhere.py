"""The interruption harness over geo_cluster.yml (issue 26): the run is cut
off (SIGKILL, as an AWX cancel, a job timeout or a lost controller does)
right after every task at which a change is pending, one cut per rerun
(labkit.cut_after_every_change), in the first converge on a lab reset to
what pcs made, in a ticket option change, a booth key change and a ticket
removal. After every cut both sites' CIBs are valid; after the run that
gets through: every boothd runs the booth.conf and key on disk, every
member names site A the leader, only site A's CIB holds the ticket, no
temporary file of the collection is left, and a further run changes
nothing. With fencing on: a fence would fail the scenario (conftest.py).

Runs last (file order): its reset would take away what the tests before it set
up. The fences seen before the reset count (labkit.reset_lab)."""

import base64
import hashlib

import labkit
from geo_lab import (
    ARBITRATOR,
    CONF,
    INVENTORY,
    IP_A,
    KEY,
    MEMBERS,
    SELECTION,
    SITE_A,
    SITE_B,
    SITES,
    TICKET,
    leader,
    play,
    stale,
)

LEFTOVERS = (
    "find /etc/booth /tmp -maxdepth 1"
    " \\( -name '.booth.conf-*' -o -name '.booth.key-*' -o -name 'hacluster-sim-*' \\) -print"
)
OPTIONS = INVENTORY.var("booth_tickets")[0]


def cibs_valid(task=None):
    labkit.cib_valid(SITES, task)


def converged(extra_vars=()):
    assert stale() == dict.fromkeys(MEMBERS, [])
    assert labkit.wait_until(lambda: all(leader(m) == IP_A for m in MEMBERS), 120), {
        m: leader(m) for m in MEMBERS
    }
    assert labkit.ticket_granted(SITE_A, TICKET) and not labkit.ticket_granted(SITE_B, TICKET)
    cibs_valid()
    for m in MEMBERS:
        assert labkit.sh(m, LEFTOVERS).strip() == "", m
    again = play("geo_cluster.yml", extra_vars=extra_vars)
    assert again.ok and not any(again.changed().values()), again.changed_tasks()


def test_first_converge_cut_after_every_change():
    labkit.reset_lab(SELECTION, SITES)
    # as the scenario's create.yml: the arbitrator gets no high-availability service
    labkit.sh(
        ARBITRATOR,
        "firewall-cmd -q --permanent --remove-service=high-availability && firewall-cmd -q --reload",
    )
    cuts = labkit.cut_after_every_change("geo_cluster.yml", INVENTORY, after_cut=cibs_valid)
    assert any(c.endswith("Define the tickets in booth.conf") for c in cuts), cuts
    converged()


def test_ticket_option_change_cut_after_every_change():
    shorter = [{"booth_tickets": [dict(OPTIONS, expire="300")]}]
    cuts = labkit.cut_after_every_change(
        "geo_cluster.yml", INVENTORY, shorter, after_cut=cibs_valid
    )
    assert cuts, cuts
    converged(shorter)
    back = play("geo_cluster.yml")
    assert back.ok, back.tail()
    converged()


def test_booth_key_change_cut_after_every_change():
    """A key change reaches every member and every boothd loads it, however
    the run was cut: members left on two keys would stop talking and the
    ticket would expire everywhere."""
    key = base64.b64encode(hashlib.sha512(b"hacluster.pacemaker harness").digest()).decode()
    new_key = [{"booth_key_b64": key, "booth_key_replace": True}]
    cuts = labkit.cut_after_every_change(
        "geo_cluster.yml", INVENTORY, new_key, after_cut=cibs_valid
    )
    assert cuts, cuts
    converged(new_key)
    wanted = hashlib.sha256(base64.b64decode(key)).hexdigest()
    assert {m: labkit.host(m).file(KEY).sha256sum for m in MEMBERS} == dict.fromkeys(
        MEMBERS, wanted
    )


def test_ticket_removal_cut_after_every_change():
    """A second ticket, bound to a running resource and granted at site A,
    removed with release_resources (as test_ticket_removal) and cut after
    every change: booth.conf, booth's memory and both CIBs lose it on the
    rerun, and the first ticket stays where it is."""
    old = {
        "name": "oldticket",
        "expire": "600",
        "constraints": [{"resource": "oldsvc", "loss_policy": "stop"}],
        "grant": "granted",
        "site": IP_A,
    }
    for s in SITES:
        labkit.sh(
            s,
            "crm_resource --resource oldsvc --query-xml >/dev/null 2>&1 || cibadmin --create"
            " --scope resources --xml-text"
            ' \'<primitive id="oldsvc" class="ocf" provider="pacemaker" type="Dummy"/>\'',
        )
    both = [{"booth_tickets": [OPTIONS, old]}]
    added = play("geo_cluster.yml", extra_vars=both)
    assert added.ok, added.tail()
    assert labkit.ticket_granted(SITE_A, "oldticket")
    gone = [
        {"booth_tickets": [OPTIONS, dict(name="oldticket", state="absent", release_resources=True)]}
    ]
    cuts = labkit.cut_after_every_change("geo_cluster.yml", INVENTORY, gone, after_cut=cibs_valid)
    assert cuts, cuts
    for m in MEMBERS:
        assert "oldticket" not in labkit.host(m).file(CONF).content_string, m
        assert "oldticket" not in labkit.booth_tickets(m), m
    for s in SITES:
        assert "oldticket" not in labkit.sh(s, "cibadmin --query --scope constraints"), s
        assert not labkit.ticket_granted(s, "oldticket"), s
    converged(gone)
