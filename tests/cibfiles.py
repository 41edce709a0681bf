"""Real CIB files made and checked with Pacemaker's own tools (CIB_file mode)."""

import os
import subprocess

from lxml import etree


def tool(cib_path, *args, check=True, data=None):
    """Run a Pacemaker CLI tool against a CIB file."""
    env = dict(os.environ, CIB_file=str(cib_path))
    proc = subprocess.run(args, env=env, input=data, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {proc.returncode}: {proc.stderr}")
    return proc


def new_cib(path, *resources):
    """An empty CIB from cibadmin --empty, stonith disabled, with primitives."""
    path.write_text(
        subprocess.run(["cibadmin", "--empty"], capture_output=True, text=True, check=True).stdout
    )
    tool(
        path,
        "crm_attribute",
        "--type",
        "crm_config",
        "--name",
        "stonith-enabled",
        "--update",
        "false",
    )
    for xml in resources:
        tool(path, "cibadmin", "--create", "--scope", "resources", "--xml-text", xml)
    return path


def verify(path):
    """crm_verify must accept the CIB (warnings allowed, errors not)."""
    proc = tool(path, "crm_verify", "--live-check", check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def epoch(path):
    return etree.parse(str(path)).getroot().get("epoch")


def canonical(element):
    """Structure for comparison: tag, sorted attributes, children in order."""
    return (
        element.tag,
        tuple(sorted(element.attrib.items())),
        tuple(canonical(c) for c in element if isinstance(c.tag, str)),
    )


def config_of(path):
    return (
        etree.parse(str(path), etree.XMLParser(remove_blank_text=True))
        .getroot()
        .find("configuration")
    )


def pcs_version():
    """(major, minor) of the pcs on PATH, e.g. (0, 10)."""
    out = subprocess.run(["pcs", "--version"], capture_output=True, text=True, check=False).stdout
    return tuple(int(x) for x in out.strip().split(".")[:2])


def pcs_role(role):
    """``role`` as this pcs accepts it: pcs 0.10 (Pacemaker 2.0) knows only
    Master/Slave, later ones take Promoted/Unpromoted."""
    if pcs_version() < (0, 11):
        return {"Promoted": "Master", "Unpromoted": "Slave"}.get(role, role)
    return role
