"""changed=0 must mean the cluster runs what was declared (issue 26): a run
cut off right after it wrote a ticket option into booth.conf on every member
(SIGKILL, as an AWX cancel or a lost controller), before booth was
restarted, is finished by the rerun: every boothd then runs the booth.conf
on disk, and a further run changes nothing. The same on the way back.

Runs after test_geo.py (file order)."""

import labkit
from geo_lab import CONF, INVENTORY, MEMBERS, play, stale

TICKET = INVENTORY.var("booth_tickets")[0]


def tickets(expire):
    return [{"booth_tickets": [dict(TICKET, expire=expire)]}]


def converged(expire):
    result = play("geo_cluster.yml", extra_vars=tickets(expire))
    assert result.ok, result.tail()
    assert stale() == dict.fromkeys(MEMBERS, [])
    for m in MEMBERS:
        assert "expire = %s" % expire in labkit.sh(m, "cat %s" % CONF), m
    again = play("geo_cluster.yml", extra_vars=tickets(expire))
    assert again.ok and not any(again.changed().values()), again.changed()


def test_ticket_option_change_cut_off_after_the_write_is_applied_by_the_rerun():
    out = labkit.play_interrupted(
        "geo_cluster.yml", INVENTORY, "Define the tickets in booth.conf", tickets("300")
    )
    # what the bug left: booth.conf says 300 everywhere, every boothd runs the old one
    for m in MEMBERS:
        assert "expire = 300" in labkit.sh(m, "cat %s" % CONF), (m, out[-3000:])
    assert all(stale().values()), stale()
    converged("300")


def test_back_to_the_inventory_value():
    converged(TICKET["expire"])
