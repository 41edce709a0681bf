"""The role reads each host's state in one round (tasks/gather.yml) and skips
every step already in place. This checks both halves of that: each kind of
drift the gather sees is noticed (in check mode without touching anything)
and repaired, and a run with nothing to change stays within 10 task rounds
per host and writes nothing.

Runs after test_remote.py (file order) on the converged labkit."""

import time

from remote_lab import (
    ALL_HOSTS,
    AUTHKEY,
    GUEST,
    NODE,
    NODE2,
    REMOTE,
    cib_epoch,
    host,
    run_playbook,
    wait_online,
)

ENV_FILE = "/etc/default/pacemaker"


def snapshot():
    """What the drifts below touch, host by host (the key only by fingerprint)."""
    out = {}
    for h in ALL_HOSTS:
        there = host(h)
        out[h] = {
            "authkey": there.check_output(f"stat -c '%U:%G:%a' {AUTHKEY}; sha256sum {AUTHKEY}"),
            "units": there.run(
                "systemctl is-enabled pacemaker_remote pcsd; systemctl is-active pacemaker_remote pcsd"
            ).stdout,
            "firewall": there.run(
                "firewall-cmd --list-services; firewall-cmd --permanent --list-services"
            ).stdout,
            "env": there.run(f"cat {ENV_FILE}").stdout,
        }
    return out


def test_noop_rerun_is_a_few_rounds_and_writes_nothing():
    epoch = cib_epoch()
    before = snapshot()
    result = run_playbook()
    assert result.ok, result.tail()
    assert set(result.stats) == set(ALL_HOSTS)
    assert not any(result.changed().values()), result.changed()
    # a round is every task that ran for the host, includes and asserts too
    assert max(result.rounds().values()) <= 10, result.rounds()
    assert cib_epoch() == epoch
    assert snapshot() == before


def test_every_kind_of_drift_is_seen_and_repaired():
    # one drift per thing gather.yml reads, spread over the hosts
    host(REMOTE).check_output(f"chmod 0644 {AUTHKEY}")
    host(NODE2).check_output(f"chown root {AUTHKEY}")
    host(REMOTE).check_output("systemctl disable pacemaker_remote")
    host(GUEST).check_output("systemctl disable pcsd")
    host(GUEST).check_output("firewall-cmd -q --remove-service=high-availability")
    host(REMOTE).check_output("firewall-cmd -q --permanent --remove-service=high-availability")
    # a stale port setting: the role removes it (no restart: the running daemon
    # already listens on the default port, host_info reads it from its environment)
    host(GUEST).check_output(f"echo PCMK_remote_port=3121 >> {ENV_FILE}")
    drifted = snapshot()
    start = time.monotonic()
    epoch = cib_epoch()

    checked = run_playbook(check=True)
    assert checked.ok, checked.tail()
    counts = checked.changed()
    for h in ALL_HOSTS:
        assert counts[h] > 0 or h == NODE, (h, counts)
    assert snapshot() == drifted
    assert cib_epoch() == epoch

    print("check mode run: %.0f s" % (time.monotonic() - start))
    fixed = run_playbook()
    print("repairing run: %.0f s" % (time.monotonic() - start))
    assert fixed.ok, fixed.tail()
    now = snapshot()
    assert now[REMOTE]["authkey"].startswith("hacluster:haclient:640")
    assert now[NODE2]["authkey"].startswith("hacluster:")
    assert now[REMOTE]["units"].split() == ["enabled", "enabled", "active", "active"]
    assert now[GUEST]["units"].split() == ["enabled", "enabled", "active", "active"]
    assert "high-availability" in now[GUEST]["firewall"].splitlines()[0]
    assert "high-availability" in now[REMOTE]["firewall"].splitlines()[1]
    assert not [
        ln for ln in now[GUEST]["env"].splitlines() if ln.strip().startswith("PCMK_remote_port=")
    ]
    assert wait_online(ALL_HOSTS, timeout=180)
    print("online: %.0f s" % (time.monotonic() - start))

    again = run_playbook()
    assert again.ok, again.tail()
    assert not any(again.changed().values()), again.changed()
