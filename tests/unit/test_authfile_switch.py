"""The booth key in force (issue 28): RHEL's booth builds use the authfile only
with `enable-authfile = yes`, upstream booth refuses that line. The installed
booth is asked which kind it is (_booth.authfile_switch), and booth.conf gets
the line where booth needs it and loses it where booth refuses it.

The real booth answers where one is installed (scripts/generations.sh runs
this file in the lab images: booth 1.2 on trixie, 1.0 on bookworm and
bullseye, all upstream); the answers of the other kind, which no lab image
carries, come from stand-ins that print what such a booth prints."""

import os
import shutil
import subprocess
import tempfile

import pytest
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth_conf as bc

BOOTHD = shutil.which("boothd") or shutil.which("boothd", path="/usr/sbin:/sbin")
needs_booth = pytest.mark.skipif(
    not BOOTHD, reason="no booth here (scripts/generations.sh runs this in the lab images)"
)
PCS_RHEL = (
    "authfile = /etc/booth/booth.key\n"
    "enable-authfile = yes\n"
    "site = 192.0.2.1\nsite = 192.0.2.2\narbitrator = 192.0.2.3\n"
)
NO_SWITCH = PCS_RHEL.replace("enable-authfile = yes\n", "")


def run(args, env=None, data=None):
    proc = subprocess.run(args, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def booth_reads(tmp_path, text):
    """What the installed booth says of a config: False if it refuses it."""
    path = tmp_path / "check.conf"
    path.write_text(text)
    _rc, out, err = run(["timeout", "3", BOOTHD, "status", "-c", str(path)])
    return not any(m in out + err for m in ("Unexpected keyword", "cannot read config"))


@needs_booth
def test_the_installed_booth_is_asked(tmp_path):
    switch = _booth.authfile_switch(run, BOOTHD)
    assert switch is not None
    # the answer is what this booth does with a config holding the line
    assert booth_reads(tmp_path, PCS_RHEL) is switch


@needs_booth
def test_a_file_from_pcs_on_rhel_is_made_readable_for_this_booth(tmp_path):
    switch = _booth.authfile_switch(run, BOOTHD)
    config = bc.parse(PCS_RHEL)
    in_force = _booth.plan_authfile_switch(config, switch)
    assert booth_reads(tmp_path, bc.render(config))
    assert in_force is True


def stand_in(tmp_path, script):
    path = tmp_path / "boothd"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    "script, switch",
    [
        # booth 1.2 and 1.0 upstream builds
        (
            "echo 'ERROR: Unexpected keyword \"enable-authfile\" in config file line 4' >&2\nexit 1",
            False,
        ),
        ("echo 'ERROR: Unexpected keyword in config file line 4' >&2\nexit 1", False),
        # a build that reads the line: 1.2 leaves at once (not a member),
        # 1.0 waits (cut off by the time bound)
        ("exit 7", True),
        ("sleep 30", True),
        # refused for another reason, or no booth at all: unknown
        ("echo 'ERROR: Unexpected keyword \"site\" in config file line 1' >&2\nexit 1", None),
        ("echo 'ERROR: cannot read config' >&2\nexit 1", None),
    ],
)
def test_each_answer_of_booth(tmp_path, script, switch):
    assert _booth.authfile_switch(run, stand_in(tmp_path, script)) is switch


def test_no_booth_installed(tmp_path):
    assert _booth.authfile_switch(run, str(tmp_path / "nowhere" / "boothd")) is None


def test_the_probe_leaves_no_file(tmp_path, monkeypatch):
    # the probe's own temporary directory: /tmp is shared with the other
    # suite's run side by side (scripts/generations.sh), whose probes come and go
    probes = tmp_path / "tmp"
    probes.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(probes))
    seen = tmp_path / "seen"
    for script in ("exit 7", "sleep 30"):  # an answer, and one cut off by the time bound
        # the stand-in notes the config it was given (boothd status -c PATH)
        _booth.authfile_switch(run, stand_in(tmp_path, 'echo "$3" >> %s\n%s' % (seen, script)))
    given = seen.read_text().split()
    assert len(given) == 2 and all(os.path.dirname(p) == str(probes) for p in given), given
    assert not os.listdir(str(probes))


@pytest.mark.parametrize(
    "text, switch, after, in_force",
    [
        # a booth that needs the line: written below the authfile, as pcs does
        (NO_SWITCH, True, PCS_RHEL, True),
        (PCS_RHEL, True, PCS_RHEL, True),
        (PCS_RHEL.replace("= yes", "= no"), True, PCS_RHEL, True),
        # no authfile: nothing to switch on
        (NO_SWITCH.replace("authfile = /etc/booth/booth.key\n", ""), True, None, False),
        # upstream booth would not read the file with the line
        (PCS_RHEL, False, NO_SWITCH, True),
        (NO_SWITCH, False, NO_SWITCH, True),
        # booth could not be asked: as it is, and unknown
        (PCS_RHEL, None, PCS_RHEL, None),
        (NO_SWITCH, None, NO_SWITCH, None),
    ],
)
def test_the_line_follows_this_booth(text, switch, after, in_force):
    config = bc.parse(text)
    assert _booth.plan_authfile_switch(config, switch) is in_force
    assert bc.render(config) == (text if after is None else after)
    # and once more: nothing left to do
    again = bc.parse(bc.render(config))
    _booth.plan_authfile_switch(again, switch)
    assert bc.render(again) == bc.render(config)
