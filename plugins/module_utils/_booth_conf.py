# -*- coding: utf-8 -*-
# Copyright: hacluster.pacemaker contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lossless reader/editor/validator for booth's configuration file (booth.conf).

Pure Python (3.6+), no third-party imports, so it runs on any managed node.

The grammar mirrors booth's own parser, ``read_config()`` in booth's
src/config.c (booth 1.0-283 as shipped by Debian 12 and booth 1.2 parse
identically; line numbers below refer to booth commit eed1090):

* booth reads the file with ``fgets()`` into a 1024-byte buffer (config.c:631),
  skips leading whitespace; an empty rest or a rest starting with ``#`` is a
  comment (config.c:634-636).  There are no trailing comments after an
  unquoted value: ``expire = 600 # x`` has the value ``600 # x``.
* a key is ``[A-Za-z0-9_-]+`` (config.c:641), then optional whitespace, ``=``,
  optional whitespace and a value.  A value quoted with ``"`` or ``'`` ends at
  the same quote and may be followed only by whitespace or a ``#`` comment
  (config.c:670-690); an unquoted value is the rest of the line with trailing
  whitespace removed.  Keys and values longer than 64 bytes are rejected.
* ``ticket = NAME`` starts a ticket; ticket options apply to the last ticket.
  Global keys (site, port, ...) are recognised anywhere, even after a ticket.
  ``ticket = "__defaults__"`` sets defaults (expire, timeout, retries, weights,
  mode only) for the tickets that follow it (config.c:313-317, 806-818).
* ``port`` is applied to each site/arbitrator when its line is read
  (config.c:202, 214), so a ``port`` line below the peers is silently ignored
  for them: rendering always puts global options first.

A parsed file is a list of :class:`Line` objects that keep their exact text,
so ``render(parse(text)) == text`` for any input; edits touch only the lines
they must.  New lines use the layout ``pcs booth`` writes (``key = value``,
``ticket = "name"``, ticket options indented by two spaces and sorted by
name), so a pcs-written file with the same content is left untouched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re
import socket

from ansible_collections.hacluster.pacemaker.plugins.module_utils._validate import (
    MAX_DURATION_MS,
    MAX_PORT,
    TICKET_NAME,
    TICKET_NAME_RULE,
    show,
)

# ---------------------------------------------------------------- constants

# C isspace() in the "C" locale; Python's str.isspace() accepts far more.
_WS = " \t\n\v\f\r"
_KEY_RE = re.compile(r"[A-Za-z0-9_-]*")  # isalnum() + "-_" (config.c:641)

BOOTH_NAME_LEN = 64  # booth.h:68; key/value length limit (config.c:713)
MAX_NODES = 16  # config.h:45; sites + arbitrators, and weights
MAX_ARGS = 16  # config.h:46; before-acquire-handler argv incl. final NULL
FGETS_LINE_BYTES = 1023  # char line[1024] + fgets (config.c:568, 631)

# Defaults from ticket.h:33-35 (in seconds; booth keeps milliseconds).
DEFAULT_EXPIRE = 600
DEFAULT_TIMEOUT = 5
DEFAULT_RETRIES = 10
DEFAULT_PORT = 9929  # booth.h:53
DEFAULT_MAXTIMESKEW = 600  # booth.h:51
DEFAULTS_TICKET = "__defaults__"

# Global keys in the order new ones are rendered (site/arbitrator lines follow
# them, then the tickets).  transport/port come first because port must
# precede the peers.
GLOBAL_ORDER = (
    "transport",
    "port",
    "maxtimeskew",
    "authfile",
    "name",
    "debug",
    "site-user",
    "site-group",
    "arbitrator-user",
    "arbitrator-group",
)
# RHEL's booth builds (since CVE-2022-2553) use the authfile only when this
# line says yes; upstream booth refuses the keyword (_booth.authfile_switch
# asks the installed booth which one it is). pcs writes it below authfile.
AUTHFILE_SWITCH = "enable-authfile"
_AFTER_AUTHFILE = GLOBAL_ORDER.index("authfile") + 1
_SETTABLE = GLOBAL_ORDER[:_AFTER_AUTHFILE] + (AUTHFILE_SWITCH,) + GLOBAL_ORDER[_AFTER_AUTHFILE:]
PEER_KEYS = ("site", "arbitrator")
GLOBAL_KEYS = GLOBAL_ORDER + PEER_KEYS + ("ticket",)
# Ticket options, also the fixed order in which new option lines are written
# (alphabetical, exactly what pcs writes: sorted(ticket_options.items())).
TICKET_KEYS = (
    "acquire-after",
    "attr-prereq",
    "before-acquire-handler",
    "expire",
    "mode",
    "renewal-freq",
    "retries",
    "timeout",
    "weights",
)
# attr-prereq may be given several times (booth appends them, config.c:544);
# for every other key the last line wins.
MULTI_KEYS = ("attr-prereq",)
TICKET_INDENT = "  "  # what pcs uses (pcs/lib/booth/config_parser.py)

# Our own (stricter) rules.
_DURATION_RE = re.compile(r"^([0-9]+)(ms)?\Z")
DURATION_RULE = (
    "a duration in seconds (an integer, or an integer followed by "
    "'ms' for milliseconds; booth accepts no other unit)"
)

# --------------------------------------------------------------- structures


def _blen(text):
    """Length in bytes, as booth's strlen() sees it (never raises)."""
    return len(text.encode("utf-8", "surrogatepass"))


class Line(object):
    """One physical line, kept verbatim in ``raw`` (including its '\\n').

    kind is 'blank', 'comment', 'option' (key/value set) or 'invalid'
    (error holds the message booth prints for it).
    """

    __slots__ = ("raw", "kind", "key", "value", "error", "indent", "trailer")

    def __init__(self, raw):
        self.raw = raw
        self.key = self.value = self.error = None
        self.indent = self.trailer = ""
        self._parse()

    def _parse(self):
        # booth works on C strings: a NUL byte ends the line.
        text = self.raw.split("\0", 1)[0]
        body = text.lstrip(_WS)
        self.indent = text[: len(text) - len(body)]
        if not body or body[0] == "#":
            self.kind = "blank" if not body.strip(_WS) else "comment"
            return
        self.kind = "invalid"
        key = _KEY_RE.match(body).group(0)
        if not key:
            self.error = "No key"
            return
        rest = body[len(key) :].lstrip(_WS)
        if not rest.startswith("="):
            self.error = "Expected '=' after key"
            return
        rest = rest[1:].lstrip(_WS)
        if not rest:
            self.error = "No value"
            return
        if rest[0] in "\"'":
            end = rest.find(rest[0], 1)
            if end < 0:
                self.error = "Unterminated quoted string"
                return
            value, trailer = rest[1:end], rest[end + 1 :]
            if trailer.strip(_WS) and not trailer.lstrip(_WS).startswith("#"):
                self.error = "Surplus data after value"
                return
            self.trailer = rest[end:].rstrip(_WS)  # closing quote + comment
        else:
            value = rest.rstrip(_WS)
        if _blen(key) > BOOTH_NAME_LEN or _blen(value) > BOOTH_NAME_LEN:
            self.error = "key/value too long"
            return
        self.kind, self.key, self.value = "option", key, value

    def __repr__(self):
        return "Line(%r)" % (self.raw,)


class BoothConfig(object):
    """A parsed booth.conf: ``lines`` in file order, nothing dropped."""

    def __init__(self, lines=None):
        self.lines = list(lines or [])

    def __eq__(self, other):
        return isinstance(other, BoothConfig) and render(self) == render(other)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return "BoothConfig(%r)" % (render(self),)


class _Block(object):
    """A ticket: index of its ``ticket`` line and of its option lines."""

    def __init__(self, name, start):
        self.name, self.start, self.options = name, start, []

    @property
    def end(self):
        return self.options[-1] if self.options else self.start


# ------------------------------------------------------------ parse/render


def parse(text):
    """Parse booth.conf text (str) into a BoothConfig; never fails."""
    parts = text.split("\n")
    raws = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        raws.append(parts[-1])  # last line without a newline
    return BoothConfig(Line(r) for r in raws)


def render(config):
    """The text of a BoothConfig (byte-identical to the parsed input if unedited)."""
    return "".join(line.raw for line in config.lines)


def checksum(text_or_config):
    """sha256 hex digest of the text, to check that all members agree."""
    if isinstance(text_or_config, BoothConfig):
        text_or_config = render(text_or_config)
    if not isinstance(text_or_config, bytes):
        # files read with errors="surrogateescape" hash to their real bytes
        text_or_config = text_or_config.encode("utf-8", "surrogateescape")
    return hashlib.sha256(text_or_config).hexdigest()


# ------------------------------------------------------------------ queries


def _options(config):
    return [(i, ln) for i, ln in enumerate(config.lines) if ln.kind == "option"]


def _blocks(config):
    """Ticket blocks in file order (duplicates included)."""
    blocks = []
    for i, ln in _options(config):
        if ln.key == "ticket":
            blocks.append(_Block(ln.value, i))
        elif ln.key in TICKET_KEYS and blocks:
            blocks[-1].options.append(i)
    return blocks


def _find_block(config, name):
    found = [b for b in _blocks(config) if b.name == name]
    if len(found) > 1:
        raise ValueError("ticket %r is defined %d times; fix booth.conf first" % (name, len(found)))
    return found[0] if found else None


def global_options(config):
    """Single-valued global options as a dict (the last line wins, as in booth)."""
    return dict((ln.key, ln.value) for _i, ln in _options(config) if ln.key in _SETTABLE)


def get_global(config, key, default=None):
    """One global option's value (e.g. 'port', 'transport', 'authfile')."""
    return global_options(config).get(key, default)


def authfile(config):
    """The authfile path, or None."""
    return get_global(config, "authfile")


def peers(config):
    """[(kind, address)] for site and arbitrator lines, in file order (order matters to booth)."""
    return [(ln.key, ln.value) for _i, ln in _options(config) if ln.key in PEER_KEYS]


def sites(config):
    return [a for k, a in peers(config) if k == "site"]


def arbitrators(config):
    return [a for k, a in peers(config) if k == "arbitrator"]


def tickets(config):
    """Ticket names in file order, without booth's special '__defaults__'."""
    return [b.name for b in _blocks(config) if b.name != DEFAULTS_TICKET]


def ticket_options(config, name):
    """{option: value} for ticket name (None if absent).  Options not in the
    file are not filled in with defaults.  'attr-prereq' is a list."""
    blocks = [b for b in _blocks(config) if b.name == name]
    if not blocks:
        return None
    result = {}
    for i in blocks[0].options:
        ln = config.lines[i]
        if ln.key in MULTI_KEYS:
            result.setdefault(ln.key, []).append(ln.value)
        else:
            result[ln.key] = ln.value
    return result


# -------------------------------------------------------------------- edits


def _format(key, value, indent="", quote=False, tail=""):
    """One rendered line.  Ticket names are double-quoted like pcs does; other
    values only when booth or pcs would misread them unquoted (empty, quote
    characters, surrounding whitespace) or when a comment (tail) follows."""
    value = str(value)
    if "\n" in value or "\0" in value or ('"' in value and "'" in value):
        raise ValueError("option %r: value %r cannot be written to booth.conf" % (key, value))
    if (
        quote
        or key == "ticket"
        or not value
        or '"' in value
        or "'" in value
        or value != value.strip(_WS)
    ):
        q = "'" if '"' in value else '"'
        value = q + value + q
    return Line("%s%s = %s%s\n" % (indent, key, value, tail))


def _rewrite(config, index, value):
    """Change one option line's value, keeping its indentation and the
    comment that may follow a quoted value."""
    old = config.lines[index]
    tail = old.trailer[1:] if old.trailer[1:].strip(_WS) else ""
    config.lines[index] = _format(old.key, value, old.indent, quote=bool(tail), tail=tail)


def _ensure_final_newline(config):
    if config.lines and not config.lines[-1].raw.endswith("\n"):
        config.lines[-1] = Line(config.lines[-1].raw + "\n")


def _insert(config, index, lines):
    if index >= len(config.lines):
        _ensure_final_newline(config)
    config.lines[index:index] = lines


def _delete(config, indexes):
    for i in sorted(set(indexes), reverse=True):
        del config.lines[i]


def _above_comments(config, index):
    """Move index up over the comment lines directly above it (they belong to it)."""
    while index > 0 and config.lines[index - 1].kind == "comment":
        index -= 1
    return index


def _first_peer_line(config):
    """Index of the first site/arbitrator line (len(lines) if none)."""
    for i, ln in _options(config):
        if ln.key in PEER_KEYS:
            return i
    return len(config.lines)


def _first_body_line(config):
    """Index of the first site/arbitrator/ticket line (len(lines) if none)."""
    for i, ln in _options(config):
        if ln.key in PEER_KEYS or ln.key == "ticket":
            return i
    return len(config.lines)


def set_global(config, key, value):
    """Set (value None: remove) a single-valued global option; returns changed.

    An existing line is rewritten in place (earlier duplicates are dropped);
    a new line goes among the global options above the peers, in GLOBAL_ORDER.
    A 'port' line found below a peer is moved up, because booth ignores it
    for the peers above it.
    """
    if key not in _SETTABLE:
        raise ValueError("%r is not a single-valued global booth option" % (key,))
    found = [i for i, ln in _options(config) if ln.key == key]
    if value is None:
        _delete(config, found)
        return bool(found)
    value = str(value)
    if found and not (key == "port" and found[-1] > _first_peer_line(config)):
        if len(found) == 1 and config.lines[found[0]].value == value:
            return False
        _rewrite(config, found[-1], value)
        _delete(config, found[:-1])
        return True
    _delete(config, found)
    body = _first_body_line(config)
    rank = _SETTABLE.index(key)
    head = [(i, ln) for i, ln in _options(config)[:] if i < body and ln.key in _SETTABLE]
    later = [i for i, ln in head if _SETTABLE.index(ln.key) > rank]
    if later:
        where = later[0]
    elif head:
        where = head[-1][0] + 1
    else:
        where = _above_comments(config, body)
    _insert(config, where, [_format(key, value)])
    return True


def set_peers(config, site_list, arbitrator_list):
    """Make the site/arbitrator lines exactly sites then arbitrators, in the
    given order (booth derives weights and priorities from it); returns changed.
    Lines that already match are kept, so are comments between them."""
    want = [("site", str(a)) for a in site_list] + [("arbitrator", str(a)) for a in arbitrator_list]
    have = [i for i, ln in _options(config) if ln.key in PEER_KEYS]
    changed = False
    for i, (key, addr) in zip(have, want):
        ln = config.lines[i]
        if (ln.key, ln.value) == (key, addr):
            continue
        if ln.key == key:
            _rewrite(config, i, addr)
        else:
            config.lines[i] = _format(key, addr, ln.indent)
        changed = True
    if len(have) > len(want):
        _delete(config, have[len(want) :])
        changed = True
    elif len(want) > len(have):
        if have:
            where = have[-1] + 1
        else:
            tks = [i for i, ln in _options(config) if ln.key == "ticket"]
            where = _above_comments(config, tks[0]) if tks else len(config.lines)
        _insert(config, where, [_format(k, a) for k, a in want[len(have) :]])
        changed = True
    return changed


def set_ticket(config, name, options, exclusive=False):
    """Add ticket name with options, or update the existing one; returns changed.

    options maps booth option names to values (str/int); a value of None
    removes that option; 'attr-prereq' takes a str or a list of str.  With
    exclusive=True options not named are removed.  A new ticket is appended
    at the end: ``ticket = "name"`` then its options in TICKET_KEYS order,
    indented by two spaces.  An existing ticket keeps its layout: only lines
    whose value differs are rewritten, missing options are added after its
    last option line.  Raises ValueError for unknown option names.
    """
    unknown = sorted(set(options) - set(TICKET_KEYS))
    if unknown:
        raise ValueError("unknown booth ticket option(s): %s" % ", ".join(unknown))
    want = {}
    for key, value in options.items():
        if value is None:
            want[key] = None
        elif key in MULTI_KEYS:
            want[key] = [str(v) for v in ([value] if isinstance(value, str) else value)]
        else:
            want[key] = str(value)
    block = _find_block(config, name)
    if block is None:
        new = [_format("ticket", name)]
        for key in TICKET_KEYS:
            for value in _as_list(want.get(key)):
                new.append(_format(key, value, TICKET_INDENT))
        _insert(config, len(config.lines), new)
        return True

    changed = False
    if exclusive:
        for i in block.options:
            if config.lines[i].key not in want:
                want[config.lines[i].key] = None
    for key in TICKET_KEYS:
        if key not in want:
            continue
        block = _find_block(config, name)
        mine = [i for i in block.options if config.lines[i].key == key]
        have = [config.lines[i].value for i in mine]
        value = want[key]
        if value is None:
            if mine:
                _delete(config, mine)
                changed = True
            continue
        if key in MULTI_KEYS:
            if have == value:
                continue
            where = mine[0] if mine else block.end + 1
            indent = config.lines[mine[0]].indent if mine else _block_indent(config, block)
            _delete(config, mine)
            _insert(config, where, [_format(key, v, indent) for v in value])
        elif mine and _same(key, have[-1], value):
            continue  # effective value already right: leave the line alone
        elif mine:
            _rewrite(config, mine[-1], value)
            _delete(config, mine[:-1])
        else:
            _insert(config, block.end + 1, [_format(key, value, _block_indent(config, block))])
        changed = True
    return changed


def _same(key, old, new):
    # booth reads mode case-insensitively (strcasecmp, config.c:396)
    return old.lower() == new.lower() if key == "mode" else old == new


def _as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _block_indent(config, block):
    return config.lines[block.options[0]].indent if block.options else TICKET_INDENT


def remove_ticket(config, name):
    """Remove ticket name: its ticket line, option lines and the comments
    between them.  Comments above the ticket line and after its last option
    are kept (they may describe something else).  Returns changed."""
    block = _find_block(config, name)
    if block is None:
        return False
    drop = (
        [block.start]
        + block.options
        + [i for i in range(block.start, block.end) if config.lines[i].kind in ("comment", "blank")]
    )
    before, after = block.start - 1, block.end + 1
    if (
        before >= 0
        and after < len(config.lines)
        and config.lines[before].kind == "blank"
        and config.lines[after].kind == "blank"
    ):
        drop.append(after)  # do not leave two blank lines where the ticket was
    _delete(config, drop)
    return True


def build(site_list, arbitrator_list, ticket_map=None, **global_opts):
    """A whole new booth.conf from variables, deterministically: globals (in
    GLOBAL_ORDER, None values skipped), sites, arbitrators, then tickets
    sorted by name.  ticket_map is {name: {option: value}}; global_opts are
    booth's global keys with '_' for '-' (e.g. port=9929, authfile=...)."""
    config = BoothConfig()
    for key in GLOBAL_ORDER:
        value = global_opts.pop(key.replace("-", "_"), None)
        if value is not None:
            set_global(config, key, value)
    if global_opts:
        raise ValueError("unknown booth global option(s): %s" % ", ".join(sorted(global_opts)))
    set_peers(config, site_list, arbitrator_list)
    for name in sorted(ticket_map or {}):
        set_ticket(config, name, ticket_map[name])
    return config


# --------------------------------------------------------------- validation


def _strtol(text, base):
    """C strtol(): returns (value or None if no digits, unparsed rest)."""
    m = re.match(r"[ \t\n\v\f\r]*([+-]?)", text)
    sign, pos = m.group(1), m.end()
    if base == 10:
        d = re.compile(r"[0-9]+").match(text, pos)
        if not d:
            return None, text
        digits, b = d.group(0), 10
    else:  # base 0: 0x hex, 0 octal, decimal
        d = (
            re.compile(r"0[xX]([0-9a-fA-F]+)").match(text, pos)
            or re.compile(r"0([0-7]*)").match(text, pos)
            or re.compile(r"([1-9][0-9]*)").match(text, pos)
        )
        if not d:
            return None, text
        digits = d.group(1) or "0"
        b = 16 if d.group(0)[:2].lower() == "0x" else 8 if d.group(0).startswith("0") else 10
    value = int(digits, b)
    return (-value if sign == "-" else value), text[d.end() :]


def _booth_time(value):
    """read_time() (config.c:407): ms, or -1 when booth cannot parse it."""
    t, rest = _strtol(value, 10)
    if t is None:
        return -1
    if rest == "":
        return t * 1000
    return t if rest == "ms" else -1


def _booth_weights(value):
    """parse_weights() (config.c:347): list, or an error string."""
    weights = []
    while value and len(weights) < MAX_NODES:
        v, rest = _strtol(value, 0)
        if v is None:
            return 'No integer weight value at "%s"' % value
        weights.append(v)
        while rest:
            if rest[0] in _WS or rest[0] in ",;:-+":  # '-' is a separator here
                rest = rest[1:]
            elif rest[0] in "0123456789":  # C isdigit(), ASCII only
                break
            else:
                return 'Invalid character at "%s"' % rest
        value = rest
    return weights


def _inet(addr):
    """Packed address if addr is an IPv4/IPv6 literal (inet_pton), else None."""
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            return socket.inet_pton(family, addr)
        except (OSError, ValueError):
            pass
    return None


def address_key(addr):
    """What makes two spellings of one member's address the same (booth
    compares the addresses inet_pton gives; a host name by its letters)."""
    return _inet(addr) or addr.lower()


def _tokens(value):
    """strtok(value, " \\t") as booth splits handler and attr-prereq values."""
    return [t for t in re.split(r"[ \t]+", value) if t]


_TIMING_MARK = "total amount of time to retry sending packets"


def syntax_errors(config, extra_keys=()):
    """What booth's read_config() would reject, as "line N: message" strings
    with booth's own messages.

    booth stops at the first error; this goes on and reports all it finds.
    Host names are not resolved (booth resolves them when it starts).
    extra_keys: keys to accept as global options, e.g. 'enable-authfile',
    which only patched (RHEL) builds of booth know.
    """
    errors = []
    got_transport = False
    # booth's ticket state, times in milliseconds like booth
    defaults = {
        "name": "",
        "expire": DEFAULT_EXPIRE * 1000,
        "timeout": DEFAULT_TIMEOUT * 1000,
        "retries": DEFAULT_RETRIES,
        "renewal-freq": 0,
    }
    current = [None]
    names, ids = set(), {}

    def postproc(lineno):  # postproc_ticket(), config.c:325-343
        tk = current[0]
        if tk is None:
            return
        if not tk["renewal-freq"]:
            tk["renewal-freq"] = tk["expire"] // 2
        if tk["timeout"] * (tk["retries"] + 1) >= tk["renewal-freq"]:
            errors.append(
                "line %d: %s: %s cannot exceed renewal frequency (%d*(%d+1) >= %d)"
                % (
                    lineno,
                    tk["name"],
                    _TIMING_MARK,
                    tk["timeout"],
                    tk["retries"],
                    tk["renewal-freq"],
                )
            )

    lineno = 0
    for lineno, ln in enumerate(config.lines, 1):
        if _blen(ln.raw) > FGETS_LINE_BYTES:
            errors.append(
                "line %d: longer than %d bytes; booth reads lines in %d-byte pieces "
                "and parses the rest as another line"
                % (lineno, FGETS_LINE_BYTES - 1, FGETS_LINE_BYTES)
            )
        if ln.kind == "invalid":
            errors.append("line %d: %s" % (lineno, ln.error))
        if ln.kind != "option":
            continue
        key, val, err = ln.key, ln.value, None
        if key == "transport":
            if got_transport:
                err = "config file has multiple transport lines"
            elif val.upper() not in ("UDP", "SCTP"):
                err = 'invalid transport protocol "%s"' % val
            got_transport = True
        elif key in PEER_KEYS:  # add_site(), config.c:131-240
            packed = _inet(val)
            if len(ids) >= MAX_NODES:
                err = "too many nodes"
            elif _blen(val) >= BOOTH_NAME_LEN:
                err = 'site address "%s" too long' % val
            elif packed is None and not re.match(r"^[A-Za-z0-9.-]+\Z", val):
                err = 'Address string "%s" is bad' % val  # (if it does not resolve)
            elif packed is not None and packed in ids:
                # same binary address -> same crc32 site id; booth exit(1)s
                err = "Got a site-ID collision (the address of line %d again)" % ids[packed]
            else:
                ids[packed if packed is not None else val] = lineno
        elif key == "name":
            if _blen(val) >= BOOTH_NAME_LEN - 1:  # safe_copy(), main.c:1030
                err = "'%s' exceeds maximum name length of %d" % (val, BOOTH_NAME_LEN - 1)
        elif key in GLOBAL_ORDER or key in extra_keys:
            pass  # read with atoi()/strcpy() and no checks
        elif key == "ticket":  # config.c:806-818, add_ticket() config.c:278-322
            if current[0] is not None and current[0]["name"] != DEFAULTS_TICKET:
                postproc(lineno)  # also runs for __defaults__: its name stays ""
            if val == DEFAULTS_TICKET:
                current[0] = defaults
                continue
            if _blen(val) >= BOOTH_NAME_LEN:
                err = 'ticket name "%s" too long.' % val
            elif val in names or not val:
                # booth counts the new, still unnamed ticket before looking
                # the name up, so "" always finds itself (config.c:294-305)
                err = 'ticket name "%s" used again.' % val
            elif not re.match(r"^[A-Za-z0-9/-]*\Z", val):
                err = 'ticket name "%s" invalid; only alphanumeric names.' % val
            names.add(val)
            current[0] = {
                "name": val,
                "expire": defaults["expire"],
                "timeout": defaults["timeout"],
                "retries": defaults["retries"],
                "renewal-freq": 0,
            }
        elif current[0] is None:
            err = 'Unexpected keyword "%s"' % key
        else:
            err = _ticket_key_error(current[0], key, val)
        if err:
            errors.append("line %d: %s" % (lineno, err))
    postproc(lineno)
    return errors


def _ticket_key_error(tk, key, val):
    """Apply one ticket option like booth does (config.c:831-910)."""
    if key in ("expire", "timeout", "renewal-freq"):
        t = _booth_time(val)
        if t <= 0:
            return "Expected time >0 for %s" % key
        tk[key] = t
    elif key == "acquire-after":
        if _booth_time(val) < 0:
            return "Expected time >=0 for acquire-after"
    elif key == "retries":
        n, rest = _strtol(val, 0)
        if n is None or rest or not 3 <= n <= 100:
            return "Expected plain integer value in the range [3, 100] for retries"
        tk[key] = n
    elif key == "before-acquire-handler":
        if len(_tokens(val)) >= MAX_ARGS:
            return "too many arguments for the acquire-handler"
    elif key == "attr-prereq":  # extra words after the 4th are ignored
        parts = _tokens(val)
        if len(parts) < 4:
            return "not enough arguments to attr-prereq"
        if parts[0] not in ("auto", "manual"):
            return "%s is not a grant type" % parts[0]
        if parts[2] not in ("eq", "ne"):
            return "%s is not an attribute operation" % parts[2]
    elif key == "weights":
        w = _booth_weights(val)
        if not isinstance(w, list):
            return w
    elif key != "mode":  # mode: anything but "manual" silently means auto
        return 'Unknown keyword "%s"' % key
    return None


# -- our rules: stricter than booth, so what we write is unambiguous


def _duration_ms(value):
    m = _DURATION_RE.match(str(value))
    if not m:
        return None
    return int(m.group(1)) * (1 if m.group(2) else 1000)


def _value_rule(value):
    """Rules every value must follow to be written to booth.conf at all."""
    if not value.strip(_WS):
        return "a non-empty value"
    if "\n" in value or "\0" in value or ('"' in value and "'" in value):
        return "a value without newlines, NUL bytes or both kinds of quotes"
    if any(c != "\t" and (c < " " or c == "\x7f") for c in value):
        # booth would store an ESC or CR as it is: a terminal or a handler's argv gets it
        return "a value without control characters (ESC, CR, ...; a tab separates words)"
    if _blen(value) > BOOTH_NAME_LEN:
        return "at most %d bytes long (booth rejects longer values)" % BOOTH_NAME_LEN
    return None


def _ticket_value_rule(key, value, peer_count):
    """The rule a ticket option value breaks, or None."""
    general = _value_rule(value)
    if general:
        return general
    if key in ("expire", "timeout", "renewal-freq", "acquire-after"):
        ms = _duration_ms(value)
        low = 0 if key == "acquire-after" else 1
        if ms is None or ms < low or ms > MAX_DURATION_MS:  # booth keeps int milliseconds too
            return "%s %s" % (DURATION_RULE, ">= 0" if low == 0 else "greater than 0")
    elif key == "retries":
        if not re.match(r"^[0-9]+\Z", value) or not 3 <= int(value) <= 100:
            return "an integer from 3 to 100"
    elif key == "weights":
        if not re.match(r"^[0-9]+( *, *[0-9]+)*\Z", value):
            # booth would read '1,-2' as [1, 2]: after a number '-' is a separator
            return "a comma-separated list of non-negative integers, one per site/arbitrator"
        limit = min(peer_count or MAX_NODES, MAX_NODES)
        if len(value.split(",")) > limit:
            return "at most one weight per site/arbitrator (%d)" % limit
    elif key == "mode":
        if value.lower() not in ("auto", "manual"):
            return "'auto' or 'manual' (booth silently treats anything else as auto)"
    elif key == "before-acquire-handler":
        argv = _tokens(value)
        if not argv or not argv[0].startswith("/"):
            return "an absolute path to a program or directory, optionally followed by arguments"
        if len(argv) >= MAX_ARGS:
            return "a program with at most %d arguments" % (MAX_ARGS - 2)
    elif key == "attr-prereq":
        parts = _tokens(value)
        if len(parts) != 4 or parts[0] not in ("auto", "manual") or parts[2] not in ("eq", "ne"):
            return "'GRANT_TYPE NAME OP VALUE' with GRANT_TYPE auto|manual and OP eq|ne"
    return None


def ticket_errors(name, options, peer_count=None, defaults=None):
    """Check one ticket's name and options (e.g. module input before editing)
    against our rules, which are stricter than booth's.  Returns strings
    like "ticket 'x': option 'expire' must be ..., got 'abc'"; never raises.
    peer_count enables the weights count check; defaults are the options
    of a preceding __defaults__ ticket."""
    errors = []
    where = "ticket %r" % (str(name),)
    if name != DEFAULTS_TICKET and not TICKET_NAME.match(str(name)):
        errors.append("%s: the name must be %s" % (where, TICKET_NAME_RULE))
    for key in sorted(options):
        if key not in TICKET_KEYS:
            kind = "a global option, not a ticket option" if key in GLOBAL_KEYS else "unknown"
            errors.append(
                "%s: option %r is %s (ticket options: %s)"
                % (where, key, kind, ", ".join(TICKET_KEYS))
            )
            continue
        value = options[key]
        for v in _as_list(value) if key in MULTI_KEYS else [] if value is None else [value]:
            rule = _ticket_value_rule(key, str(v), peer_count)
            if rule:
                errors.append("%s: option %r must be %s, got %r" % (where, key, rule, str(v)))
    if not errors:
        errors.extend(_timing_errors(where, options, defaults or {}))
    return errors


def _timing_errors(where, options, defaults):
    """booth's rule timeout * (retries + 1) < renewal-freq (config.c:334),
    renewal-freq defaulting to expire / 2.  __defaults__ passes on expire,
    timeout and retries but not renewal-freq (config.c:313-317)."""

    def pick(key, fallback):
        for source in (options, defaults):
            if source.get(key) is not None:
                return str(source[key])
        return str(fallback)

    expire = _duration_ms(pick("expire", DEFAULT_EXPIRE))
    timeout = _duration_ms(pick("timeout", DEFAULT_TIMEOUT))
    retries = pick("retries", DEFAULT_RETRIES)
    renewal = options.get("renewal-freq")
    if None in (expire, timeout) or not re.match(r"^[0-9]+\Z", retries):
        return []  # reported elsewhere
    renewal = expire // 2 if renewal is None else _duration_ms(renewal)
    retries = int(retries)
    if renewal is None or timeout * (retries + 1) < renewal:
        return []
    return [
        "%s: timeout * (retries + 1) must be less than renewal-freq (expire/2 unless set): "
        "%s * (%d + 1) = %s >= %s; booth refuses this ('%s cannot exceed renewal "
        "frequency')"
        % (
            where,
            _secs(timeout),
            retries,
            _secs(timeout * (retries + 1)),
            _secs(renewal),
            _TIMING_MARK,
        )
    ]


def member_errors(sites_, arbitrators, authfile=None, allow_hostnames=False):
    """The members and the authfile as given (booth_config's options), in
    the options' words, before any booth.conf is built: booth's own parser
    would only say "line N: ..." of a file nobody wrote. [] means fine."""
    errors = []
    seen = {}
    for option, values in (("sites", sites_), ("arbitrators", arbitrators)):
        for addr in values:
            shown = show(addr)
            packed = _inet(addr)
            if _blen(addr) >= BOOTH_NAME_LEN:
                errors.append(
                    "%s: '%s' is %d bytes long; booth keeps at most %d bytes of an address"
                    % (option, shown, _blen(addr), BOOTH_NAME_LEN - 1)
                )
            elif packed is None and not allow_hostnames:
                errors.append(
                    "%s: '%s' must be an IPv4 or IPv6 address (host names need allow_hostnames)"
                    % (option, shown)
                )
            elif packed is None and not re.match(r"^[A-Za-z0-9.-]+\Z", addr):
                errors.append(
                    "%s: '%s' is neither an IP address nor a host name (letters, digits, '.', '-')"
                    % (option, shown)
                )
            key = address_key(addr)
            if key in seen:
                errors.append(
                    "%s: '%s' is the address '%s' already given; every member needs its own"
                    % (option, shown, show(seen[key]))
                )
            seen.setdefault(key, addr)
    count = len(sites_) + len(arbitrators)
    if count > MAX_NODES:
        errors.append(
            "sites/arbitrators: %d members given; booth supports at most %d" % (count, MAX_NODES)
        )
    if authfile is not None:
        if not authfile.startswith("/"):
            errors.append("authfile: '%s' must be an absolute path" % show(authfile))
        elif _blen(authfile) > BOOTH_NAME_LEN:
            errors.append(
                "authfile: '%s' is %d bytes long; booth reads at most %d bytes of a value"
                % (show(authfile), _blen(authfile), BOOTH_NAME_LEN)
            )
    return errors


def _secs(ms):
    return "%ds" % (ms // 1000) if ms % 1000 == 0 else "%dms" % ms


def validate(config, allow_hostnames=False, extra_keys=()):
    """Every problem in a parsed booth.conf: booth's own errors
    (syntax_errors) plus our stricter rules for globals, peers and tickets.
    Returns a list of strings, never raises; [] means fine to write.
    allow_hostnames: accept host names for sites/arbitrators (booth >= 1.1
    resolves them once, at start)."""
    # the timing rule is reported below with a clearer message
    errors = [e for e in syntax_errors(config, extra_keys) if _TIMING_MARK not in e]
    opts = _options(config)
    first_peer = _first_peer_line(config)
    seen = {}
    for i, ln in opts:
        if ln.key not in GLOBAL_ORDER:
            continue
        val, rule = ln.value, _value_rule(ln.value)
        if ln.key in seen:
            errors.append(
                "option %r is set on lines %d and %d; set it once" % (ln.key, seen[ln.key], i + 1)
            )
        seen[ln.key] = i + 1
        if rule:
            pass
        elif ln.key == "port":
            # booth's own reading of the file (leading zeros are fine there)
            if not re.match(r"^[0-9]+\Z", val) or not 1 <= int(val) <= MAX_PORT:
                rule = "an integer from 1 to %d" % MAX_PORT
            elif i > first_peer:
                rule = "above all site/arbitrator lines (booth ignores it for the peers before it)"
        elif ln.key == "transport" and val.upper() != "UDP":
            rule = "UDP (the only transport booth implements)"
        elif ln.key in ("maxtimeskew", "debug") and not re.match(r"^[0-9]+\Z", val):
            rule = "a non-negative integer"
        elif ln.key == "authfile" and not val.startswith("/"):
            rule = "an absolute path"
        elif ln.key in ("site-user", "site-group", "arbitrator-user", "arbitrator-group"):
            rule = "left out (booth reads a wrong variable for it, src/config.c:779-797)"
        if rule:
            errors.append("option %r must be %s, got %r (line %d)" % (ln.key, rule, val, i + 1))
    addrs = {}
    for i, ln in opts:
        if ln.key not in PEER_KEYS:
            continue
        packed = _inet(ln.value)
        if packed is None and not allow_hostnames:
            errors.append(
                "%s %r must be an IPv4 or IPv6 address (line %d)" % (ln.key, ln.value, i + 1)
            )
        norm = packed or ln.value.lower()
        if norm in addrs and packed is None:  # IP duplicates: see syntax_errors
            errors.append(
                "%s %r (line %d) duplicates the address on line %d"
                % (ln.key, ln.value, i + 1, addrs[norm])
            )
        addrs.setdefault(norm, i + 1)
    count_sites = len(sites(config))
    if count_sites < 2:
        errors.append("booth needs at least 2 sites, got %d" % count_sites)
    if len(addrs) % 2 == 0:
        errors.append("booth needs an odd number of sites + arbitrators, got %d" % len(addrs))
    defaults, count = {}, {}
    for block in _blocks(config):
        count[block.name] = count.get(block.name, 0) + 1
        if count[block.name] > 1:
            errors.append("ticket %r is defined more than once" % (block.name,))
            continue
        if block.name == DEFAULTS_TICKET and len(count) > 1:
            errors.append("ticket '__defaults__' must come before all other tickets")
        single = {}
        for i in block.options:
            ln = config.lines[i]
            if ln.key not in MULTI_KEYS and ln.key in single:
                errors.append(
                    "ticket %r: option %r is set on lines %d and %d; set it once"
                    % (block.name, ln.key, single[ln.key], i + 1)
                )
            single[ln.key] = i + 1
        options = ticket_options(config, block.name)
        errors.extend(ticket_errors(block.name, options, len(addrs), defaults))
        if block.name == DEFAULTS_TICKET:
            defaults = dict(
                (k, v) for k, v in options.items() if k in ("expire", "timeout", "retries")
            )
    return errors
