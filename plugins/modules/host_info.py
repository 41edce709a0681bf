#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: host_info
short_description: Read in one call what the roles need to know about a cluster, remote or booth host
version_added: 0.3.0
description:
  - Read-only. Reports the platform facts (as C(setup) with C(gather_subset=min) would), which of the
    given packages are installed, whether the given systemd units are active and enabled, what
    firewalld has open, the owner, mode and SHA-256 of the given files, settings of an environment file
    and, on a cluster node, which nodes C(crm_mon) sees online.
  - The roles of this collection gather a host's state with this one task and skip every step whose
    result is already in place, so that a run that has nothing to change costs a few task rounds per
    host rather than one per step (each round is a connection round trip per host).
  - It never reads a key's bytes into its result; a file is reported by its SHA-256 fingerprint.
author:
  - hacluster.pacemaker contributors (@hacluster)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.facts
options:
  packages:
    description: Packages (Debian or RPM names) whose installed version to report in RV(packages).
    type: list
    elements: str
    default: []
  services:
    description: systemd units to report in RV(services).
    type: list
    elements: str
    default: []
  files:
    description: Files (or directories) to report in RV(files). Symlinks are followed.
    type: list
    elements: path
    default: []
  file_modes:
    description:
      - For files of O(files), the loosest mode each may have (an octal string such as V(0640)); the
        file's RV(files) entry then says in C(within_mode) whether its mode is as strict, the rule of
        M(hacluster.pacemaker.authkey) (a stricter mode is kept, a looser one changed).
    type: dict
    default: {}
  firewalld:
    description:
      - Report in RV(firewalld) what firewalld has open, at runtime and permanently.
      - Read in one go through firewalld's own Python client over D-Bus (as C(firewall-cmd) and
        M(ansible.posix.firewalld) read it) when the module's interpreter has firewalld's bindings; else
        through C(firewall-cmd), one call per question (an interpreter other than the system's, such as
        a newer Python on RHEL 8). Both report the same.
    type: bool
    default: false
  firewalld_zone:
    description: The firewalld zone to report; by default firewalld's default zone.
    type: str
  firewalld_service_ports:
    description:
      - Also report in RV(firewalld) the ports the zone's services open (C(service_ports)), as
        C(firewall-cmd --info-service) lists them; for example the C(high-availability) service opens
        booth's port in current firewalld versions.
    type: bool
    default: false
  firewalld_port_zones:
    description:
      - Also report in RV(firewalld) C(port_zones), every zone (not only O(firewalld_zone)) that
        opens each port as a port rule, at runtime or permanently (where a port a daemon left is
        still open).
    type: bool
    default: false
  env_files:
    description:
      - Environment files (such as C(/etc/sysconfig/pacemaker) or C(/etc/default/pacemaker)) to read
        O(env_names) from. A missing file sets nothing.
    type: list
    elements: path
    default: []
  env_names:
    description: Variables of O(env_files) whose settings to report in RV(env).
    type: list
    elements: str
    default: []
  daemons:
    description:
      - Running daemons to report in RV(daemons), that is whether each runs the files and environment it
        was configured with, as seen from the running process itself (not from what a run changed), so
        that a rerun after an interrupted run still restarts what is stale.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The daemon's key in RV(daemons), of the caller's choice.
        type: str
        required: true
      command:
        description: The program (the base name of its C(argv[0]), such as V(boothd) or V(pacemaker-remoted)).
        type: str
        required: true
      match:
        description:
          - Only processes one of whose arguments is one of these (paths compared after resolving
            symlinks), such as a booth instance's name and config path.
        type: list
        elements: str
        default: []
      files:
        description: Files the daemon reads only at start; one changed since the process started is stale.
        type: list
        elements: path
        default: []
      env:
        description: Environment variables whose values the running process holds, to report.
        type: list
        elements: str
        default: []
  cluster_status:
    description:
      - Report in RV(nodes) the nodes C(crm_mon) knows, with whether they are online. Only meaningful on
        a cluster node; elsewhere (or where lxml is missing) RV(nodes) is null.
    type: bool
    default: false
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
  platform:
    platforms: posix
  idempotent:
    description: Read-only; it never changes the host.
    support: full
notes:
  - The platform facts are C(os_family), C(distribution), C(distribution_version),
    C(distribution_major_version) and C(distribution_release), computed by ansible-core's own
    distribution collector.
"""

EXAMPLES = r"""
---
- name: Gather what the role needs, in one round
  hacluster.pacemaker.host_info:
    packages: [pacemaker-remote, resource-agents, pcs]
    services: [pacemaker_remote, pcsd]
    files: [/etc/pacemaker/authkey]
    firewalld: true
  register: host

- name: Install the packages only where one is missing
  ansible.builtin.package:
    name: [pacemaker-remote, resource-agents, pcs]
  when: host.packages.values() | select('none') | list | length > 0
"""

RETURN = r"""
packages:
  description: Each package of O(packages) with its installed version, or null when it is not installed.
  returned: always
  type: dict
  sample: {"pcs": "0.12.0-1", "pacemaker-remote": null}
services:
  description:
    - Each unit of O(services) with C(active), C(enabled) and C(exists) (booleans). C(enabled) means
      enabled for good (C(systemctl is-enabled) says V(enabled)), not only until the next boot.
  returned: always
  type: dict
  sample: {"pcsd": {"active": true, "enabled": true, "exists": true}}
files:
  description:
    - Each file of O(files) with C(exists), and when it exists C(sha256), C(size), C(owner), C(group) and
      C(mode) (an octal string such as V(0640)), and C(within_mode) for files of O(file_modes).
      A directory has C(owner), C(group) and C(mode) only.
  returned: always
  type: dict
firewalld:
  description:
    - C(state) is V(running), V(not running) or V(absent) (no firewall-cmd). When running, C(zone),
      C(runtime) and C(permanent), each with the C(services) and C(ports) (such as V(2224/tcp)) open in
      the zone and its C(rich_rules) as C(firewall-cmd --list-rich-rules) prints them, and with
      O(firewalld_service_ports) the C(service_ports) those services open; with O(firewalld_port_zones),
      C(port_zones), for each port rule (such as V(9929/udp)) the zones that hold it.
  returned: when O(firewalld=true)
  type: dict
env:
  description:
    - For each file of O(env_files), each name of O(env_names) with the list of values the file sets it
      to, in order (empty when unset).
  returned: always
  type: dict
  sample: {"/etc/default/pacemaker": {"PCMK_remote_port": ["3121"]}}
daemons:
  description:
    - Each daemon of O(daemons) with C(running), and when it runs C(pid) and C(started) (of its oldest
      matching process, seconds since the epoch), C(stale_files) (its O(daemons[].files) changed since
      then, by modification time), C(env) (each of its O(daemons[].env) names with the value the
      process holds, null when unset), C(ports) (what its matching processes listen on, such as
      V(9929/udp), of TCP sockets in the listening state and bound UDP ones) and C(ports_of_others) (what
      the other processes of the same O(daemons[].command) listen on, such as another booth instance).
  returned: always
  type: dict
  sample: {"remoted": {"running": true, "pid": 812, "started": 1764871200.5, "stale_files": [],
           "env": {"PCMK_remote_port": null}, "ports": ["3121/tcp"], "ports_of_others": []}}
nodes:
  description:
    - With O(cluster_status), each node C(crm_mon) knows with C(online), C(standby), C(type),
      C(id_as_resource) and C(attributes) (the node attributes C(crm_mon) shows, which it does for
      online nodes only); null when C(crm_mon) cannot tell (not a running cluster node).
  returned: when O(cluster_status=true)
  type: dict
maintenance_mode:
  description:
    - With O(cluster_status), whether the cluster runs with C(maintenance-mode=true) (nothing is
      started, stopped or monitored); null when C(crm_mon) cannot tell.
  returned: when O(cluster_status=true)
  type: bool
resources:
  description:
    - With O(cluster_status), the nodes each active resource runs on, by its id; a group, clone or bundle
      is listed by its own id too, with the nodes any of its members runs on. A resource that runs
      nowhere is not listed. Null when C(crm_mon) cannot tell.
  returned: when O(cluster_status=true)
  type: dict
  sample: {"booth-grp": ["node1"], "booth-ip": ["node1"], "booth-site": ["node1"]}
crm_mon_error:
  description: Why RV(nodes), RV(maintenance_mode) and RV(resources) are null.
  returned: when O(cluster_status=true)
  type: str
"""

import contextlib
import importlib.util
import io
import os
import re
import sys
import time

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _cib, _files, _status

PLATFORM_FACTS = (
    "os_family",
    "distribution",
    "distribution_version",
    "distribution_major_version",
    "distribution_release",
)


def distribution_facts(module):
    """What gather_facts says of the distribution, from Ansible's own collector.
    The package ansible.module_utils.facts imports every fact collector when it
    is imported (its __init__ imports facts.compat): a third of this module's
    start-up, paid on every host of every run, for one collector. The package
    is put in place without running its __init__; its submodules then import
    as usual. Should a later ansible-core need that __init__, the plain import
    runs."""
    package = "ansible.module_utils.facts"
    try:
        if package not in sys.modules:
            sys.modules[package] = importlib.util.module_from_spec(
                importlib.util.find_spec(package)
            )
        from ansible.module_utils.facts.system.distribution import DistributionFactCollector
    except ImportError:
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]
        from ansible.module_utils.facts.system.distribution import DistributionFactCollector
    return DistributionFactCollector().collect(module=module)


def packages(module, names):
    if not names:
        return {}
    found = dict.fromkeys(names)
    if module.get_bin_path("dpkg-query"):
        # a removed package keeps a "deinstall ... config-files" entry: only "installed" counts
        rc, out, _err = module.run_command(
            ["dpkg-query", "-W", "-f", "${Package}\t${db:Status-Status}\t${Version}\n"] + names
        )
        for line in out.splitlines():
            fields = line.split("\t")
            if len(fields) == 3 and fields[1] == "installed" and fields[0] in found:
                found[fields[0]] = fields[2]
    elif module.get_bin_path("rpm"):
        for name in names:  # rpm -q answers per name; "not installed" goes to stdout
            rc, out, _err = module.run_command(
                ["rpm", "-q", "--qf", "%{VERSION}-%{RELEASE}\n", name]
            )
            if rc == 0 and out.strip():
                found[name] = out.strip().splitlines()[-1]
    return found


def services(module, units):
    if not units:
        return {}
    result = {}
    systemctl = module.get_bin_path("systemctl")
    for unit in units:
        info = {"active": False, "enabled": False, "exists": False}
        if systemctl:
            rc, out, _err = module.run_command(
                [systemctl, "show", "--property=ActiveState,UnitFileState,LoadState", unit]
            )
            props = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
            info = {
                "active": props.get("ActiveState") == "active",
                # only a unit enabled for good: enabled-runtime is gone after a reboot
                "enabled": props.get("UnitFileState") == "enabled",
                "exists": props.get("LoadState") == "loaded",
            }
        result[unit] = info
    return result


def firewalld(module, zone, service_ports=False, port_zones=False):
    cmd = module.get_bin_path("firewall-cmd")
    if not cmd:
        return {"state": "absent"}
    client = _firewall_client()
    if client is None:
        return _firewalld_cli(module, cmd, zone, service_ports, port_zones)
    if not client.connected:
        return {"state": "not running"}
    try:
        return _firewalld_dbus(client, zone, service_ports, port_zones)
    except Exception as e:  # firewalld's own refusal, e.g. INVALID_ZONE: name
        message = e.get_dbus_message() if hasattr(e, "get_dbus_message") else str(e)
        module.fail_json(msg="firewalld: %s" % message, zone=zone)


def _firewall_client():
    """firewalld's own Python client (what firewall-cmd and ansible.posix's
    firewalld module use), connected over D-Bus; None when this interpreter
    has no firewalld bindings or cannot reach the system bus. One process
    asks everything: the command line costs a process per question (up to ten
    per host with service ports, ~0.2 s of CPU each)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it may print ("Not using slip.dbus")
            from firewall.client import FirewallClient

            return FirewallClient()
    except Exception:  # no bindings (ImportError), no D-Bus (DBusException, FirewallError)
        return None


def _rule_ports(settings):
    return ["%s/%s" % (port, proto) for port, proto in settings.getPorts()]


def _strings(values):
    return [str(v) for v in values]  # plain str, not dbus.String


def _firewalld_dbus(client, zone, service_ports, port_zones):
    zone = zone or str(client.getDefaultZone())
    config = client.config()
    result = {"state": "running", "zone": zone}
    readers = {
        "runtime": (client.getZoneSettings, client.getServiceSettings),
        "permanent": (
            lambda z: config.getZoneByName(z).getSettings(),
            lambda s: config.getServiceByName(s).getSettings(),
        ),
    }
    for where, (zone_settings, service_settings) in readers.items():
        settings = zone_settings(zone)
        lists = {
            # as firewall-cmd --list-all spells them
            "services": sorted(_strings(settings.getServices())),
            "ports": _rule_ports(settings),
            "rich_rules": _strings(settings.getRichRules()),
        }
        if service_ports:
            ports = []
            for service in lists["services"]:
                ports.extend(p for p in _rule_ports(service_settings(service)) if p not in ports)
            lists["service_ports"] = ports
        result[where] = lists
    if port_zones:
        found = {}
        for where, names in (("runtime", client.getZones()), ("permanent", config.getZoneNames())):
            for name in names:
                for port in _rule_ports(readers[where][0](name)):
                    found.setdefault(port, set()).add(str(name))
        result["port_zones"] = dict((port, sorted(zones)) for port, zones in found.items())
    return result


def _firewalld_cli(module, cmd, zone, service_ports, port_zones):
    """firewalld as firewall-cmd lists it: one process per question, each
    about 0.2 s of CPU here (the interpreter has no firewalld bindings)."""
    rc, out, _err = module.run_command([cmd, "--state"])
    if rc != 0:
        return {"state": "not running"}
    if not zone:
        rc, out, err = module.run_command([cmd, "--get-default-zone"], check_rc=True)
        zone = out.strip()
    result = {"state": "running", "zone": zone}
    for where, extra in (("runtime", []), ("permanent", ["--permanent"])):
        rc, out, err = module.run_command(
            [cmd] + extra + ["--zone", zone, "--list-all"], check_rc=True
        )
        lists = {"services": [], "ports": [], "rich_rules": []}
        in_rich = False
        for line in out.splitlines():
            # "rich rules:" comes last; each rule follows on a line of its own
            if in_rich and line.startswith("\t"):
                lists["rich_rules"].append(line.strip())
                continue
            key, sep, value = line.strip().partition(":")
            in_rich = bool(sep) and key == "rich rules"
            if sep and key in ("services", "ports"):
                lists[key] = value.split()
        result[where] = lists
        if service_ports:
            ports = []
            for service in result[where]["services"]:
                rc, out, err = module.run_command(
                    [cmd] + extra + ["--info-service", service], check_rc=True
                )
                for line in out.splitlines():
                    key, sep, value = line.strip().partition(":")
                    if sep and key == "ports":
                        ports.extend(p for p in value.split() if p not in ports)
            result[where]["service_ports"] = ports
    if port_zones:
        found = {}
        for extra in ([], ["--permanent"]):
            rc, out, err = module.run_command([cmd] + extra + ["--list-all-zones"], check_rc=True)
            current = None
            for line in out.splitlines():
                if line[:1].strip():  # a zone's name, such as "public (default, active)"
                    current = line.split()[0]
                elif current:
                    key, sep, value = line.strip().partition(":")
                    if sep and key == "ports":
                        for port in value.split():
                            found.setdefault(port, set()).add(current)
        result["port_zones"] = dict((port, sorted(zones)) for port, zones in found.items())
    return result


def env(path, names):
    found = dict((name, []) for name in names)
    try:
        # bytes: a hand-edited file may hold Latin-1 (say, in a comment)
        lines = _files.read_regular(path)[1].decode("utf-8", "replace").splitlines()
    except OSError:
        return found
    for line in lines:
        match = re.match(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$", line)
        if match and match.group(1) in found:
            found[match.group(1)].append(match.group(2).strip().strip("\"'"))
    return found


def _boot_time():
    """When the machine booted, in seconds since the epoch, to 10 ms (btime
    in /proc/stat is whole seconds: a file written just before a daemon
    started could look newer than the daemon)."""
    with open("/proc/uptime") as handle:
        return time.time() - float(handle.read().split()[0])


def _process(pid, booted):
    """(program names, arguments, start time in seconds since the epoch,
    environ dict) of a process, None when it is gone or unreadable. A daemon
    may rewrite its command line (boothd shows "boothd-site CONFIG site for
    ..."): its names are its executable's and argv[0]'s base names, its
    arguments every word of the command line."""
    try:
        with open("/proc/%s/cmdline" % pid, "rb") as handle:
            argv = [a.decode("utf-8", "replace") for a in handle.read().split(b"\0") if a]
        with open("/proc/%s/stat" % pid, "rb") as handle:
            # the fields after the command name, which may hold spaces and ')'
            fields = handle.read().rsplit(b")", 1)[1].split()
        with open("/proc/%s/environ" % pid, "rb") as handle:
            pairs = [e.partition(b"=") for e in handle.read().split(b"\0") if e]
        ticks = int(fields[19])  # starttime, field 22 of proc(5)
    except (OSError, IndexError, ValueError):
        return None
    if not argv:
        return None  # a kernel thread
    words = " ".join(argv).split()
    names = set([os.path.basename(words[0])])
    try:
        names.add(os.path.basename(os.readlink("/proc/%s/exe" % pid)))
    except OSError:
        pass
    started = booted + ticks / float(os.sysconf("SC_CLK_TCK"))
    environ = dict(
        (k.decode("utf-8", "replace"), v.decode("utf-8", "replace")) for k, _s, v in pairs
    )
    return names, words[1:], started, environ


def _matches(words, wanted):
    if not wanted:
        return True
    real = set(os.path.realpath(w) for w in wanted if w.startswith("/"))
    return any(a in wanted or (a.startswith("/") and os.path.realpath(a) in real) for a in words)


# /proc/net/{tcp,udp}[6]: a TCP socket in state 0A listens; a UDP socket in
# state 07 (not connected) is bound and waits for datagrams
_LISTENING = {"tcp": "0A", "udp": "07"}


def _listening(pid):
    """{socket inode: 'PORT/PROTO'} of the sockets a process's network
    namespace listens on (what `ss -l` shows), or {} when unreadable."""
    found = {}
    for proto, state in _LISTENING.items():
        for table in (proto, proto + "6"):
            try:
                _st, data = _files.read_regular("/proc/%s/net/%s" % (pid, table))
            except OSError:
                continue
            for line in data.decode("ascii", "replace").splitlines()[1:]:
                f = line.split()
                try:
                    port = int(f[1].rsplit(":", 1)[1], 16) if len(f) > 9 and f[3] == state else 0
                except ValueError:
                    port = 0
                if port:
                    found[f[9]] = "%d/%s" % (port, proto)
    return found


def _ports(pid, listening):
    """The ports of `listening` whose socket the process holds open."""
    ports = set()
    try:
        fds = os.listdir("/proc/%s/fd" % pid)
    except OSError:
        return ports
    for fd in fds:
        try:
            target = os.readlink("/proc/%s/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in listening:
            ports.add(listening[target[8:-1]])
    return ports


def daemons(specs):
    """Whether each daemon runs what it was configured with, read from /proc."""
    if not specs:
        return {}
    procs = []
    booted = _boot_time()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            found = _process(pid, booted)
            if found:
                procs.append((int(pid),) + found)
    listening = None
    result = {}
    for spec in specs:
        name = spec["name"]
        same = [p for p in procs if spec["command"] in p[1]]
        mine = sorted(
            (started, pid, environ)
            for pid, names, words, started, environ in same
            if _matches(words, spec["match"] or [])
        )
        if not mine:
            result[name] = {"running": False}
            continue
        started, pid, environ = mine[0]
        if listening is None:  # one network namespace: the daemons' own
            listening = _listening(pid)
        others = set()
        for p in same:
            if p[0] not in [m[1] for m in mine]:
                others |= _ports(p[0], listening)
        stale = []
        for path in spec["files"] or []:
            try:
                if os.stat(path).st_mtime > started:
                    stale.append(path)
            except OSError:
                pass
        result[name] = {
            "running": True,
            "pid": pid,
            "started": started,
            "stale_files": stale,
            "env": dict((k, environ.get(k)) for k in spec["env"] or []),
            "ports": sorted(set().union(*[_ports(m[1], listening) for m in mine])),
            "ports_of_others": sorted(others),
        }
    return result


def cluster_status(module):
    """crm_mon's Monitor, or None and why not."""
    if not _cib.HAS_LXML:
        return None, "lxml is not installed"
    if not module.get_bin_path("crm_mon"):
        return None, "crm_mon is not installed"
    return _status.monitor_of(module.run_command)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            packages=dict(type="list", elements="str", default=[]),
            services=dict(type="list", elements="str", default=[]),
            files=dict(type="list", elements="path", default=[]),
            file_modes=dict(type="dict", default={}),
            firewalld=dict(type="bool", default=False),
            firewalld_zone=dict(type="str"),
            firewalld_service_ports=dict(type="bool", default=False),
            firewalld_port_zones=dict(type="bool", default=False),
            env_files=dict(type="list", elements="path", default=[]),
            env_names=dict(type="list", elements="str", default=[]),
            daemons=dict(
                type="list",
                elements="dict",
                default=[],
                options=dict(
                    name=dict(type="str", required=True),
                    command=dict(type="str", required=True),
                    match=dict(type="list", elements="str", default=[]),
                    files=dict(type="list", elements="path", default=[]),
                    env=dict(type="list", elements="str", default=[]),
                ),
            ),
            cluster_status=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    modes = {}
    for path, mode in p["file_modes"].items():
        modes[path], problem = _files.octal_mode(mode, "file_modes[%s]" % path)
        if problem:
            module.fail_json(msg=problem)
    facts = distribution_facts(module)
    result = dict(
        changed=False,
        ansible_facts=dict((k, facts[k]) for k in PLATFORM_FACTS if k in facts),
        packages=packages(module, p["packages"]),
        services=services(module, p["services"]),
        files=_files.describe(p["files"], modes),
        env=dict((path, env(path, p["env_names"])) for path in p["env_files"]),
        daemons=daemons(p["daemons"]),
    )
    if p["firewalld"]:
        result["firewalld"] = firewalld(
            module, p["firewalld_zone"], p["firewalld_service_ports"], p["firewalld_port_zones"]
        )
    if p["cluster_status"]:
        monitor, result["crm_mon_error"] = cluster_status(module)
        result["nodes"] = monitor and monitor.nodes
        result["maintenance_mode"] = monitor and monitor.maintenance_mode
        result["resources"] = monitor and monitor.running
    module.exit_json(**result)


if __name__ == "__main__":
    main()
