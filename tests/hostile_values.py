"""Hostile values and fixtures' contents shared by the unit tests and the
ansible-playbook suites."""

DUMMY = '<primitive id="%s" class="ocf" provider="pacemaker" type="Dummy"/>'
BOOTH_CONF = """# sites and arbitrator
transport = UDP
port = 9929
site = 192.0.2.1
site = 192.0.2.2
arbitrator = 192.0.2.3
ticket = "T1"
  expire = 600
"""
# the modules, short
R, G, B, C, K = (
    "hacluster.pacemaker.pacemaker_remote_node",
    "hacluster.pacemaker.guest_node",
    "hacluster.pacemaker.booth_ticket",
    "hacluster.pacemaker.booth_config",
    "hacluster.pacemaker.authkey",
)

# valid ISO 8601, but Pacemaker's scheduler reads a date part a day short
# (test_pacemaker_reads_a_date_part_a_day_short shows it)
DATE_PART = ["P1D", "P1W", "P1DT1H", "P2DT3H4M5S", "P0D", "P1Y", "P1M", "P1M1D"]
# valid in 2.0 and 2.1 (read as 0), refused by Pacemaker 3.0 (iso8601 -D: "Invalid duration")
ZERO_ISO = ["PT0S", "PT0M", "PT0H0M0S"]
REFUSED = (
    DATE_PART
    + ZERO_ISO
    + [
        "",
        " ",
        "P",
        "PT",
        "P1",
        "P1DT",
        "pt5m",
        "PT5m",
        "PT1.5S",
        "PT5M1H",
        "PT-5M",
        "P-1D",
        "PT+5M",
        "PT5M junk",
        "PT5M/PT1M",
        "1.5s",
        "-5s",
        "+5s",
        "5 minutes",
        "5minutes",
        "60x",
        "s",
        "ms",
        "0x10",
        "1e3",
        "\u0666\u0660",  # Arabic-Indic "60": Pacemaker reads no number
        "\uff16\uff10",  # full-width "60"
        "60\x00",
        "\x1b[31m60",
        "60\u00a0s",  # no-break space
        "PT597H",  # longer than Pacemaker's millisecond fields
        "PT2147484S",
        "2147484s",
        "99999999999999999999",
    ]
)
