"""The one poll loop every wait of the collection goes through."""

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _poll


def test_returns_the_first_true_answer():
    calls = []

    def probe():
        calls.append(1)
        return len(calls) if len(calls) == 3 else 0

    assert _poll.poll(probe, timeout=10, interval=0) == (True, 3)
    assert len(calls) == 3


def test_asks_once_even_without_time_and_gives_the_last_answer():
    calls = []

    def probe():
        calls.append(1)
        return []

    assert _poll.poll(probe, timeout=0, interval=0) == (False, [])
    assert len(calls) == 1


def test_the_deadline_is_on_the_monotonic_clock(monkeypatch):
    """A wall-clock step back (NTP, a resumed VM) does not stretch a wait."""
    now = [1000.0]
    monkeypatch.setattr(_poll.time, "monotonic", lambda: now[0])
    monkeypatch.setattr(_poll.time, "time", lambda: 0.0)  # never consulted

    def sleep(seconds):
        now[0] += seconds

    monkeypatch.setattr(_poll.time, "sleep", sleep)
    calls = []
    assert _poll.poll(lambda: calls.append(1), timeout=10, interval=2) == (False, None)
    assert len(calls) == 6  # at 0, 2, 4, 6, 8 and 10 s
