"""The booth role reads each member's state in one round (tasks/facts.yml)
and skips the steps already in place. Both halves: each kind of drift it
reads is seen (check mode touches nothing) and repaired, and a run with
nothing to change stays within 10 task rounds per host and writes nothing.

Runs right after the converge (file order: before test_geo.py), and leaves
the geo cluster as the converge made it."""

from geo_lab import ARBITRATOR, CONF, KEY, MEMBERS, SITE_B, SITES, cib_version, host, play


def geo_playbook(check=False):
    result = play("geo_cluster.yml", check=check)
    assert result.ok, result.tail()
    return result


def snapshot():
    """What the drifts below touch, and what a no-op must not (the key only
    by fingerprint; the sites' CIB by its version)."""
    out = {}
    for m in MEMBERS:
        h = host(m)
        out[m] = {
            "key": h.check_output(f"stat -c '%U:%G:%a' {KEY}; sha256sum {KEY}"),
            "conf": h.check_output(f"sha256sum {CONF}"),
            "firewall": h.check_output(
                "firewall-cmd --list-ports; firewall-cmd --permanent --list-ports"
            ),
            "enabled": h.run("systemctl is-enabled booth@booth.service").stdout.strip(),
        }
        if m in SITES:
            out[m]["cib"] = cib_version(m)
    return out


def test_every_kind_of_drift_is_seen_and_repaired():
    converged = snapshot()
    host(ARBITRATOR).check_output(f"chmod 0644 {KEY}")
    host(SITE_B).check_output(f"chown root {KEY}")
    host(ARBITRATOR).check_output("firewall-cmd -q --remove-port=9929/udp")
    host(ARBITRATOR).check_output("systemctl disable -q booth@booth.service")
    drifted = snapshot()
    assert drifted != converged

    changed = geo_playbook(check=True).changed()
    assert changed[ARBITRATOR] > 0 and changed[SITE_B] > 0, changed
    assert snapshot() == drifted

    geo_playbook()
    now = snapshot()
    for m in MEMBERS:
        assert now[m]["key"] == converged[m]["key"], m
        assert now[m]["conf"] == converged[m]["conf"], m
    assert now[ARBITRATOR]["firewall"] == converged[ARBITRATOR]["firewall"]
    assert now[ARBITRATOR]["enabled"] == "enabled"


def test_noop_rerun_is_a_few_rounds_and_writes_nothing():
    before = snapshot()
    result = geo_playbook()
    assert set(result.stats) == set(MEMBERS)
    assert not any(result.changed().values()), result.changed()
    # a round is every task that ran for the host, asserts and set_fact too
    assert max(result.rounds().values()) <= 10, result.rounds()
    assert snapshot() == before
