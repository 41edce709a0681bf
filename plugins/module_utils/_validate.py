# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Small validators shared by every module, after pcs's ``lib/validate.py``.

Each returns an error message (naming the option and the rule) or None, so a
planner can collect every problem and fail once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import ipaddress
import re

# XML NCName as pcs checks it (pcs/lib/pacemaker/values.py)
_ID_FIRST = re.compile(r"[a-zA-Z_]")
_ID_REST = re.compile(r"[a-zA-Z0-9_.-]*\Z")
_ID_BAD_REST = re.compile(r"[^a-zA-Z0-9_.-]")

# Durations as Pacemaker reads them. Plain: crm_get_msec (a whole number, then
# an optional unit, case-insensitive). ISO 8601: crm_time_parse_duration (an
# upper-case P...). [0-9], never \d: Python's \d takes any Unicode digit ("٦٠"),
# which Pacemaker reads as no number at all. Pacemaker's own parsers also take
# forms that are accidents of their loops ("PT5M1H", "PT", "PT5M junk",
# "5minutes", "1.5s" read as 1 s); those are refused here, with the message
# below, rather than written. Checked against iso8601 -D and crm_simulate in
# tests/unit/test_durations.py.
_WS = "[ \t\n\r]*"
_PLAIN = re.compile(
    _WS + r"([0-9]+)" + _WS + r"(ms|msec|us|usec|s|sec|m|min|h|hr)?" + _WS + r"\Z", re.IGNORECASE
)
_ISO_TIME = r"T(?=[0-9])(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?"
_ISO8601 = re.compile(r"P" + _ISO_TIME + _WS + r"\Z")
# Valid ISO 8601 with a date part (years, months, weeks, days). Pacemaker 2.1
# and 3.0 alike schedule these a day short: P1D as 0 (no recurring operation at
# all), P1DT1H as 1 hour, P1W as 6 days (iso8601 -D still prints the right
# value; crm_simulate shows what the scheduler uses). So they are refused with
# a hint to write the same time in hours.
_ISO8601_DATE = re.compile(r"P(?:[0-9]+[YMWD])+(?:" + _ISO_TIME + r")?" + _WS + r"\Z")
_ISO_SECONDS = (3600, 60, 1)
# unit -> (multiplier, divisor) to milliseconds, integer arithmetic as in crm_get_msec
_UNIT_MS = {
    None: (1000, 1),
    "s": (1000, 1),
    "sec": (1000, 1),
    "ms": (1, 1),
    "msec": (1, 1),
    "us": (1, 1000),
    "usec": (1, 1000),
    "m": (60000, 1),
    "min": (60000, 1),
    "h": (3600000, 1),
    "hr": (3600000, 1),
}
# Pacemaker keeps intervals and timeouts in (g)int milliseconds: larger values wrap
MAX_DURATION_MS = 2**31 - 1
MAX_PORT = 65535


def show(value):
    """A value as messages quote it: control characters escaped, so a NUL or
    ESC in an option shows up instead of cutting or colouring the message."""
    text = value if isinstance(value, str) else str(value)
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


# what Pacemaker reads as true (crm_is_true), in any case
_TRUE = ("true", "on", "yes", "y", "1")


def is_true(value):
    return (value or "").lower() in _TRUE


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
            show(value),
        )
    if not _ID_REST.match(value[1:]):
        return "%s: '%s' is not a valid id: use only letters, digits, '_', '.' and '-'" % (
            option,
            show(value),
        )
    return None


def check_port(option, value):
    if value is None:
        return None
    try:
        port = int(value)
    except (TypeError, ValueError):
        port = None
    if port is None or str(port) != str(value).strip() or not 1 <= port <= MAX_PORT:
        return "%s: '%s' is not a valid port number: use an integer from 1 to %d" % (
            option,
            value,
            MAX_PORT,
        )
    return None


def is_port(value):
    return value is not None and check_port("port", value) is None


FIREWALL_SOURCE_RULE = (
    "use an IPv4 or IPv6 address, or a network in CIDR notation without host bits (10.0.0.0/24)"
)


def firewall_source(option, value):
    """(address, family, None) for a source of a firewalld rich rule, the
    address spelled one way (firewalld keeps it as given, so a rule can only
    be found again when it is always written alike), or (None, None, message)."""
    try:
        if not isinstance(value, str) or "%" in value:  # a scoped IPv6 address names no source
            raise ValueError(value)
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        reason = " (%s)" % exc if "has host bits set" in str(exc) else ""
        message = "%s: '%s' is not an address or network%s: %s" % (
            option,
            value,
            reason,
            FIREWALL_SOURCE_RULE,
        )
        return None, None, message
    family = "ipv%d" % net.version
    if net.prefixlen == net.max_prefixlen:
        return str(net.network_address), family, None
    return str(net), family, None


SERIAL_NUMBER_RULE = (
    "give it as a quoted string of hexadecimal digits, as `openssl x509 -noout -serial` prints it "
    "('serial=' and ':' between octets allowed; at most 20 octets, not zero)"
)
_HEX_SERIAL = re.compile(r"(?:serial=)?([0-9a-fA-F]{1,2}(?::?[0-9a-fA-F]{2})*)\Z")


def serial_number(option, value):
    """(serial as an integer, None) for a certificate's serial number, or
    (None, message). Only strings, read as hexadecimal: an unquoted YAML
    number copied from openssl would otherwise be read as decimal, and revoke
    another certificate."""
    match = _HEX_SERIAL.match(value.strip()) if isinstance(value, str) else None
    serial = int(match.group(1).replace(":", ""), 16) if match else 0
    if not 0 < serial < 2**160:
        return None, "%s: '%s' is not a certificate serial number: %s" % (
            option,
            value,
            SERIAL_NUMBER_RULE,
        )
    return serial, None


# pcs's rule, and no leading '-': booth's client reads "booth grant -t" as
# its option -t (measured on booth 1.2), so such a ticket could not be granted
TICKET_NAME = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}\Z")
TICKET_NAME_RULE = "1-63 characters from a-z, A-Z, 0-9 and '-', not starting with '-'"


def check_ticket_name(option, name):
    if not isinstance(name, str) or not TICKET_NAME.match(name):
        return "%s: '%s' is not a valid ticket name: use %s" % (option, name, TICKET_NAME_RULE)
    return None


def b64_key(text):
    """The bytes of a key given base64-encoded, whitespace (such as the
    wrapping `base64` prints) ignored; None when it is not base64."""
    try:
        return base64.b64decode("".join(str(text).split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def interval_ms(value):
    """Milliseconds of a Pacemaker interval/timeout, or None if not a duration
    this collection accepts (see _PLAIN/_ISO8601)."""
    text = value if isinstance(value, str) else str(value)
    m = _PLAIN.match(text)
    if m:
        mult, div = _UNIT_MS[(m.group(2) or "").lower() or None]
        return int(m.group(1)) * mult // div
    m = _ISO8601.match(text)
    if m:
        return 1000 * sum(int(n) * mult for n, mult in zip(m.groups(), _ISO_SECONDS) if n)
    return None


def check_interval(option, value):
    if value is None:
        return None
    ms = interval_ms(value)
    if ms is None and _ISO8601_DATE.match(value if isinstance(value, str) else str(value)):
        return (
            "%s: '%s' has a date part (years, months, weeks or days), which Pacemaker "
            "reads a day short (P1D as 0, no recurring operation): give the time in hours, "
            "e.g. PT24H or 86400s" % (option, show(value))
        )
    if ms is None:
        return (
            "%s: '%s' is not a valid Pacemaker duration: use a whole number with an "
            "optional unit (ms, s, m or min, h; e.g. 60, 60s, 5min) or an ISO 8601 "
            "duration of hours, minutes and seconds (e.g. PT1M, PT1H30M)" % (option, show(value))
        )
    if ms == 0 and _ISO8601.match(value if isinstance(value, str) else str(value)):
        # 2.0 and 2.1 read it as 0; 3.0's crm_time_parse_duration refuses it
        return "%s: '%s' is a zero ISO 8601 duration, which Pacemaker 3.0 refuses: write 0" % (
            option,
            show(value),
        )
    if ms > MAX_DURATION_MS:
        return "%s: '%s' is too long: Pacemaker durations are at most %d ms (about 24 days)" % (
            option,
            show(value),
            MAX_DURATION_MS,
        )
    return None


# What an XML attribute value cannot hold (lxml refuses it; Pacemaker never
# sees it): C0 controls other than tab, newline, carriage return; U+FFFE/U+FFFF;
# lone surrogates (bytes that were not UTF-8).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def check_text(option, value):
    """A value written into the CIB: only characters XML can store."""
    if value is not None and _NOT_XML.search(str(value)):
        return "%s: '%s' holds a control character, which the CIB cannot store" % (
            option,
            show(value),
        )
    return None


def check_line(option, value):
    """A host name, address or path: not empty, one line, no control characters."""
    if value is None:
        return None
    if not str(value).strip():
        return "%s: must not be empty" % option
    if _CONTROL.search(str(value)):
        return (
            "%s: '%s' holds a control character (NUL, ESC, newline, ...); give one plain line"
            % (
                option,
                show(value),
            )
        )
    return None


def check_not_empty(option, value):
    if value is not None and not str(value).strip():
        return "%s: must not be empty" % option
    return None


def collect(*messages):
    return [m for m in messages if m]
