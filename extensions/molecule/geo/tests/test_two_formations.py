"""Several booth formations (booth#108): one arbitrator and the same two site
clusters serve a second formation through a second booth instance, its own
config, key, port, site IPs, ticket and systemd unit (booth@second), made
by the same playbook with other variables. Each formation's ticket lives on
its own: granting the second formation's ticket leaves the first's leader as
it was, and the first formation's files and booth are untouched.

Runs last (file order) in the geo scenario."""

import os
import re
import subprocess
from pathlib import Path

import testinfra
import yaml
from test_geo import wait_for

SITES = ("sitea1", "siteb1")
MEMBERS = SITES + ("arbitrator1",)
ROOT = Path(__file__).resolve().parents[4]
INVENTORY = os.environ.get("GEO_INVENTORY", str(ROOT / "lab" / "inventory" / "geo.yml"))
FIRST = "/etc/booth/booth.conf"
SECOND_IPS = ("10.89.77.103", "10.89.77.104")
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


def host(name):
    return testinfra.get_host("podman://" + name)


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
    return subprocess.run(
        [
            "ansible-playbook",
            "-i",
            INVENTORY,
            "-i",
            str(layer),
            str(ROOT / "playbooks" / "geo_cluster.yml"),
        ],
        env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0"),
        capture_output=True,
        text=True,
        check=False,
    )


def leaders(member, conf):
    out = host(member).check_output("booth list -c %s" % conf)
    return dict(re.findall(r"ticket: (\S+), leader: ([^,\s]+)", out))


def test_second_formation_beside_the_first(tmp_path):
    first_conf = {m: host(m).file(FIRST).sha256sum for m in MEMBERS}
    first_leaders = leaders("sitea1", FIRST)
    result = second_playbook(tmp_path)
    assert result.returncode == 0, result.stdout[-4000:]

    conf, key = "/etc/booth/second.conf", "/etc/booth/second.key"
    sums = {m: (host(m).file(conf).sha256sum, host(m).file(key).sha256sum) for m in MEMBERS}
    assert len(set(sums.values())) == 1, sums
    text = host("arbitrator1").file(conf).content_string
    assert "port = 9930" in text and "authfile = %s" % key in text
    assert (
        host("arbitrator1").file(key).sha256sum
        != host("arbitrator1").file("/etc/booth/booth.key").sha256sum
    )
    assert host("arbitrator1").service("booth@second").is_running
    assert host("arbitrator1").service("booth@second").is_enabled
    assert host("arbitrator1").service("booth@booth").is_running
    for site in SITES:
        mon = host(site).check_output("crm_mon -1 --inactive --output-as=xml")
        assert re.search(r'<resource id="booth-second-service"[^>]*role="Started"', mon), mon
        assert re.search(r'<resource id="booth-booth-service"[^>]*role="Started"', mon), mon

    # the second ticket at site B, booth's view alike everywhere (the other
    # members learn it a message after the granting site)
    for m in MEMBERS:
        got = wait_for(lambda m=m: leaders(m, conf).get("secondticket"), SECOND_IPS[1])
        assert got == SECOND_IPS[1], m
    # the first formation: same files, same leader
    assert {m: host(m).file(FIRST).sha256sum for m in MEMBERS} == first_conf
    assert leaders("sitea1", FIRST) == first_leaders

    again = second_playbook(tmp_path)
    assert again.returncode == 0, again.stdout[-4000:]
    counts = dict(re.findall(r"^(\S+)\s+: ok=\d+\s+changed=(\d+)", again.stdout, re.M))
    assert set(counts.values()) == {"0"}, counts
