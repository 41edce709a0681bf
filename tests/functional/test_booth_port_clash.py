"""booth_config refuses a port another booth instance beside it already uses
for one of the same addresses (boothd binds its address and the port: on the
host holding that address the second daemon could not start, which the lab
met as an arbitrator whose boothd exited right after its restart). Refused
before anything is written; every other case is written as before. Through
real ansible-playbook on files."""

import pytest
from ansible_run import one_play, playbook, result

SECOND = "site = 192.0.2.11\nsite = 192.0.2.12\narbitrator = 192.0.2.3\nport = 9930\n"


def task(directory, **args):
    return {
        "hacluster.pacemaker.booth_config": dict(
            {
                "config_file": str(directory / "booth.conf"),
                "sites": ["192.0.2.1", "192.0.2.2"],
                "arbitrators": ["192.0.2.3"],
            },
            **args,
        )
    }


def run(tmp_path, **args):
    rc, data, _proc = playbook(tmp_path, [task(tmp_path, **args)])
    return rc, result(data)


CLASHES = [
    ({"port": 9930}, SECOND, "192.0.2.3"),
    # the same address in another spelling is the same address
    (
        {"port": 9930, "arbitrators": ["2001:db8::3"]},
        SECOND.replace("192.0.2.3", "2001:DB8:0::3"),
        "2001:DB8:0::3",
    ),
    # booth's default port on both sides, written or not
    ({}, "site = 192.0.2.1\nsite = 192.0.2.9\narbitrator = 192.0.2.8\n", "192.0.2.1"),
    ({"port": 9929}, SECOND.replace("9930", "9929"), "192.0.2.3"),
    (
        {"sites": ["site-a.example", "192.0.2.2"], "allow_hostnames": True, "port": 9930},
        SECOND.replace("192.0.2.11", "SITE-A.example"),
        "SITE-A.example",
    ),
]


def _beside(directory, case):
    args, other = case[:2]
    (directory / "second.conf").write_text(other)
    return [task(directory, **args)]


@pytest.fixture(scope="module")
def clashes(tmp_path_factory):
    return one_play(tmp_path_factory, "clash", CLASHES, _beside)


@pytest.mark.parametrize("case", range(len(CLASHES)), ids=[str(c[0]) for c in CLASHES])
def test_a_port_in_use_for_a_shared_address_is_refused_before_any_write(clashes, case):
    args, other, clash = CLASHES[case]
    directory, (res,) = clashes[case]
    assert res["failed"], res
    assert res["msg"].startswith(
        "port: %s is also the port of booth instance 'second'" % args.get("port", 9929)
    )
    assert clash in res["msg"] and str(directory / "second.conf") in res["msg"]
    assert not (directory / "booth.conf").exists()
    assert (directory / "second.conf").read_text() == other


NO_CLASHES = [
    ({"port": 9931}, SECOND),  # another port
    ({"port": 9930}, SECOND.replace("192.0.2.3", "192.0.2.4")),  # no address in common
    ({"port": 9930}, "not a booth config =\n\x00"),  # booth could not load it either
]


@pytest.fixture(scope="module")
def no_clashes(tmp_path_factory):
    # each case twice: written, then unchanged
    return one_play(tmp_path_factory, "no-clash", NO_CLASHES, lambda d, c: _beside(d, c) * 2)


@pytest.mark.parametrize("case", range(len(NO_CLASHES)), ids=[str(c[0]) for c in NO_CLASHES])
def test_other_instances_that_do_not_clash_are_fine(no_clashes, case):
    _directory, (first, again) = no_clashes[case]
    assert not first.get("failed") and first["changed"], first
    assert not again.get("failed") and again["changed"] is False, again


def test_its_own_file_through_a_symlink_is_not_another_instance(tmp_path):
    rc, res = run(tmp_path, port=9930)
    assert rc == 0, res
    (tmp_path / "alias.conf").symlink_to(tmp_path / "booth.conf")
    rc, res = run(tmp_path, port=9930)
    assert rc == 0 and not res["changed"], res


BEFORE = [
    (None, None),  # no booth.conf yet
    ("site = 192.0.2.1\nsite = 192.0.2.2\narbitrator = 192.0.2.3\n", 9929),  # booth's default
    ("site = 192.0.2.1\nsite = 192.0.2.2\narbitrator = 192.0.2.3\nport = 9940\n", 9940),
    ("port = 9941\nsite = 192.0.2.1\n", 9941),  # a file booth could not load still names it
]


def _port_runs(directory, case):
    """check mode, the run, a second run"""
    before = case[0]
    if before is not None:
        (directory / "booth.conf").write_text(before)
    return [dict(task(directory, port=9950), check_mode=check) for check in (True, False, False)]


@pytest.fixture(scope="module")
def ports_before(tmp_path_factory):
    return one_play(tmp_path_factory, "port-before", BEFORE, _port_runs)


@pytest.mark.parametrize("case", range(len(BEFORE)), ids=[str(c[1]) for c in BEFORE])
def test_port_before_is_what_the_file_named(ports_before, case):
    """The port booth.conf named before the task (the booth role closes it in
    the firewall when booth leaves it), in check mode and in the run."""
    port_before = BEFORE[case][1]
    _directory, (checked, ran, again) = ports_before[case]
    for res in (checked, ran):
        assert not res.get("failed") and res["port_before"] == port_before, res
    assert again["port_before"] == 9950
