"""Durations: the collection accepts what Pacemaker reads, with the same value.

Oracles are Pacemaker's own parsers: ``iso8601 -D`` for ISO 8601 durations, and
the scheduler (``crm_simulate``), which names every recurring operation it
schedules with its interval in milliseconds ("monitor=300000"), for both forms.
"""

import re
import subprocess

import pytest
from cibfiles import new_cib, tool
from hostile_values import REFUSED

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _validate as v

# value -> what we read it as (ms), or None for refused
ACCEPTED = {
    "60": 60000,
    "60s": 60000,
    "60S": 60000,
    "60 s": 60000,
    " 60 ": 60000,
    "60sec": 60000,
    "60SEC": 60000,
    "1500ms": 1500,
    "1500msec": 1500,
    "2000000us": 2000,
    "5m": 300000,
    "5min": 300000,
    "5MIN": 300000,
    "1h": 3600000,
    "1H": 3600000,
    "1hr": 3600000,
    "0": 0,
    "007": 7000,
    "PT5M": 300000,
    "PT1M": 60000,
    "PT90S": 90000,
    "PT1H30M": 5400000,
    "PT00005M": 300000,
    "PT24H": 86400000,
    "PT596H31M23S": 2147483000,
    "PT1H1M1S": 3661000,
}


@pytest.mark.parametrize("value,ms", sorted(ACCEPTED.items()))
def test_accepted(value, ms):
    assert v.interval_ms(value) == ms
    assert v.check_interval("op.interval", value) is None


@pytest.mark.parametrize("value", REFUSED)
def test_refused_with_a_message_naming_option_and_rule(value):
    msg = v.check_interval("nodes[rh1].reconnect_interval", value)
    assert msg is not None and msg.startswith("nodes[rh1].reconnect_interval: ")
    assert any(
        rule in msg
        for rule in (
            "not a valid Pacemaker duration",
            "at most 2147483647 ms",
            "a day short",
            "zero ISO 8601 duration",
        )
    )
    assert "\x00" not in msg and "\x1b" not in msg  # control characters are shown escaped


def _iso8601_seconds(value):
    """Pacemaker's reading of an ISO 8601 duration in seconds, or None if refused."""
    proc = subprocess.run(["iso8601", "-D", value], capture_output=True, text=True, check=False)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or "Duration:" not in out:
        return None
    days = re.search(r"(-?\d+) days?\b", out)
    secs = re.search(r"(-?\d+) seconds?\b", out)
    return (int(days.group(1)) if days else 0) * 86400 + (int(secs.group(1)) if secs else 0)


@pytest.mark.parametrize("value", sorted(k for k in ACCEPTED if k.startswith("P")))
def test_iso8601_agrees(value):
    assert _iso8601_seconds(value) * 1000 == ACCEPTED[value]


def _scheduled(tmp_path, values):
    """value -> the interval (ms) Pacemaker's scheduler gives a recurring monitor
    with that interval, or None when it schedules none: one CIB, one node, one
    crm_simulate run for all values."""
    path = new_cib(
        tmp_path / "cib.xml",
        *(
            '<primitive id="r%d" class="ocf" provider="pacemaker" type="Dummy"><operations>'
            '<op id="r%d-monitor" name="monitor" interval="%s"/></operations></primitive>'
            % (i, i, value)
            for i, value in enumerate(values)
        ),
    )
    tool(
        path, "cibadmin", "--create", "--scope", "nodes", "--xml-text", '<node id="1" uname="n1"/>'
    )
    tool(path, "crm_attribute", "-t", "crm_config", "-n", "no-quorum-policy", "-v", "ignore")
    proc = subprocess.run(
        ["crm_simulate", "--xml-file", str(path), "--simulate", "--node-up", "n1"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = dict(re.findall(r"Resource action: +r(\d+) +monitor=(\d+) on n1", proc.stdout))
    return {value: found.get(str(i)) and int(found[str(i)]) for i, value in enumerate(values)}


def test_the_scheduler_reads_every_accepted_value_as_we_do(tmp_path):
    values = sorted(k for k, ms in ACCEPTED.items() if ms)  # interval 0 is no recurring op
    assert _scheduled(tmp_path, values) == {value: ACCEPTED[value] for value in values}


def test_pacemaker_reads_a_date_part_a_day_short(tmp_path):
    """Why DATE_PART is refused: the scheduler's own reading of such intervals.
    If a Pacemaker release fixes this, this test fails and the rule can go."""
    cases = {"P1D": None, "P2D": 86400000, "P1DT1H": 3600000, "P1W": 518400000}
    assert _scheduled(tmp_path, list(cases)) == cases
