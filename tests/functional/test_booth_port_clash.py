"""booth_config refuses a port another booth instance beside it already uses
for one of the same addresses (boothd binds its address and the port: on the
host holding that address the second daemon could not start, which the lab
met as an arbitrator whose boothd exited right after its restart). Refused
before anything is written; every other case is written as before. Through
real ansible-playbook on files."""

import pytest
from ansible_run import playbook, result

SECOND = "site = 192.0.2.11\nsite = 192.0.2.12\narbitrator = 192.0.2.3\nport = 9930\n"


def run(tmp_path, **args):
    task = {
        "hacluster.pacemaker.booth_config": dict(
            {
                "config_file": str(tmp_path / "booth.conf"),
                "sites": ["192.0.2.1", "192.0.2.2"],
                "arbitrators": ["192.0.2.3"],
            },
            **args,
        )
    }
    rc, data, _proc = playbook(tmp_path, [task])
    return rc, result(data)


@pytest.mark.parametrize(
    "args, other, clash",
    [
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
    ],
)
def test_a_port_in_use_for_a_shared_address_is_refused_before_any_write(
    tmp_path, args, other, clash
):
    (tmp_path / "second.conf").write_text(other)
    rc, res = run(tmp_path, **args)
    assert rc != 0 and res["failed"], res
    assert res["msg"].startswith(
        "port: %s is also the port of booth instance 'second'" % args.get("port", 9929)
    )
    assert clash in res["msg"] and str(tmp_path / "second.conf") in res["msg"]
    assert not (tmp_path / "booth.conf").exists()
    assert (tmp_path / "second.conf").read_text() == other


@pytest.mark.parametrize(
    "args, other",
    [
        ({"port": 9931}, SECOND),  # another port
        ({"port": 9930}, SECOND.replace("192.0.2.3", "192.0.2.4")),  # no address in common
        ({"port": 9930}, "not a booth config =\n\x00"),  # booth could not load it either
    ],
)
def test_other_instances_that_do_not_clash_are_fine(tmp_path, args, other):
    (tmp_path / "second.conf").write_text(other)
    rc, res = run(tmp_path, **args)
    assert rc == 0 and res["changed"], res
    assert run(tmp_path, **args)[1]["changed"] is False


def test_its_own_file_through_a_symlink_is_not_another_instance(tmp_path):
    rc, res = run(tmp_path, port=9930)
    assert rc == 0, res
    (tmp_path / "alias.conf").symlink_to(tmp_path / "booth.conf")
    rc, res = run(tmp_path, port=9930)
    assert rc == 0 and not res["changed"], res


@pytest.mark.parametrize(
    "before, port_before",
    [
        (None, None),  # no booth.conf yet
        ("site = 192.0.2.1\nsite = 192.0.2.2\narbitrator = 192.0.2.3\n", 9929),  # booth's default
        ("site = 192.0.2.1\nsite = 192.0.2.2\narbitrator = 192.0.2.3\nport = 9940\n", 9940),
        ("port = 9941\nsite = 192.0.2.1\n", 9941),  # a file booth could not load still names it
    ],
)
def test_port_before_is_what_the_file_named(tmp_path, before, port_before):
    """The port booth.conf named before the task (the booth role closes it in
    the firewall when booth leaves it), in check mode and in the run."""
    if before is not None:
        (tmp_path / "booth.conf").write_text(before)
    for check in (True, False):
        task = {
            "hacluster.pacemaker.booth_config": {
                "config_file": str(tmp_path / "booth.conf"),
                "sites": ["192.0.2.1", "192.0.2.2"],
                "arbitrators": ["192.0.2.3"],
                "port": 9950,
            },
            "check_mode": check,
        }
        rc, data, _proc = playbook(tmp_path, [task])
        res = result(data)
        assert rc == 0 and res["port_before"] == port_before, res
    rc, data, _proc = playbook(tmp_path, [task])
    assert result(data)["port_before"] == 9950
