"""booth_config keeps the booth key in force (issue 28) through real
ansible-playbook: a booth.conf that pcs wrote on RHEL (with
`enable-authfile = yes`) is made one the installed booth reads and uses the
key of; where no booth is installed to ask (this host; the lab images have
one: scripts/generations.sh), the line stays as it is and the answer is
unknown. The installed booth is the judge of the file written."""

import shutil
import subprocess

from ansible_run import playbook, result

BOOTHD = shutil.which("boothd") or shutil.which("boothd", path="/usr/sbin:/sbin")
PCS_RHEL = (
    "authfile = /etc/booth/booth.key\n"
    "enable-authfile = yes\n"
    "site = 192.0.2.1\nsite = 192.0.2.2\narbitrator = 192.0.2.3\n"
)


def converge(tmp_path, check=False):
    task = {
        "hacluster.pacemaker.booth_config": {
            "config_file": str(tmp_path / "booth.conf"),
            "sites": ["192.0.2.1", "192.0.2.2"],
            "arbitrators": ["192.0.2.3"],
            "authfile": "/etc/booth/booth.key",
        }
    }
    rc, data, _proc = playbook(tmp_path, [task], check=check)
    assert rc == 0, data
    return result(data)


def test_a_file_pcs_wrote_on_rhel(tmp_path):
    conf = tmp_path / "booth.conf"
    conf.write_text(PCS_RHEL)
    preview = converge(tmp_path, check=True)
    assert conf.read_text() == PCS_RHEL
    res = converge(tmp_path)
    assert (preview["changed"], preview["authfile_in_force"]) == (
        res["changed"],
        res["authfile_in_force"],
    )
    if not BOOTHD:
        assert (res["changed"], res["authfile_in_force"]) == (False, None)
        assert conf.read_text() == PCS_RHEL
        return
    proc = subprocess.run(
        ["timeout", "3", BOOTHD, "status", "-c", str(conf)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Unexpected keyword" not in proc.stdout + proc.stderr, conf.read_text()
    assert res["authfile_in_force"] is True
    assert "authfile = /etc/booth/booth.key" in conf.read_text()
    assert converge(tmp_path)["changed"] is False
