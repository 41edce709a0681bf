# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one bounded poll loop of the collection: every wait (nodes online in
crm_mon, a connection stopped, booth agreeing on a leader, a site's CIB
showing the ticket) asks its question through it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time


def poll(probe, timeout, interval=2):
    """Call probe() until it returns a true value or ``timeout`` seconds have
    passed, waiting ``interval`` seconds between calls; probe() is always
    called at least once, and once more at the deadline. Returns (True, what
    probe returned) or (False, its last answer). The monotonic clock: a
    clock step (NTP, a VM resumed) neither ends a wait early nor stretches
    it."""
    deadline = time.monotonic() + timeout
    while True:
        answer = probe()
        if answer:
            return True, answer
        if time.monotonic() >= deadline:
            return False, answer
        time.sleep(interval)
