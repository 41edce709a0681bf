# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Booth on the managed node: booth.conf file I/O and the booth client."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os
import re
import tempfile
import time

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _booth_conf as bc
from ansible_collections.hacluster.pacemaker.plugins.module_utils import (
    _files,
    _poll,
    _tickets,
    _validate,
)
from ansible_collections.hacluster.pacemaker.plugins.module_utils._cib import (
    CibError,
    nvpairs,
    section,
    set_nvpairs,
)
from ansible_collections.hacluster.pacemaker.plugins.module_utils._nodes import _remove_resource

try:
    from lxml import etree
except ImportError:  # pragma: no cover - reported by the module
    etree = None

# booth's src/ticket.c: "ticket: %s, leader: %s[, expires: %s]"
_LIST_LINE = re.compile(r"ticket: ([^,]+), leader: ([^,\s]+)(?:, expires: ([^,(]+))?")

# module option -> booth.conf ticket option
TICKET_OPTIONS = (
    ("expire", "expire"),
    ("timeout", "timeout"),
    ("retries", "retries"),
    ("renewal_freq", "renewal-freq"),
    ("acquire_after", "acquire-after"),
    ("weights", "weights"),
    ("mode", "mode"),
    ("before_acquire_handler", "before-acquire-handler"),
)


def config_path(instance, path=None):
    return path or "/etc/booth/%s.conf" % instance


def read_config(target, missing_ok=False):
    """The text of booth.conf (a _files.FileTarget, read once; None when
    missing, also with its directory, and missing_ok). booth.conf must be
    UTF-8: a file that is not is refused before anything is planned or written."""
    try:
        data = target.read(missing_ok=missing_ok, parents=missing_ok)
    except _files.FileError as exc:
        raise CibError(
            "%s (create booth.conf first, e.g. with the hacluster.pacemaker.booth role)" % exc
            if not os.path.lexists(target.path)
            else str(exc)
        )
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CibError(
            "%s: %s is not UTF-8 text (byte 0x%02x on line %d); refusing to edit it: "
            "fix or remove that byte first" % (target.option, target.path, data[exc.start], line)
        )


def prepare_config(target, text, parents=False):
    """Stage booth.conf's new text (pcs writes it 0644 root when new)."""
    target.prepare(
        text.encode("utf-8"),
        mode=None if target.before is not None else 0o644,
        parents=parents,
    )


def ticket_options(item):
    """The booth.conf options an item asks for: {key: value}, a value of
    None removing the option (remove_options); options not named are left."""
    options = dict(
        (key, None)
        for option, key in TICKET_OPTIONS
        if option in (item.get("remove_options") or ())
    )
    for option, key in TICKET_OPTIONS:
        value = item.get(option)
        if value is None:
            continue
        if option == "weights":
            value = ",".join(str(w) for w in value)
        options[key] = str(value)
    return options


def plan_config(text, items, option="tickets"):
    """New booth.conf text for items, and errors. Refuses a file booth would
    reject: a corrupted config is reported, never overwritten with a guess."""
    config = bc.parse(text)
    broken = bc.syntax_errors(config, extra_keys=(bc.AUTHFILE_SWITCH,))
    if broken:
        return text, [
            "config_file: booth would reject the current file, refusing to edit it: "
            + "; ".join(broken)
        ]
    errors = []
    peer_count = len(bc.peers(config)) or None
    for item in items:
        label = _validate.item_label(option, item["name"])
        if item.get("state", "present") == "absent":
            bc.remove_ticket(config, item["name"])
            continue
        both = [o for o in item.get("remove_options") or () if item.get(o) is not None]
        if both:
            errors.append(
                "%sremove_options: %s also given a value; remove an option or set it, not both"
                % (label, ", ".join("'%s'" % o for o in both))
            )
            continue
        options = ticket_options(item)
        # the ticket as it will be: booth's timing rule spans old and new options
        merged = dict(bc.ticket_options(config, item["name"]) or {}, **options)
        merged = dict((k, val) for k, val in merged.items() if val is not None)
        problems = bc.ticket_errors(
            item["name"],
            merged,
            peer_count=peer_count,
            defaults=bc.ticket_options(config, bc.DEFAULTS_TICKET),
        )
        if problems:
            errors.extend(problems)  # they name the ticket and booth's option
            continue
        bc.set_ticket(config, item["name"], options)
        site = item.get("site")
        if site and bc.sites(config) and site not in bc.sites(config):
            errors.append(
                "%ssite: '%s' is not a site in booth.conf (sites: %s)"
                % (label, site, ", ".join(bc.sites(config)))
            )
    new = bc.render(config)
    if not errors:
        errors = [
            "config_file: " + e
            for e in bc.syntax_errors(bc.parse(new), extra_keys=(bc.AUTHFILE_SWITCH,))
        ]
    return new, errors


# A config that only booth builds knowing AUTHFILE_SWITCH can read, the line
# on line 4 (booth 1.0 builds name no keyword: "Unexpected keyword in config
# file line 4"); documentation addresses: no host finds itself in them
_SWITCH_PROBE = (
    'site = 192.0.2.1\nsite = 192.0.2.2\narbitrator = 192.0.2.3\n%s = yes\nticket = "probe"\n'
    % bc.AUTHFILE_SWITCH
)
_REFUSED_SWITCH = re.compile(
    r'Unexpected keyword (?:"%s" )?in config file line 4\b' % bc.AUTHFILE_SWITCH
)
# booth parses its config at once; what it does next with a config it is no
# member of differs (1.2 exits 7, 1.0 waits), so a wait this long means read
SWITCH_PROBE_SECONDS = 3


def authfile_switch(run, command="boothd"):
    """Whether this host's booth uses its authfile only with `enable-authfile
    = yes` (True: RHEL's builds since CVE-2022-2553, where pcs reports
    BoothAuthfileNotUsed without it) or refuses that line (False: upstream
    booth, which uses the authfile always). Asked of the installed booth
    itself, which parses a config holding the line (`boothd status`, bounded
    in time), not guessed from the distribution. None when booth cannot be
    asked or refuses the probe for another reason."""
    fd, path = tempfile.mkstemp(prefix="hacluster-booth-probe-", suffix=".conf")
    try:
        os.write(fd, _SWITCH_PROBE.encode("ascii"))
        os.close(fd)
        rc, out, err = run(
            ["timeout", "-k", "2", str(SWITCH_PROBE_SECONDS), command, "status", "-c", path]
        )
    except OSError:
        return None
    finally:
        os.unlink(path)
    answer = "%s %s" % (out, err)
    if _REFUSED_SWITCH.search(answer):
        return False
    if rc in (126, 127) or "cannot read config" in answer or "Unexpected keyword" in answer:
        return None
    return True


def plan_authfile_switch(config, switch):
    """Make booth.conf's enable-authfile line what this host's booth needs
    (switch from authfile_switch): yes beside an authfile where booth needs
    it, none where booth refuses it (upstream booth would not start with it),
    as it is where booth could not be asked. Returns whether booth will use
    the authfile (None: unknown)."""
    if switch is False:
        bc.set_global(config, bc.AUTHFILE_SWITCH, None)
    elif switch and bc.authfile(config) is not None:
        bc.set_global(config, bc.AUTHFILE_SWITCH, "yes")
    return authfile_in_force(config, switch)


def authfile_in_force(config, switch):
    """Whether booth will use the authfile of this config, on a host whose
    booth needs enable-authfile (switch True), refuses it (False: upstream
    booth would not even read a config holding it) or could not be asked
    (None: unknown, unless there is no authfile at all)."""
    if bc.authfile(config) is None:
        return False
    if switch is None:
        return None
    if switch is False:
        return bc.get_global(config, bc.AUTHFILE_SWITCH) is None
    return bc.get_global(config, bc.AUTHFILE_SWITCH) == "yes"


BOOTH_DEFAULTS = {"transport": "UDP", "port": str(bc.DEFAULT_PORT)}


def port_of(text):
    """The port a booth.conf text names (booth's default when none), or None
    for no text or a port that is not one."""
    if text is None:
        return None
    port = bc.get_global(bc.parse(text), "port", str(bc.DEFAULT_PORT))
    return int(port) if _validate.is_port(port) else None


def plan_globals(old_text, p, switch=None):
    """booth_config's planner (p: its options): booth.conf with the
    requested globals and peers, what booth or our rules would refuse, and
    whether booth will use the authfile (switch: whether this host's booth
    needs enable-authfile, authfile_switch). A file booth would reject is
    never rewritten. (plan_config is booth_ticket's, for the tickets.)"""
    broken = _validate.collect(
        *(
            [_validate.check_line("sites", a) for a in p["sites"]]
            + [_validate.check_line("arbitrators", a) for a in p["arbitrators"]]
            + [_validate.check_line("authfile", p["authfile"])]
        )
    )
    if broken:
        return old_text, broken, None
    broken = bc.member_errors(p["sites"], p["arbitrators"], p["authfile"], p["allow_hostnames"])
    if broken:
        return old_text, broken, None
    broken = _validate.collect(_validate.check_port("port", p["port"]))
    if broken:
        return old_text, broken, None
    globals_ = dict(transport=p["transport"], port=str(p["port"]), authfile=p["authfile"])
    if old_text is None:
        config = bc.build(p["sites"], p["arbitrators"], **globals_)
    else:
        config = bc.parse(old_text)
        broken = bc.syntax_errors(config, extra_keys=(bc.AUTHFILE_SWITCH,))
        if broken:
            return (
                old_text,
                [
                    "config_file: booth would reject the current file, refusing to "
                    "edit it: " + "; ".join(broken)
                ],
                None,
            )
        for key, value in globals_.items():
            # pcs booth setup writes no transport or port line: booth's defaults
            # (UDP, 9929) need none, and adding them would restart booth for nothing
            if bc.get_global(config, key) is None and BOOTH_DEFAULTS.get(key) == value:
                continue
            bc.set_global(config, key, value)
        bc.set_peers(config, p["sites"], p["arbitrators"])
    # after the file's own problems, which are the first to fix
    broken = port_clashes(
        p["config_file"] or config_path(p["instance"]),
        p["sites"] + p["arbitrators"],
        p["port"],
    )
    if broken:
        return old_text, broken, None
    in_force = plan_authfile_switch(config, switch)
    errors = bc.validate(
        config, allow_hostnames=p["allow_hostnames"], extra_keys=(bc.AUTHFILE_SWITCH,)
    )
    return bc.render(config), errors, in_force


class Client:
    """The booth client (``booth list|grant|revoke``) of one booth instance."""

    def __init__(self, run, config, command="booth"):
        self.run = run
        self.config = config
        self.command = command

    def _call(self, *args, **kwargs):
        # booth 1.0 (RHEL 8, Debian 11 and 12) can wait forever, e.g. `booth
        # list` on a host that is no member of the config: bound every call
        limit = kwargs.get("limit", 60)
        # options before the ticket: booth's client takes no ticket name that
        # an option follows ("No ticket given"), and with one ticket in its
        # config it then silently uses that one
        command = [self.command, args[0], "-c", self.config] + list(args[1:])
        try:
            rc, out, err = self.run(["timeout", "-k", "5", str(limit)] + command)
        except OSError as exc:
            raise CibError("cannot run booth: %s (are booth and coreutils installed?)" % exc)
        if rc in (124, 137):
            raise CibError("%s gave no answer within %d s" % (" ".join(command), limit))
        return rc, out, err

    def tickets(self, site=None, limit=60):
        """name -> {leader, expires} from ``booth list``."""
        args = ["list"] + (["-s", site] if site else [])
        rc, out, err = self._call(*args, limit=limit)
        if rc != 0:
            raise CibError(
                "booth list failed (exit %d): %s -- is booth running here?"
                % (rc, err.strip() or out.strip())
            )
        found = {}
        for line in out.splitlines():
            m = _LIST_LINE.search(line)
            if m:
                # booth 1.2 prints "none" after a revoke, "NONE" before any grant
                leader = None if m.group(2).upper() == "NONE" else m.group(2)
                found[m.group(1).strip()] = {
                    "leader": leader,
                    "expires": m.group(3).strip() if m.group(3) else None,
                }
        return found

    def set_grant(self, ticket, grant, site, tries=3):
        verb = "grant" if grant == "granted" else "revoke"
        while True:
            rc, out, err = self._call(verb, "-s", site, ticket)
            tries -= 1
            # booth's client could not reach the site (seen for a few seconds
            # after a site came back): the request never arrived, so asking
            # again is safe
            if rc == 0 or "connect to" not in err + out or tries <= 0:
                break
            time.sleep(2)
        if rc != 0:
            raise CibError(
                "booth %s -s %s %s failed (exit %d): %s"
                % (verb, site, ticket, rc, err.strip() or out.strip())
            )

    def wait_leader(self, ticket, leader, timeout):
        """Bounded wait until booth agrees on the ticket's leader."""
        current = [None]

        def agreed():
            current[0] = self.tickets().get(ticket, {}).get("leader")
            return current[0] == leader

        if not _poll.poll(agreed, timeout, interval=1)[0]:
            raise CibError(
                "ticket '%s': leader is %s, not %s, after %d s"
                % (ticket, current[0] or "NONE", leader or "NONE", timeout)
            )


# What pcs 0.12 writes for ``pcs booth create ip IP`` (agent metadata of
# trixie's resource-agents and booth-pacemaker): name, interval, timeout, extra
_IP_OPS = (("monitor", "10s", "20s", ()), ("start", "0s", "20s", ()), ("stop", "0s", "20s", ()))
_SITE_OPS = (
    ("monitor", "10", "20", (("start-delay", "0"),)),
    ("reload", "0s", "20", ()),
    ("restart", "0s", "20", ()),
    ("start", "0s", "20", ()),
    ("stop", "0s", "20", ()),
)


def _primitive(plan, parent, rid, agent, attrs, ops):
    prim = etree.SubElement(parent, "primitive", id=plan.ids.allocate(rid))
    for key, value in zip(("class", "provider", "type"), agent):
        prim.set(key, value)
    set_nvpairs(prim, "instance_attributes", attrs, plan)
    operations = etree.SubElement(prim, "operations")
    for name, interval, timeout, extra in ops:
        op = etree.SubElement(operations, "op", name=name, interval=interval, timeout=timeout)
        for key, value in extra:
            op.set(key, value)
        op.set("id", plan.ids.allocate("%s-%s-interval-%s" % (rid, name, interval)))
    return prim


# what the booth-site agent reads when its resource names no config
SITE_AGENT_DEFAULT_CONFIG = "/etc/booth/booth.conf"


def same_file(named, config_file):
    """A booth-site resource's config attribute names this booth.conf: the
    same path, or one resolving to it (pcs writes /etc/booth/...; some sites
    keep /etc/booth as a symlink to shared storage)."""
    named = named or SITE_AGENT_DEFAULT_CONFIG
    return named == config_file or _files.resolve(named) == _files.resolve(config_file)


def port_clashes(config_file, addresses, port):
    """What refuses this formation's port: another booth config beside this
    one (another instance, /etc/booth/NAME.conf) with the same port and an
    address in common. boothd binds its own address and the port, so on the
    host that holds that address the second daemon cannot start; found only
    after booth.conf was written and booth restarted, it would leave that
    member out of its formation."""
    directory = os.path.dirname(config_file) or "."
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []  # a new directory: nothing beside it yet
    mine = set(bc.address_key(a) for a in addresses)
    errors = []
    for name in names:
        other = os.path.join(directory, name)
        if not name.endswith(".conf") or same_file(other, config_file):
            continue
        try:
            config = bc.parse(_files.read_regular(other)[1].decode("utf-8"))
        except (OSError, UnicodeDecodeError):
            continue  # not a config booth could load either
        if bc.syntax_errors(config, extra_keys=(bc.AUTHFILE_SWITCH,)):
            continue
        if int(bc.get_global(config, "port", bc.DEFAULT_PORT)) != int(port):
            continue
        shared = [a for _kind, a in bc.peers(config) if bc.address_key(a) in mine]
        if shared:
            errors.append(
                "port: %s is also the port of booth instance '%s' (%s), which has %s too; "
                "boothd binds its address and port, so the second daemon on that host could "
                "not start: give this formation another port"
                % (port, name[: -len(".conf")], other, ", ".join(shared))
            )
    return errors


def plan_site_group(plan, instance, config_file, ip, state="present"):
    """The booth IP + booth-site service group of one site cluster, as
    ``pcs booth create ip`` makes it (booth-<instance>-group/-ip/-service).
    An existing booth-site resource for this config is recognised whatever
    its ids and by the file it names, not the string; only the IP is
    converged. A new one names config_file as given (not resolved), as pcs
    does."""
    if ip is not None:
        try:
            ipaddress.ip_address(str(ip))
        except ValueError:
            plan.error(
                "site_ip: '%s' is not an IP address (the site's floating booth IP, e.g. "
                "192.0.2.100; IPaddr2 takes no host names)" % _validate.show(ip)
            )
            return None
    resources = section(plan.cib, "resources")
    services = [
        p
        for p in resources.iter("primitive")
        if p.get("type") == "booth-site"
        and same_file(nvpairs(p, "instance_attributes").get("config"), config_file)
    ]
    group = services[0].getparent() if services else None
    ip_prim = None
    if group is not None and group.tag == "group":
        found = [p for p in group.findall("primitive") if p.get("type") == "IPaddr2"]
        ip_prim = found[0] if found else None
    if state == "absent":
        for prim in ([ip_prim] if ip_prim is not None else []) + services:
            _remove_resource(plan, prim)
        return {"group": None, "ip": None}
    if not services:
        base = "booth-%s" % instance
        group = etree.SubElement(resources, "group", id=plan.ids.allocate(base + "-group"))
        plan.created(group)
        _primitive(plan, group, base + "-ip", ("ocf", "heartbeat", "IPaddr2"), {"ip": ip}, _IP_OPS)
        _primitive(
            plan,
            group,
            base + "-service",
            ("ocf", "pacemaker", "booth-site"),
            {"config": config_file},
            _SITE_OPS,
        )
        return {"group": group.get("id"), "ip": ip}
    if ip_prim is None:
        plan.error(
            "site_ip: the booth-site resource '%s' for %s is not in a group with an "
            "IPaddr2 resource; fix it by hand or remove it (state=absent)"
            % (services[0].get("id"), config_file)
        )
        return {}
    if nvpairs(ip_prim, "instance_attributes").get("ip") != ip:
        plan.touch(group)
        set_nvpairs(ip_prim, "instance_attributes", {"ip": ip}, plan)
    return {"group": group.get("id"), "ip": ip}


def apply_globals(env, p):
    """booth_config's flow on a _module.Environment: booth.conf's global part
    and, at a site, the booth group, as one change (see Cib.transaction).
    Returns the task's values."""
    values = dict(changed=False, config_changed=False)
    manage_config = "config" in p["manage"]
    conf = env.file(config_path(p["instance"], p["config_file"]), "config_file", lock=manage_config)
    new_text = old_text = None
    if manage_config:
        old_text = read_config(conf, missing_ok=True)
        values["port_before"] = port_of(old_text)
        if p["state"] == "present":
            boothd = env.which("boothd")
            switch = authfile_switch(env.run, boothd) if boothd else None
            new_text, errors, values["authfile_in_force"] = plan_globals(old_text, p, switch)
            env.fail_on(errors)
        if p["state"] == "absent" and old_text is not None:
            values.update(changed=True, config_changed=True)
            conf.prepare_delete()
        elif new_text is not None:
            values["config_checksum"] = bc.checksum(new_text)
            if new_text != old_text:
                values.update(changed=True, config_changed=True)
                if env.diff:
                    values.setdefault("diff", []).append(
                        dict(
                            before=old_text or "",
                            after=new_text,
                            before_header=conf.path,
                            after_header=conf.path,
                        )
                    )
                if not env.check_mode:
                    prepare_config(conf, new_text, parents=True)
    files = [conf] if conf.pending else []
    if "cib" in p["manage"] and (p["site_ip"] or p["state"] == "absent"):
        group_config = config_path(p["instance"], p["config_file"])
        _result, cib_values = env.transaction(
            lambda plan: plan.facts.update(
                site_group=plan_site_group(
                    plan, p["instance"], group_config, p["site_ip"], p["state"]
                )
            ),
            files=files,
        )
        changed = values["changed"] or cib_values.pop("changed")
        diff = cib_values.pop("diff", None)
        values.update(cib_values, changed=changed)
        if diff:
            values.setdefault("diff", []).insert(0, diff)
    else:
        env.commit(files)
    if env.check_mode:
        conf.discard()
    return values


def ticket_batch_errors(p, items, option):
    """booth_ticket's checks of the options that need neither booth.conf nor
    the CIB (both halves must be given the same tickets, whatever manage
    says)."""
    manage_cib = "cib" in p["manage"]
    errors = []
    seen = set()
    for item in items:
        label = _validate.item_label(option, item["name"])
        if item["name"] in seen:
            errors.append("%sname: '%s' is given more than once" % (label, item["name"]))
        seen.add(item["name"])
        if item.get("grant") == "granted" and not item.get("site") and not p["bypass_booth"]:
            errors.append("%ssite: required to grant through booth" % label)
        if item.get("move") and (item.get("grant") != "granted" or p["bypass_booth"]):
            errors.append("%smove: needs grant=granted through booth (bypass_booth=false)" % label)
        if not manage_cib and (
            item.get("constraints") or item.get("grant") or item.get("standby") is not None
        ):
            errors.append("%smanage: constraints, grant and standby need 'cib' in manage" % label)
    if p["cib_file"] and any(i.get("grant") for i in items) and not p["bypass_booth"]:
        errors.append(
            "grant: booth cannot grant in a CIB file; set bypass_booth=true to use crm_ticket"
        )
    return errors


def apply_tickets(env, p, items, option):
    """booth_ticket's flow on a _module.Environment: the tickets in booth.conf
    and the CIB as one change, then grants and revokes through booth.
    booth.conf is read and written under a lock on its directory, held to the
    end of the task, so concurrent booth_ticket tasks queue instead of
    losing each other's tickets. Returns the task's values."""
    errors = ticket_batch_errors(p, items, option)
    path = config_path(p["instance"], p["config_file"])
    conf = new_text = old_text = None
    if "config" in p["manage"]:
        try:
            conf = env.file(path, "config_file", lock_without_dir=True)
            old_text = read_config(conf)
            new_text, config_errors = plan_config(old_text, items, option)
            errors.extend(config_errors)
        except (CibError, _files.FileError) as exc:
            errors.append(str(exc))
    env.fail_on(errors)
    return _apply_tickets(env, p, items, option, conf, old_text, new_text)


def _apply_tickets(env, p, items, option, conf, old_text, new_text):
    manage_cib = "cib" in p["manage"]
    values = dict(changed=False, config_changed=False, moves=[])
    errors = []
    path = conf.path if conf is not None else config_path(p["instance"], p["config_file"])
    booth = env.booth(path)
    live_grants = [i for i in items if i.get("grant") and not p["bypass_booth"]]
    leaders = {}
    if not p["cib_file"]:
        try:
            # facts, and what a grant starts from (facts alone wait briefly)
            leaders = booth.tickets(limit=60 if live_grants else 10)
        except CibError as exc:
            if live_grants:
                env.fail("grant: %s" % exc)
    for item in live_grants:
        leader = leaders.get(item["name"], {}).get("leader")
        if item["name"] not in leaders:
            errors.append(
                "grant: booth does not know ticket '%s' (restart booth after adding it "
                "to booth.conf)" % item["name"]
            )
        elif item["grant"] == "granted" and leader not in (None, item["site"]):
            if item["move"]:
                values["moves"].append(dict(ticket=item["name"], source=leader, dest=item["site"]))
                continue
            # booth manages a granted ticket: after a failover it is at another
            # site on purpose, and a rerun must not fight booth over it
            env.module.warn(
                "grant: ticket '%s' is held by site %s, not %s; left there (booth moves it "
                "on failure; to move it yourself, set move=true)"
                % (item["name"], leader, item["site"])
            )
            item["grant"] = None
    env.fail_on(errors)
    live_grants = [i for i in live_grants if i["grant"]]

    facts = dict((i["name"], {"name": i["name"], "state": i["state"]}) for i in items)
    files = []
    if new_text is not None:
        values["config_changed"] = new_text != old_text
        values["config_checksum"] = bc.checksum(new_text)
        if values["config_changed"]:
            values["changed"] = True
            if env.diff:
                values.setdefault("diff", []).append(
                    dict(before=old_text, after=new_text, before_header=path, after_header=path)
                )
            if not env.check_mode:
                prepare_config(conf, new_text)
                files.append(conf)
        config = bc.parse(new_text)
        for name, fact in facts.items():
            fact["options"] = bc.ticket_options(config, name) or {}
    # booth.conf and the CIB as one change: the file is committed after every
    # validation, right before the CIB write, and put back if that fails
    if manage_cib:
        cib = env.cib
        result, cib_values = env.transaction(
            lambda plan: _tickets.plan_tickets(plan, items, option, bypass_booth=p["bypass_booth"]),
            files=files,
        )
        for ticket in cib_values.pop("tickets"):
            facts[ticket["name"]].update(ticket)
        diff = cib_values.pop("diff", None)
        changed = values["changed"] or cib_values.pop("changed")
        values.update(cib_values, changed=changed)
        if diff:
            values.setdefault("diff", []).insert(0, diff)
    else:
        env.commit(files)

    for item in live_grants:
        name, leader = item["name"], leaders.get(item["name"], {}).get("leader")
        want = item["site"] if item["grant"] == "granted" else None
        if leader == want:
            continue
        values["changed"] = True
        if env.check_mode:
            leaders[name] = {"leader": want, "expires": None}
            continue
        try:
            if want is not None and leader is not None:  # a move: revoke at the holder first
                booth.set_grant(name, "revoked", leader)
                booth.wait_leader(name, None, p["wait_timeout"])
            booth.set_grant(name, item["grant"], item["site"] or leader)
            booth.wait_leader(name, want, p["wait_timeout"])
            if manage_cib:
                facts[name]["granted"] = _wait_local_state(cib, name, want, p["wait_timeout"])
        except CibError as exc:
            env.fail(str(exc), changed=True)
    if live_grants and not env.check_mode:
        leaders = booth.tickets()
    for name, fact in facts.items():
        fact["leader"] = leaders.get(name, {}).get("leader")
        fact["expires"] = leaders.get(name, {}).get("expires")
    values["tickets"] = [facts[i["name"]] for i in items]
    return values


def _wait_local_state(cib, name, leader, timeout):
    """Booth has agreed on the leader; wait (bounded) until this site's CIB
    shows the ticket as booth says it should be here. Returns granted."""
    granted = [None]

    def shown():
        tree = cib.read()
        here = leader is not None and leader in _tickets.local_booth_ips(tree)
        granted[0] = _tickets.ticket_state(tree, name)["granted"]
        return granted[0] == here

    if not _poll.poll(shown, timeout, interval=1)[0]:
        raise CibError(
            "ticket '%s': booth says the leader is %s, but this site's CIB shows "
            "granted=%s after %d s" % (name, leader or "none", granted[0], timeout)
        )
    return granted[0]
