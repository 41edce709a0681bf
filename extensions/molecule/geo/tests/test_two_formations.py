"""Several booth formations (booth#108): one arbitrator and the same two site
clusters serve a second formation through a second booth instance, its own
config, key, port, site IPs, ticket and systemd unit (booth@second), made
by the same playbook with other variables. Each formation's ticket lives on
its own: granting the second formation's ticket leaves the first's leader as
it was, and the first formation's files and booth are untouched.

Runs last (file order) in the geo scenario."""

import labkit
import yaml
from geo_lab import ARBITRATOR, MEMBERS, SITE_A, SITES, host, play, wait_for
from geo_lab import CONF as FIRST

SECOND_IPS = (labkit.lab_vip("second_a"), labkit.lab_vip("second_b"))
SECOND = {
    "booth_instance": "second",
    "booth_port": 9930,
    "booth_sites": list(SECOND_IPS),
    "booth_tickets": [
        {
            "name": "secondticket",
            "expire": "600",
            "constraints": [{"resource": "secondsvc", "loss_policy": "stop"}],
            "grant": "granted",
            "site": SECOND_IPS[1],
        }
    ],
    "geo_demo_resource": "secondsvc",
}


def second_playbook(tmp_path):
    """geo_cluster.yml with an inventory layer for the second formation (as
    lab/inventory/adopt.yml layers on geo.yml): its vars, and each site's
    second booth IP."""
    layer = tmp_path / "second.yml"
    sites = {
        "geo_site_a": {"vars": {"booth_site_ip": SECOND_IPS[0]}},
        "geo_site_b": {"vars": {"booth_site_ip": SECOND_IPS[1]}},
    }
    inventory = {"geo": {"vars": SECOND, "children": {"geo_sites": {"children": sites}}}}
    layer.write_text(yaml.safe_dump({"all": {"children": inventory}}))
    return play("geo_cluster.yml", layer)


def leaders(member, conf):
    return {t: v["leader"] for t, v in labkit.booth_tickets(member, conf).items()}


def test_second_formation_beside_the_first(tmp_path):
    first_conf = {m: host(m).file(FIRST).sha256sum for m in MEMBERS}
    first_leaders = leaders(SITE_A, FIRST)
    result = second_playbook(tmp_path)
    assert result.ok, result.tail()

    conf, key = "/etc/booth/second.conf", "/etc/booth/second.key"
    sums = {m: (host(m).file(conf).sha256sum, host(m).file(key).sha256sum) for m in MEMBERS}
    assert len(set(sums.values())) == 1, sums
    arbitrator = host(ARBITRATOR)
    text = arbitrator.file(conf).content_string
    assert "port = 9930" in text and "authfile = %s" % key in text
    assert arbitrator.file(key).sha256sum != arbitrator.file("/etc/booth/booth.key").sha256sum
    assert arbitrator.service("booth@second").is_running
    assert arbitrator.service("booth@second").is_enabled
    assert arbitrator.service("booth@booth").is_running
    for site in SITES:
        for rsc in ("booth-second-service", "booth-booth-service"):
            assert labkit.where(site, rsc) == {site}, (site, rsc)

    # the second ticket at site B, booth's view alike everywhere (the other
    # members learn it a message after the granting site)
    for m in MEMBERS:
        got = wait_for(lambda m=m: leaders(m, conf).get("secondticket"), SECOND_IPS[1])
        assert got == SECOND_IPS[1], m
    # the first formation: same files, same leader
    assert {m: host(m).file(FIRST).sha256sum for m in MEMBERS} == first_conf
    assert leaders(SITE_A, FIRST) == first_leaders

    again = second_playbook(tmp_path)
    assert again.ok, again.tail()
    assert again.stats and not any(again.changed().values()), again.changed()
