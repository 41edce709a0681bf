# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests for plugins/module_utils/_booth_conf.py.

The oracle tests at the end run the real booth parser when a boothd binary
is available (BOOTHD=/path/to/boothd or boothd on PATH).  A cheap way to get
one on Debian 12: `apt-get download booth && dpkg -x booth_*.deb root`, then
BOOTHD=$PWD/root/usr/sbin/boothd.  Its daemon hangs on new kernels, but the
client reads the config first and fails fast on an unreadable authfile,
which is how acceptance is detected without starting anything.
"""

import hashlib
import os
import random
import re
import shutil
import subprocess

import pytest

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth_conf as bc

# What `pcs booth setup sites ... arbitrators ...` + `pcs booth ticket add
# apacheticket expire=600 timeout=5` writes (pcs 0.12, config_parser.Exporter:
# authfile inserted first, `key = value`, ticket quoted, details indented by
# two spaces and sorted by name, final newline).
PCS_CONF = (
    "authfile = /etc/booth/booth.key\n"
    "site = 192.168.122.11\n"
    "site = 192.168.122.12\n"
    "arbitrator = 192.168.122.13\n"
    'ticket = "apacheticket"\n'
    "  expire = 600\n"
    "  timeout = 5\n"
)

# booth's man page example (docs/boothd.8.txt), with renewal-freq fixed: the
# original (timeout 10, retries 5, renewal-freq 60) breaks booth's own timing
# rule and booth refuses it.
MAN_CONF = """transport = udp
port = 9930

# D-85774
site="192.168.201.100"
# D-90409
site="::ffff:192.168.202.100"
# A-1120
arbitrator="192.168.203.100"

ticket="ticket-db8"
    expire        = 600
    acquire-after = 60
    timeout       = 10
    retries       = 5
    renewal-freq  = 61
    before-acquire-handler = /usr/share/booth/service-runnable db8
    attr-prereq = auto repl_state eq ACTIVE
"""

HAND_CONF = """# booth.conf maintained by hand
\t# indented comment
site='10.0.0.1'   # quoted, with a comment
site   =10.0.0.2
arbitrator= "10.0.0.3" #arb

ticket = "__defaults__"
\ttimeout = 4

ticket='db'
\texpire = 300
\t# the weights follow the site order
\tweights = 1, 2, 3
\tmode = MANUAL
\tattr-prereq = auto repl eq ok
\tattr-prereq = manual other ne bad

# tail comment
"""

ROUND_TRIP_SAMPLES = [
    "",
    "\n",
    "\n\n\n",
    "no newline at end",
    PCS_CONF,
    MAN_CONF,
    HAND_CONF,
    PCS_CONF.replace("\n", "\r\n"),
    PCS_CONF.rstrip("\n"),
    "garbage line\n=== \n'unterminated\nkey = 'a' junk\nkey =\n",
    "site = 1.1.1.1 # not a comment for booth\n",
    'x = "a#b"\n\x00\n\t\v\f\r\n',
    '# ünïcödé ✓\nticket = "a"\n',
    "a" * 3000 + "\n",
    "only\rcarriage\rreturns\r",
]


def conf(text):
    return bc.parse(text)


@pytest.mark.parametrize("text", ROUND_TRIP_SAMPLES)
def test_round_trip(text):
    assert bc.render(bc.parse(text)) == text


def test_round_trip_fuzz():
    rnd = random.Random(1234)
    alphabet = [
        "a",
        "Z",
        "0",
        "-",
        "_",
        "=",
        " ",
        "\t",
        "#",
        '"',
        "'",
        "\n",
        "\r",
        "\x00",
        "é",
        "/",
    ]
    for _i in range(500):
        text = "".join(rnd.choice(alphabet) for _i in range(rnd.randint(0, 80)))
        assert bc.render(bc.parse(text)) == text


def test_line_kinds_follow_booth():
    lines = conf('  \n # c\nk = v # x\nk = "v" # x\nk\n= v\nk = "v\nk = "v" w\nk =\n').lines
    assert [ln.kind for ln in lines] == [
        "blank",
        "comment",
        "option",
        "option",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
        "invalid",
    ]
    assert lines[2].value == "v # x"  # no trailing comments after unquoted values
    assert lines[3].value == "v"
    assert [ln.error for ln in lines[4:]] == [
        "Expected '=' after key",
        "No key",
        "Unterminated quoted string",
        "Surplus data after value",
        "No value",
    ]


# ------------------------------------------------------------------ queries


def test_queries_man_page_example():
    c = conf(MAN_CONF)
    assert bc.sites(c) == ["192.168.201.100", "::ffff:192.168.202.100"]
    assert bc.arbitrators(c) == ["192.168.203.100"]
    assert bc.peers(c)[2] == ("arbitrator", "192.168.203.100")
    assert bc.global_options(c) == {"transport": "udp", "port": "9930"}
    assert bc.get_global(c, "port") == "9930"
    assert bc.authfile(c) is None
    assert bc.tickets(c) == ["ticket-db8"]
    assert bc.ticket_options(c, "ticket-db8") == {
        "expire": "600",
        "acquire-after": "60",
        "timeout": "10",
        "retries": "5",
        "renewal-freq": "61",
        "before-acquire-handler": "/usr/share/booth/service-runnable db8",
        "attr-prereq": ["auto repl_state eq ACTIVE"],
    }
    assert bc.ticket_options(c, "nope") is None


def test_queries_hand_written():
    c = conf(HAND_CONF)
    assert bc.sites(c) == ["10.0.0.1", "10.0.0.2"]
    assert bc.arbitrators(c) == ["10.0.0.3"]
    assert bc.tickets(c) == ["db"]  # __defaults__ is not a ticket
    assert bc.ticket_options(c, "__defaults__") == {"timeout": "4"}
    opts = bc.ticket_options(c, "db")
    assert opts["attr-prereq"] == ["auto repl eq ok", "manual other ne bad"]
    assert opts["weights"] == "1, 2, 3"


def test_global_keys_after_a_ticket_stay_global():
    c = conf('ticket = "a"\n  expire = 600\nsite = 1.1.1.1\nauthfile = /k\n  timeout = 3\n')
    assert bc.sites(c) == ["1.1.1.1"]
    assert bc.authfile(c) == "/k"
    assert bc.ticket_options(c, "a") == {"expire": "600", "timeout": "3"}


# -------------------------------------------------------------------- edits


def test_build_matches_pcs_output_byte_for_byte():
    c = bc.build(
        ["192.168.122.11", "192.168.122.12"],
        ["192.168.122.13"],
        {"apacheticket": {"timeout": 5, "expire": "600"}},
        authfile="/etc/booth/booth.key",
    )
    assert bc.render(c) == PCS_CONF


def test_pcs_file_unchanged_ticket_is_not_rewritten():
    c = conf(PCS_CONF)
    assert bc.validate(c) == []
    assert bc.set_ticket(c, "apacheticket", {"expire": 600, "timeout": "5"}) is False
    assert bc.set_ticket(c, "apacheticket", {"expire": "600"}, exclusive=False) is False
    assert bc.set_peers(c, ["192.168.122.11", "192.168.122.12"], ["192.168.122.13"]) is False
    assert bc.set_global(c, "authfile", "/etc/booth/booth.key") is False
    assert bc.render(c) == PCS_CONF


def test_build_is_deterministic_whatever_the_dict_order():
    tickets = {
        "b-ticket": {"timeout": 5, "expire": 600, "retries": 5, "mode": "manual"},
        "a-ticket": {"weights": "1,2,3", "acquire-after": 60, "renewal-freq": 100},
    }
    globs = {"port": 9930, "transport": "UDP", "authfile": "/etc/booth/b.key", "maxtimeskew": 120}
    outputs = set()
    rnd = random.Random(7)
    for _i in range(20):
        t_items = list(tickets.items())
        rnd.shuffle(t_items)
        shuffled = dict(
            (k, dict(sorted(v.items(), key=lambda _kv: rnd.random()))) for k, v in t_items
        )
        g_items = list(globs.items())
        rnd.shuffle(g_items)
        outputs.add(
            bc.render(bc.build(["10.0.0.1", "10.0.0.2"], ["10.0.0.3"], shuffled, **dict(g_items)))
        )
    assert len(outputs) == 1
    assert outputs.pop() == (
        "transport = UDP\n"
        "port = 9930\n"
        "maxtimeskew = 120\n"
        "authfile = /etc/booth/b.key\n"
        "site = 10.0.0.1\n"
        "site = 10.0.0.2\n"
        "arbitrator = 10.0.0.3\n"
        'ticket = "a-ticket"\n'
        "  acquire-after = 60\n"
        "  renewal-freq = 100\n"
        "  weights = 1,2,3\n"
        'ticket = "b-ticket"\n'
        "  expire = 600\n"
        "  mode = manual\n"
        "  retries = 5\n"
        "  timeout = 5\n"
    )


def test_build_rejects_unknown_global():
    with pytest.raises(ValueError, match="bogus"):
        bc.build(["1.1.1.1"], [], bogus=1)


def test_update_changes_only_differing_lines_and_keeps_layout():
    c = conf(HAND_CONF)
    assert bc.set_ticket(c, "db", {"expire": 600, "mode": "manual", "weights": "1, 2, 3"})
    out = bc.render(c)
    # only the expire line changed (mode compares case-insensitively, as booth reads it)
    assert out == HAND_CONF.replace("\texpire = 300\n", "\texpire = 600\n")


def test_update_adds_missing_option_after_last_option_with_block_indent():
    c = conf(HAND_CONF)
    assert bc.set_ticket(c, "db", {"timeout": 3, "acquire-after": "30"})
    out = bc.render(c)
    assert (
        "\tattr-prereq = manual other ne bad\n\tacquire-after = 30\n\ttimeout = 3\n\n# tail" in out
    )
    assert bc.ticket_options(conf(out), "db")["timeout"] == "3"


def test_update_keeps_comment_after_quoted_value():
    c = conf('site = 1.1.1.1\nticket = "a"\n  expire = "600"   # ten minutes\n')
    bc.set_ticket(c, "a", {"expire": 900})
    assert bc.render(c) == 'site = 1.1.1.1\nticket = "a"\n  expire = "900"   # ten minutes\n'


def test_update_none_removes_and_exclusive_drops_the_rest():
    c = conf(PCS_CONF + "  retries = 5\n")
    assert bc.set_ticket(c, "apacheticket", {"retries": None})
    assert bc.ticket_options(c, "apacheticket") == {"expire": "600", "timeout": "5"}
    assert bc.set_ticket(c, "apacheticket", {"expire": 600}, exclusive=True)
    assert bc.render(c) == PCS_CONF.replace("  timeout = 5\n", "")


def test_update_duplicate_option_keeps_one_line():
    c = conf('ticket = "a"\n  expire = 100\n  expire = 200\n')
    assert bc.set_ticket(c, "a", {"expire": 200}) is False  # the last one is in force
    assert bc.set_ticket(c, "a", {"expire": 300})
    assert bc.render(c) == 'ticket = "a"\n  expire = 300\n'


def test_update_attr_prereq_list():
    c = conf(HAND_CONF)
    assert (
        bc.set_ticket(c, "db", {"attr-prereq": ["auto repl eq ok", "manual other ne bad"]}) is False
    )
    assert bc.set_ticket(c, "db", {"attr-prereq": "auto x eq y"})
    assert bc.ticket_options(c, "db")["attr-prereq"] == ["auto x eq y"]
    assert "\tattr-prereq = auto x eq y\n" in bc.render(c)


def test_new_ticket_appended_after_missing_final_newline():
    c = conf(PCS_CONF.rstrip("\n"))
    assert bc.set_ticket(c, "b", {"mode": "manual"})
    assert bc.render(c) == PCS_CONF + 'ticket = "b"\n  mode = manual\n'


def test_set_ticket_refuses_unknown_option_and_duplicate_ticket():
    with pytest.raises(ValueError, match="foo"):
        bc.set_ticket(conf(PCS_CONF), "apacheticket", {"foo": 1})
    with pytest.raises(ValueError, match="defined 2 times"):
        bc.set_ticket(conf(PCS_CONF + 'ticket = "apacheticket"\n'), "apacheticket", {})


def test_values_that_need_quotes():
    c = bc.build(
        ["1.1.1.1", "2.2.2.2"], ["3.3.3.3"], {"t": {"before-acquire-handler": '/bin/x "y"'}}
    )
    assert "  before-acquire-handler = '/bin/x \"y\"'\n" in bc.render(c)
    assert bc.ticket_options(conf(bc.render(c)), "t") == {"before-acquire-handler": '/bin/x "y"'}
    with pytest.raises(ValueError):
        bc.set_ticket(c, "t", {"mode": "a\nb"})


def test_remove_ticket():
    text = (
        "site = 1.1.1.1\n"
        "\n"
        "# about ticket a\n"
        'ticket = "a"\n'
        "  expire = 600\n"
        "  # inner comment\n"
        "\n"
        "site = 2.2.2.2\n"
        "  timeout = 5\n"
        "\n"
        "# about ticket b\n"
        'ticket = "b"\n'
        "  expire = 300\n"
    )
    c = conf(text)
    assert bc.remove_ticket(c, "a")
    assert bc.render(c) == (
        "site = 1.1.1.1\n"
        "\n"
        "# about ticket a\n"  # comments above a ticket are kept
        "site = 2.2.2.2\n"  # a global line inside the block is not the ticket's
        "\n"
        "# about ticket b\n"
        'ticket = "b"\n'
        "  expire = 300\n"
    )
    assert bc.remove_ticket(c, "a") is False
    assert bc.remove_ticket(c, "b")
    assert bc.tickets(c) == []


def test_remove_ticket_does_not_leave_double_blank_lines():
    c = conf('site = 1.1.1.1\n\nticket = "a"\n  expire = 600\n\nticket = "b"\n')
    bc.remove_ticket(c, "a")
    assert bc.render(c) == 'site = 1.1.1.1\n\nticket = "b"\n'


def test_set_global_inserts_above_peers_in_fixed_order():
    c = conf("# header\nauthfile = /k\n# sites\nsite = 1.1.1.1\n")
    assert bc.set_global(c, "port", 9930)
    assert bc.set_global(c, "transport", "UDP")
    assert bc.set_global(c, "name", "booth")
    assert bc.render(c) == (
        "# header\ntransport = UDP\nport = 9930\nauthfile = /k\nname = booth\n"
        "# sites\nsite = 1.1.1.1\n"
    )
    assert bc.set_global(c, "port", "9930") is False
    assert bc.set_global(c, "port", 9931)
    assert "port = 9931\n" in bc.render(c)
    assert bc.set_global(c, "name", None)
    assert "name" not in bc.global_options(c)


def test_set_global_before_comment_of_first_site():
    c = conf("# sites\nsite = 1.1.1.1\n")
    bc.set_global(c, "port", 1)
    assert bc.render(c) == "port = 1\n# sites\nsite = 1.1.1.1\n"


def test_set_global_moves_port_above_the_peers():
    c = conf("site = 1.1.1.1\nport = 9930\nsite = 2.2.2.2\n")
    assert any("above all site/arbitrator lines" in e for e in bc.validate(c))
    assert bc.set_global(c, "port", 9930)
    assert bc.render(c) == "port = 9930\nsite = 1.1.1.1\nsite = 2.2.2.2\n"


def test_set_global_refuses_non_global():
    with pytest.raises(ValueError):
        bc.set_global(conf(""), "expire", 1)


def test_set_peers():
    c = conf('site = 1.1.1.1 \n# keep me\nsite = 2.2.2.2\narbitrator = 3.3.3.3\nticket = "a"\n')
    assert bc.set_peers(c, ["1.1.1.1", "2.2.2.2"], ["3.3.3.3"]) is False
    assert bc.set_peers(c, ["1.1.1.1", "2.2.2.5"], ["3.3.3.3", "4.4.4.4", "5.5.5.5"])
    assert bc.render(c) == (
        "site = 1.1.1.1 \n# keep me\nsite = 2.2.2.5\narbitrator = 3.3.3.3\n"
        'arbitrator = 4.4.4.4\narbitrator = 5.5.5.5\nticket = "a"\n'
    )
    assert bc.set_peers(c, ["1.1.1.1"], [])
    assert bc.peers(c) == [("site", "1.1.1.1")]
    c = conf('port = 1\n# tickets\nticket = "a"\n')
    bc.set_peers(c, ["1.1.1.1"], ["3.3.3.3"])
    assert (
        bc.render(c) == 'port = 1\nsite = 1.1.1.1\narbitrator = 3.3.3.3\n# tickets\nticket = "a"\n'
    )


def test_checksum():
    assert bc.checksum(PCS_CONF) == hashlib.sha256(PCS_CONF.encode("utf-8")).hexdigest()
    assert bc.checksum(conf(PCS_CONF)) == bc.checksum(PCS_CONF)
    assert bc.checksum(PCS_CONF.encode("utf-8")) == bc.checksum(PCS_CONF)
    assert bc.checksum(PCS_CONF + "\n") != bc.checksum(PCS_CONF)


# --------------------------------------------------------------- validation

GOOD = "site = 10.0.0.1\nsite = 10.0.0.2\narbitrator = 10.0.0.3\n"


@pytest.mark.parametrize(
    "text",
    [
        PCS_CONF,
        MAN_CONF,
        HAND_CONF,
        GOOD,
        GOOD + 'ticket = "t"\n  timeout = 500ms\n  expire = 12\n',
    ],
)
def test_valid_files(text):
    assert bc.validate(conf(text)) == []


TICKET_CASES = [
    ("bad name", {}, "ticket 'bad name': the name must be 1-63 characters"),
    ("x" * 64, {}, "the name must be 1-63 characters"),
    ("--help", {}, "not starting with '-'"),
    ("t", {"expire": "abc"}, "ticket 't': option 'expire' must be a duration in seconds"),
    ("t", {"expire": "abc"}, "got 'abc'"),
    ("t", {"expire": "10s"}, "booth accepts no other unit"),
    (
        "t",
        {"timeout": "0"},
        "option 'timeout' must be a duration in seconds (an integer, or an "
        "integer followed by 'ms' for milliseconds; booth accepts no other "
        "unit) greater than 0, got '0'",
    ),
    ("t", {"renewal-freq": "-5"}, "option 'renewal-freq' must be a duration"),
    ("t", {"acquire-after": "-1"}, "option 'acquire-after' must be a duration in seconds"),
    ("t", {"expire": "9999999"}, "option 'expire' must be a duration"),
    ("t", {"retries": "2"}, "option 'retries' must be an integer from 3 to 100, got '2'"),
    ("t", {"retries": "0x10"}, "option 'retries' must be an integer from 3 to 100"),
    ("t", {"retries": 101}, "option 'retries' must be an integer from 3 to 100, got '101'"),
    ("t", {"weights": "1,-2"}, "option 'weights' must be a comma-separated list of non-negative"),
    ("t", {"weights": "1,2,3,4"}, "must be at most one weight per site/arbitrator (3)"),
    ("t", {"mode": "sometimes"}, "option 'mode' must be 'auto' or 'manual'"),
    ("t", {"before-acquire-handler": "service-runnable db8"}, "must be an absolute path"),
    ("t", {"before-acquire-handler": "/x " + "a " * 15}, "at most 14 arguments"),
    ("t", {"before-acquire-handler": "/" + "x" * 70}, "at most 64 bytes long"),
    ("t", {"attr-prereq": "auto x"}, "'GRANT_TYPE NAME OP VALUE'"),
    ("t", {"attr-prereq": ["auto a eq b", "auto a gt b"]}, "got 'auto a gt b'"),
    ("t", {"foo": "1"}, "ticket 't': option 'foo' is unknown"),
    ("t", {"port": "1"}, "option 'port' is a global option, not a ticket option"),
    ("t", {"expire": ""}, "must be a non-empty value"),
    ("t", {"mode": "a\nb"}, "without newlines"),
    # every ticket option, every control character but the tab (the class, not the example)
    *[
        ("t", {key: value}, "without control characters")
        for key, value in [
            ("before-acquire-handler", "/usr/share/booth/service-runnable\x1b[31m db8"),
            ("before-acquire-handler", "/bin/true\r"),
            ("mode", "manual\x1b"),
            ("weights", "1,\x7f2"),
            ("attr-prereq", "auto a eq \x01b"),
            ("expire", "60\x1b"),
        ]
    ],
    ("t", {"expire": 60}, "ticket 't': timeout * (retries + 1) must be less than renewal-freq"),
    ("t", {"expire": 60}, "5s * (10 + 1) = 55s >= 30s"),
    ("t", {"renewal-freq": 55}, "5s * (10 + 1) = 55s >= 55s"),
    ("t", {"timeout": "1500ms", "retries": 3, "expire": 12}, "1500ms * (3 + 1) = 6s >= 6s"),
]


@pytest.mark.parametrize("name,options,expected", TICKET_CASES)
def test_ticket_errors(name, options, expected):
    errors = bc.ticket_errors(name, options, peer_count=3)
    assert any(expected in e for e in errors), errors


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"expire": 120},
        {"expire": "111"},
        {"renewal-freq": 56},
        {"timeout": "500ms"},
        {"mode": "MANUAL"},
        {"weights": "0, 10,20"},
        {"acquire-after": 0},
        {"attr-prereq": ["auto a eq b", "manual c ne d"]},
        {"before-acquire-handler": "/usr/share/booth/service-runnable db8"},
        {"retries": 3, "timeout": 10, "expire": 90},
    ],
)
def test_ticket_ok(options):
    assert bc.ticket_errors("apache-ticket", options, peer_count=3) == []


def test_timing_rule_uses_defaults_block():
    text = GOOD + 'ticket = "__defaults__"\n  timeout = 20\n  expire = 900\nticket = "a"\n'
    assert bc.validate(conf(text)) == []  # 20s * 11 = 220s < 450s
    text = GOOD + 'ticket = "__defaults__"\n  timeout = 30\n  expire = 600\nticket = "a"\n'
    errors = bc.validate(conf(text))
    assert any("ticket '__defaults__': timeout * (retries + 1)" in e for e in errors)
    assert any(
        "ticket 'a': timeout * (retries + 1)" in e and "30s * (10 + 1) = 330s >= 300s" in e
        for e in errors
    )


FILE_CASES = [
    (GOOD + "foo\n", "line 4: Expected '=' after key"),
    (GOOD + "= x\n", "line 4: No key"),
    (GOOD + "port =\n", "line 4: No value"),
    (GOOD + 'ticket = "a\n', "line 4: Unterminated quoted string"),
    (GOOD + 'ticket = "a" b\n', "line 4: Surplus data after value"),
    (GOOD + "authfile = /" + "k" * 70 + "\n", "line 4: key/value too long"),
    ("expire = 600\n" + GOOD, 'line 1: Unexpected keyword "expire"'),
    (GOOD + 'ticket = "a"\n  foo = 1\n', 'line 5: Unknown keyword "foo"'),
    (GOOD + 'ticket = "a"\n  expire = 600 # ten minutes\n', "line 5: Expected time >0 for expire"),
    (GOOD + 'ticket = "a"\n  retries = 1\n', "Expected plain integer value in the range [3, 100]"),
    (GOOD + 'ticket = "a"\n  weights = 1,x\n', 'line 5: Invalid character at "x"'),
    (GOOD + 'ticket = "a"\n  attr-prereq = AUTO x eq y\n', "line 5: AUTO is not a grant type"),
    (GOOD + 'ticket = "a"\nticket = "a"\n', 'line 5: ticket name "a" used again.'),
    (GOOD + 'ticket = "a"\nticket = "a"\n', "ticket 'a' is defined more than once"),
    (GOOD + 'ticket = ""\n', 'line 4: ticket name "" used again.'),
    (GOOD + 'ticket = "a b"\n', 'ticket name "a b" invalid; only alphanumeric names.'),
    (GOOD + 'ticket = "a/b"\n', "ticket 'a/b': the name must be 1-63 characters"),
    (
        "transport = udp\ntransport = udp\n" + GOOD,
        "line 2: config file has multiple transport lines",
    ),
    ("transport = tcp\n" + GOOD, 'line 1: invalid transport protocol "tcp"'),
    ("transport = sctp\n" + GOOD, "option 'transport' must be UDP"),
    ("port = abc\n" + GOOD, "option 'port' must be an integer from 1 to 65535, got 'abc' (line 1)"),
    ("port = 70000\n" + GOOD, "option 'port' must be an integer from 1 to 65535"),
    ("port = 1\nport = 2\n" + GOOD, "option 'port' is set on lines 1 and 2"),
    (GOOD + "port = 9930\n", "option 'port' must be above all site/arbitrator lines"),
    ("maxtimeskew = -1\n" + GOOD, "option 'maxtimeskew' must be a non-negative integer"),
    ("authfile = booth.key\n" + GOOD, "option 'authfile' must be an absolute path"),
    ("site-user = root\n" + GOOD, "option 'site-user' must be left out"),
    ("name = " + "n" * 63 + "\n" + GOOD, "exceeds maximum name length of 63"),
    (GOOD.replace("10.0.0.1", "node-a.example"), "site 'node-a.example' must be an IPv4 or IPv6"),
    (GOOD.replace("10.0.0.1", "10.0.0.01"), "site '10.0.0.01' must be an IPv4 or IPv6"),
    (GOOD.replace("10.0.0.1", "bad address"), 'Address string "bad address" is bad'),
    (GOOD + "site = 10.0.0.2\narbitrator = 10.0.0.9\n", "line 4: Got a site-ID collision"),
    ("site = ::1\nsite = 0::1\narbitrator = 10.0.0.3\n", "line 2: Got a site-ID collision"),
    (
        "site = 10.0.0.1\nsite = 10.0.0.2\n",
        "booth needs an odd number of sites + arbitrators, got 2",
    ),
    (
        "site = 10.0.0.1\narbitrator = 10.0.0.2\narbitrator = 10.0.0.3\n",
        "booth needs at least 2 sites, got 1",
    ),
    ("".join("site = 10.0.1.%d\n" % i for i in range(17)), "line 17: too many nodes"),
    (
        GOOD + 'ticket = "a"\n  expire = 600\n  expire = 700\n',
        "ticket 'a': option 'expire' is set on lines 5 and 6",
    ),
    (
        GOOD + 'ticket = "a"\nticket = "__defaults__"\n',
        "ticket '__defaults__' must come before all other tickets",
    ),
    (GOOD + 'ticket = "a"\n  expire = 60\n', "ticket 'a': timeout * (retries + 1) must be less"),
    (GOOD + "#" + "x" * 1100 + "\n", "line 4: longer than 1022 bytes"),
    ("enable-authfile = yes\n" + GOOD, 'line 1: Unexpected keyword "enable-authfile"'),
]


@pytest.mark.parametrize("text,expected", FILE_CASES)
def test_validate_file(text, expected):
    errors = bc.validate(conf(text))
    assert any(expected in e for e in errors), errors


def test_validate_options():
    assert (
        bc.validate(conf("enable-authfile = yes\n" + GOOD), extra_keys=("enable-authfile",)) == []
    )
    hosts = GOOD.replace("10.0.0.1", "node-a.example")
    assert bc.validate(conf(hosts), allow_hostnames=True) == []
    dup = hosts + "site = NODE-A.example\narbitrator = 10.0.0.9\n"
    assert any(
        "duplicates the address on line 1" in e
        for e in bc.validate(conf(dup), allow_hostnames=True)
    )


def test_validate_never_raises_on_garbage():
    rnd = random.Random(99)
    words = [
        "ticket",
        "=",
        '"a"',
        "expire",
        "retries",
        "weights",
        "site",
        "port",
        "x",
        "0x",
        "-",
        "\n",
        " ",
        "'",
        "#",
        "__defaults__",
        "ms",
        "1",
        "mode",
        "attr-prereq",
    ]
    for _i in range(300):
        text = "".join(rnd.choice(words) for _i in range(rnd.randint(0, 40)))
        assert isinstance(bc.validate(conf(text)), list)
        assert isinstance(bc.ticket_errors(text, {"retries": text, "expire": text}), list)


def test_syntax_errors_only_reports_what_booth_rejects():
    # booth accepts all of these, however odd
    text = (
        GOOD + "transport = SCTP\nport = 99999\n"
        'ticket = "a/b"\n  mode = bogus\n  retries = 0x10\n  expire = +600\n'
        "  weights = 1;2:3\n  attr-prereq = auto x eq y extra\n"
    )
    assert bc.syntax_errors(conf(text)) == []


# ------------------------------------------------------ booth as the oracle


def _boothd():
    path = (
        os.environ.get("BOOTHD")
        or shutil.which("boothd")
        or "/var/cache/hacluster-test/booth/usr/sbin/boothd"
    )  # scripts/host-deps.sh
    return path if path and os.access(path, os.X_OK) else None


ORACLE_CASES = [
    (PCS_CONF, None),
    (MAN_CONF, None),
    (HAND_CONF, None),
    (PCS_CONF.replace("\n", "\r\n"), None),
    (PCS_CONF.rstrip("\n"), None),
    (GOOD + 'ticket = "a/b"\n  mode = bogus\n  retries = 0x10\n  expire = +600\n', None),
    (GOOD + 'ticket = "a" # c\n  expire = "600" # c\n  timeout = 500ms\n', None),
    (GOOD + 'ticket = "a"\n  weights = 1;2:3\n  attr-prereq = auto x eq y z\n', None),
    ("name = " + "n" * 62 + "\n" + GOOD, None),
    (GOOD + 'ticket = "' + "t" * 63 + '"\n', None),
    ("transport = sctp\n" + GOOD, None),
    (
        MAN_CONF.replace("renewal-freq  = 61", "renewal-freq  = 60"),
        "total amount of time to retry sending packets cannot exceed renewal frequency",
    ),
    (GOOD + "foo\n", "Expected '=' after key"),
    (GOOD + "port =\n", "No value"),
    (GOOD + 'ticket = "a" b\n', "Surplus data after value"),
    (GOOD + 'ticket = "a\n', "Unterminated quoted string"),
    (GOOD + 'ticket = "a"\n  expire = 600 # c\n', "Expected time >0 for expire"),
    (GOOD + 'ticket = "a"\n  expire = 1s\n', "Expected time >0 for expire"),
    (GOOD + 'ticket = "a"\n  retries = 08\n', "Expected plain integer value in the range [3, 100]"),
    (GOOD + 'ticket = "a"\n  acquire-after = -1\n', "Expected time >=0 for acquire-after"),
    (GOOD + 'ticket = "a"\n  weights = 1,x\n', 'Invalid character at "x"'),
    (GOOD + 'ticket = "a"\n  attr-prereq = AUTO x eq y\n', "AUTO is not a grant type"),
    (GOOD + 'ticket = ""\n', 'ticket name "" used again.'),
    (GOOD + 'ticket = "' + "t" * 64 + '"\n', "too long."),
    (GOOD + 'ticket = "a"\nticket = "a"\n', 'ticket name "a" used again.'),
    (GOOD + "site = 10.0.0.1\n", "Got a site-ID collision"),
    ("site = ::1\nsite = 0::1\narbitrator = 10.0.0.3\n", "Got a site-ID collision"),
    ("transport = udp\ntransport = UDP\n" + GOOD, "config file has multiple transport lines"),
    ("transport = tcp\n" + GOOD, 'invalid transport protocol "tcp"'),
    ("enable-authfile = yes\n" + GOOD, 'Unexpected keyword "enable-authfile"'),
    # booth parses the rest of an over-long line as a line of its own
    (GOOD + "#" + "x" * 1100 + "\n", ("Expected '=' after key", "longer than 1022 bytes")),
    (
        GOOD + 'ticket = "__defaults__"\n  expire = 60\nticket = "a"\n  expire = 600\n',
        "total amount of time to retry sending packets",
    ),
    (GOOD + 'ticket = "__defaults__"\n  timeout = 30\nticket = "a"\n', "(30000*(10+1) >= 300000)"),
]


@pytest.mark.parametrize("text,booth_says", ORACLE_CASES)
def test_booth_agrees(tmp_path, text, booth_says):
    """syntax_errors() is empty exactly when the real booth accepts the file."""
    if _boothd() is None:
        # in CI a missing oracle is a failure (make deps installs it), not a skip
        (pytest.fail if os.environ.get("CI") else pytest.skip)("no boothd binary (set BOOTHD)")
    path = tmp_path / "oracle.conf"
    # A config that parses makes the client go on to read the authfile, which
    # does not exist: that error proves the parse succeeded, without any network.
    sep = "" if text.endswith("\n") or not text else "\n"
    path.write_text(text + sep + "authfile = /nonexistent-booth-oracle/key\n")
    proc = subprocess.run(
        [_boothd(), "list", "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    accepted = "cannot open /nonexistent-booth-oracle/key" in proc.stderr
    errors = bc.syntax_errors(bc.parse(text))
    if booth_says is None:
        assert accepted, proc.stderr
        assert errors == []
    else:
        booth_says, we_say = booth_says if isinstance(booth_says, tuple) else (booth_says,) * 2
        assert not accepted
        # bullseye's booth (1.0-237) names the problem without quoting the value
        assert booth_says in proc.stderr or re.sub(r' "[^"]*"', "", booth_says) in proc.stderr
        assert any(we_say in e for e in errors), errors


def test_edge_inputs_never_crash():
    # a trailing newline must not slip through the name rule ($ would allow it)
    assert bc.ticket_errors("abc\n", {})
    assert bc.ticket_errors("t", {"retries": "5\n"})
    # files read with errors="surrogateescape" (not UTF-8) still work
    text = GOOD + "# caf\udce9\n"
    assert bc.render(bc.parse(text)) == text
    assert bc.validate(conf(text)) == []
    assert bc.checksum(text) == hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
    # a port line below a ticket but above the peers is fine for booth
    assert bc.validate(conf('ticket = "a"\nport = 9930\n' + GOOD)) == []
