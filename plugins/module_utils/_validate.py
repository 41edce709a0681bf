# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small validators shared by every module, after pcs's ``lib/validate.py``.

Each returns an error message (naming the option and the rule) or None, so a
planner can collect every problem and fail once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# XML NCName as pcs checks it (pcs/lib/pacemaker/values.py)
_ID_FIRST = re.compile(r"[a-zA-Z_]")
_ID_REST = re.compile(r"[a-zA-Z0-9_.-]*\Z")
_ID_BAD_REST = re.compile(r"[^a-zA-Z0-9_.-]")

# Pacemaker's crm_get_msec units, and ISO 8601 durations (pcmk_parse_interval_spec)
_INTERVAL = re.compile(r"\s*(\d+)\s*(ms|msec|us|usec|s|sec|m|min|h|hr)?\s*\Z")
_ISO8601 = re.compile(r"P(?!\Z)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?\Z")
_UNIT_MS = {
    None: 1000,
    "s": 1000,
    "sec": 1000,
    "ms": 1,
    "msec": 1,
    "us": 0.001,
    "usec": 0.001,
    "m": 60000,
    "min": 60000,
    "h": 3600000,
    "hr": 3600000,
}


def item_label(option, name):
    """How messages name an option of one item: 'nodes[rh1].' in the batch
    form (option='nodes'), '' for the module's own top-level options."""
    return "%s[%s]." % (option, name) if option else ""


def sanitize_id(candidate):
    """pcs's sanitize_id: drop what cannot stand in an XML id."""
    if not candidate:
        return candidate
    first = candidate[0] if _ID_FIRST.match(candidate[0]) else ""
    return first + _ID_BAD_REST.sub("", candidate[1:])


def check_id(option, value):
    if not value:
        return "%s: must not be empty" % option
    if not _ID_FIRST.match(value[0]):
        return "%s: '%s' is not a valid id: the first character must be a letter or '_'" % (
            option,
            value,
        )
    if not _ID_REST.match(value[1:]):
        return "%s: '%s' is not a valid id: use only letters, digits, '_', '.' and '-'" % (
            option,
            value,
        )
    return None


def check_port(option, value):
    if value is None:
        return None
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = None
    if port is None or str(port) != str(value).strip() or not 1 <= port <= 65535:
        return "%s: '%s' is not a valid port number: use an integer from 1 to 65535" % (
            option,
            value,
        )
    return None


def interval_ms(value):
    """Milliseconds of a Pacemaker interval/timeout, or None if invalid."""
    text = str(value)
    m = _INTERVAL.match(text)
    if m:
        return int(m.group(1)) * _UNIT_MS[m.group(2)]
    m = _ISO8601.match(text.strip())
    if m:
        seconds = 0
        for part, mult in (
            (2, 31536000),
            (3, 2592000),
            (4, 604800),
            (5, 86400),
            (7, 3600),
            (8, 60),
            (9, 1),
        ):
            if m.group(part):
                seconds += int(m.group(part)[:-1]) * mult
        return seconds * 1000
    return None


def check_interval(option, value):
    if value is None:
        return None
    if interval_ms(value) is None:
        return (
            "%s: '%s' is not a valid Pacemaker duration: use a whole number with an "
            "optional unit (s, ms, m, h; e.g. 60, 60s, 5min) or ISO 8601 (e.g. PT1M)"
            % (option, value)
        )
    return None


def check_not_empty(option, value):
    if value is not None and not str(value).strip():
        return "%s: must not be empty" % option
    return None


def collect(*messages):
    return [m for m in messages if m]
