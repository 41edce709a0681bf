# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CIB engine: read, plan, apply.

Private to the collection (the leading underscore): refactor freely.

* read   -- ``cibadmin --query`` on a live cluster, or a CIB file (offline
            mode, like ``pcs -f``).
* plan   -- pure functions on an lxml tree, see ``Plan``. No subprocess here.
* apply  -- one versioned ``crm_diff`` patch pushed with ``cibadmin --patch``.
            The epoch is bumped in the planned tree, so Pacemaker refuses the
            patch (exit 103) when the CIB moved underneath; we then re-read,
            re-plan and retry. A concurrent writer's change is never lost.

Code here runs on managed nodes: keep it Python 3.6 compatible.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import os
import random
import re
import shutil
import tempfile
import time

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _files, _patch

try:
    from lxml import etree

    HAS_LXML = True
    LXML_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - reported by the module
    HAS_LXML = False
    LXML_IMPORT_ERROR = exc

# cibadmin exit codes (Pacemaker's crm_exit_t)
EXIT_OLD_DATA = 103  # "Update was older than existing configuration"
EXIT_SCHEMA = 78


class CibError(Exception):
    """A failure the user must see; the message names what went wrong."""


class ValidationError(CibError):
    """The desired state is invalid; raised before anything is written."""

    def __init__(self, errors):
        self.errors = list(errors)
        CibError.__init__(self, "; ".join(self.errors))


_DOCTYPE = re.compile(rb"\s*(<\?.*?\?>\s*|<!--.*?-->\s*)*<!DOCTYPE", re.S)


def parse_xml(data, what="CIB"):
    if isinstance(data, str):
        data = data.encode("utf-8")
    # No CIB Pacemaker writes has a DOCTYPE, and its entities are never read:
    # lxml before 5.0 reads an external one (a local file such as a key) into
    # the tree, and huge_tree lifts libxml2's guard against nested ones.
    if _DOCTYPE.match(data):
        raise CibError(
            "%s has a DOCTYPE: a Pacemaker CIB never has one, and its entities are not read" % what
        )
    parser = etree.XMLParser(
        huge_tree=True,
        remove_blank_text=True,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CibError("%s is not valid XML: %s" % (what, exc))
    if root.tag != "cib" or root.find("configuration") is None:
        raise CibError("%s is not a Pacemaker CIB (no <cib><configuration>)" % what)
    return root


def to_string(element):
    return etree.tostring(element, encoding="unicode", pretty_print=True)


def version_of(cib):
    """'admin_epoch.epoch.num_updates', as crm_mon and cibadmin print it."""
    return ".".join(cib.get(a, "0") for a in _patch.VERSION_ATTRS)


def _dotted(value, pattern):
    m = re.match(pattern, value or "")
    return tuple(int(x) for x in m.groups()) if m else None


def schema_version(cib):
    """(major, minor) of validate-with="pacemaker-X.Y"; None for anything else
    (pacemaker-next, a hand-written CIB): callers treat that as the newest."""
    return _dotted(cib.get("validate-with"), r"pacemaker-(\d+)\.(\d+)$")


def feature_set(cib):
    """(major, minor) of crm_feature_set: the DC's Pacemaker on a live cluster,
    the writing tool's offline; None when absent (treated as the newest)."""
    return _dotted(cib.get("crm_feature_set"), r"(\d+)\.(\d+)")


def at_least(version, wanted):
    return version is None or version >= wanted


def section(cib, name):
    """configuration/<name>, created if missing (only resources and
    constraints are guaranteed by the schema)."""
    config = cib.find("configuration")
    found = config.find(name)
    if found is None:
        found = etree.SubElement(config, name)
    return found


class IdProvider:
    """Unique ids over the whole configuration, pcs's scheme: ``id``, then
    ``id-1``, ``id-2``... One pass to index, then O(1) per allocation, so a
    batch of thousands of items stays linear."""

    def __init__(self, cib):
        config = cib.find("configuration")
        # the status section may hold ids of deleted resources; pcs ignores it too
        self.ids = set(e.get("id") for e in config.iter() if e.get("id"))

    def exists(self, candidate):
        return candidate in self.ids

    def allocate(self, proposed):
        candidate, counter = proposed, 1
        while candidate in self.ids:
            candidate = "%s-%d" % (proposed, counter)
            counter += 1
        self.ids.add(candidate)
        return candidate

    def release(self, element):
        for e in element.iter():
            self.ids.discard(e.get("id"))


class Plan:
    """What a planner returns: validation errors, and the elements it touched.

    A planner gets a private copy of the CIB and mutates it. Before changing a
    top-level configuration element it calls ``touch(element)``; the engine
    then shows exactly those elements before and after in diff mode. Whether
    anything changed is decided by comparing the configuration as a whole, so
    a planner that touches without changing reports ``changed=false``.
    """

    def __init__(self, cib):
        self.cib = cib
        self.ids = IdProvider(cib)
        self.errors = []
        self.warnings = []
        self.facts = {}
        self._touched = []  # [(id, before_xml or None)]
        self._seen = set()
        # what follows the patch, in order (TicketState, ForgetNode)
        self.actions = []

    def actions_of(self, kind):
        return [a for a in self.actions if isinstance(a, kind)]

    def error(self, message):
        self.errors.append(message)

    def touch(self, element):
        """Record element (before it is changed) for the diff."""
        eid = element.get("id")
        if eid not in self._seen:
            self._seen.add(eid)
            self._touched.append((eid, to_string(element)))

    def created(self, element):
        eid = element.get("id")
        if eid not in self._seen:
            self._seen.add(eid)
            self._touched.append((eid, None))

    def touched_ids(self):
        return [eid for eid, _before in self._touched]

    def diff(self):
        """Before/after text of the touched elements (Ansible's diff format)."""
        config = self.cib.find("configuration")
        by_id = {}
        wanted = set(touched[0] for touched in self._touched)
        for e in config.iter():
            eid = e.get("id")
            if eid in wanted and eid not in by_id:
                by_id[eid] = e
        before, after = [], []
        for eid, old in self._touched:
            new = by_id.get(eid)
            new = to_string(new) if new is not None else None
            if old != new:
                before.append(old or "")
                after.append(new or "")
        # state changes that are commands, not XML (crm_ticket), shown as such
        after.extend("<!-- then: %s -->\n" % a.describe() for a in self.actions if a.changes_cib)
        return {"before": "".join(before), "after": "".join(after)}


class TicketState:
    """A ticket's state at this site changed after the patch (so a ticket is
    never granted before its constraints exist): by crm_ticket, or, with
    by_booth, by booth itself (the module asks booth; the plan only shows the
    preview what that means here). change: grant, revoke, standby, activate
    or cleanup (what pcs booth ticket cleanup does: the state leaves the
    CIB)."""

    _FLAG = {
        "grant": ["--grant", "--force"],
        "revoke": ["--revoke", "--force"],
        "standby": ["--standby"],
        "activate": ["--activate"],
        "cleanup": ["--cleanup", "--force"],
    }
    _STATE = {
        "grant": ("granted", "true"),
        "revoke": ("granted", "false"),
        "standby": ("standby", "true"),
        "activate": ("standby", "false"),
    }

    def __init__(self, ticket, change, by_booth=False):
        self.ticket = ticket
        self.change = change
        self.by_booth = by_booth

    @property
    def changes_cib(self):
        """Whether the task writes it (booth's own changes are not the task's)."""
        return not self.by_booth

    def argv(self):
        return ["crm_ticket", "--ticket", self.ticket] + self._FLAG[self.change]

    def describe(self):
        return " ".join(self.argv())

    def simulate(self, tree):
        """Apply it to a copy of the CIB, as crm_ticket or booth would, for
        the preview (crm_simulate's own --ticket-* flags drop the actions from
        its XML output in Pacemaker 3.0)."""
        if self.change not in self._STATE:
            return  # a cleanup only removes state Pacemaker reads as "not granted"
        status = tree.find("status")
        if status is None:
            status = etree.SubElement(tree, "status")
        tickets = status.find("tickets")
        if tickets is None:
            tickets = etree.SubElement(status, "tickets")
        found = tickets.xpath("ticket_state[@id=$t]", t=self.ticket)
        state = found[0] if found else etree.SubElement(tickets, "ticket_state", id=self.ticket)
        state.set(*self._STATE[self.change])

    def run(self, cib):
        if self.by_booth:
            return
        rc, out, err = cib.tool(self.argv())
        if rc != 0:
            raise CibError(
                "%s failed (exit %d): %s" % (self.describe(), rc, err.strip() or out.strip())
            )


class ForgetNode:
    """A removed remote or guest node's leftover state cleared (crm_node
    --force --remove), live only and once the cluster has stopped its
    connection: the node modules run it after their wait
    (_module.forget_nodes), not right after the patch."""

    changes_cib = False  # what the cluster keeps of the node, not the configuration

    def __init__(self, name):
        self.name = name

    def describe(self):
        return "crm_node --force --remove %s" % self.name

    def simulate(self, tree):
        pass  # the node's definition is gone from the planned CIB already

    def run(self, cib):
        pass  # _module.forget_nodes, after the connection stopped


class Result:
    def __init__(self, changed, plan, version_before, version_after, attempts, preview=None):
        self.changed = changed
        self.plan = plan
        self.version_before = version_before
        self.version_after = version_after
        self.attempts = attempts
        self.preview = preview


def default_runner(args, env=None, data=None):
    """subprocess runner used outside Ansible (tests, benchmarks)."""
    import subprocess

    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.Popen(
        args,
        stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=full_env,
    )
    out, err = proc.communicate(data.encode("utf-8") if data is not None else None)
    return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


class Cib:
    """Access to one CIB: live (``cib_file=None``) or a file (offline)."""

    def __init__(self, cib_file=None, runner=None, retries=20, backoff=0.2):
        # a symlink is followed: its target is the CIB (and is what we lock)
        self.file = _files.FileTarget(cib_file, "cib_file") if cib_file else None
        self.cib_file = self.file.path if cib_file else None
        self.run = runner or default_runner
        self.retries = retries
        self.backoff = backoff
        self._patched = False
        self._simulate_xml = None  # does crm_simulate have --output-as? (not in 2.0)

    @property
    def live(self):
        return self.cib_file is None

    def _env(self):
        return {"CIB_file": self.cib_file} if self.cib_file else {}

    def tool(self, args, data=None):
        """Run a Pacemaker tool against this CIB (CIB_file set offline)."""
        try:
            return self.run(args, env=self._env(), data=data)
        except OSError as exc:
            raise CibError(
                "cannot run %s: %s (install Pacemaker's command line tools, "
                "e.g. pacemaker-cli-utils)" % (args[0], exc)
            )

    def read(self):
        if not self.live:
            try:
                data = self.file.read()
            except _files.FileError as exc:
                raise CibError(str(exc))
            return parse_xml(data, "cib_file %s" % self.cib_file)
        rc, out, err = self.tool(["cibadmin", "--query"])
        if rc != 0:
            raise CibError(
                "cannot read the live CIB (is the cluster running on this node?): "
                "cibadmin --query exited %d: %s" % (rc, err.strip() or out.strip())
            )
        return parse_xml(out, "the live CIB")

    def version(self):
        """The CIB's current version, read from its root element only (the
        file backend bumps the epoch once more after applying a patch)."""
        if self.live:
            rc, out, err = self.tool(["cibadmin", "--query", "--xpath", "/cib", "--no-children"])
            if rc == 0:
                return version_of(etree.fromstring(out.encode("utf-8")))
            return "unknown"
        for _event, element in etree.iterparse(self.cib_file, events=("start",)):
            return version_of(element)

    def _lock(self):
        """Offline writers serialize on the file's directory: cibadmin's file
        backend is a plain read-modify-write, so two of them at once would
        lose an update. (A directory lock survives the file being replaced.)"""
        if self.live:
            return None
        try:
            return _files.lock_for(self.cib_file, "cib_file")
        except _files.FileError as exc:
            raise CibError(str(exc))

    def write(self, old, new, touched=None):
        """Offline: write the file ourselves when Pacemaker's schema for it is
        installed; otherwise (and live) push a versioned patch.

        Why not always cibadmin: Pacemaker (2.1 and 3.0) recomputes a full
        XML diff after applying any patch, quadratic in the number of
        resources (about 3 s at 5000 resources with 2.1.5, 30 s with 3.0).
        We hold the file lock, validate with the same libxml2 RelaxNG schema
        Pacemaker uses, and replace the file only if nobody changed it since
        we read it, so the guarantees are the same and the cost is linear.
        See docs/design.md."""
        if self.live:
            return self.patch(old, new, touched)
        schema = _schema(new.get("validate-with", ""))
        if schema is None:
            name = os.path.basename(new.get("validate-with", ""))
            newest = _newest_schema()
            if (
                newest is not None
                and re.match(r"pacemaker-\d+\.\d+$", name)
                and not os.path.exists(os.path.join(schema_dir(), name + ".rng"))
            ):
                # other schemas are installed, this one is not: written by a newer
                # Pacemaker, which this one cannot validate (cibadmin says only
                # "does not conform to the configured schema")
                raise CibError(
                    "cib_file: %s has validate-with='%s', a schema this host's Pacemaker "
                    "does not have (its newest is %s): the file comes from a newer "
                    "Pacemaker; change it on a host running that version"
                    % (self.cib_file, new.get("validate-with"), newest)
                )
            return self.patch(old, new, touched)
        if not schema.validate(new):
            raise CibError(
                "Pacemaker refused the change: schema validation failed (%s): %s"
                % (new.get("validate-with"), schema.error_log.last_error)
            )
        # a writer that ignores our lock (pcs -f) got in: False, re-plan
        try:
            return self.file.write(etree.tostring(new, pretty_print=True))
        except _files.FileError as exc:
            raise CibError(str(exc))

    def patch(self, old, new, touched=None):
        """Push new over old as one versioned patch. Returns True on success,
        False when the CIB moved underneath (retry), raises otherwise.
        touched: ids the plan changed, to build the patch from them alone."""
        self._patched = True
        diff = _patch.build(old, new, touched) if touched is not None else None
        if diff is None:
            diff = self._crm_diff(old, new)
            if diff is None:
                return True  # nothing to push
        rc, out, err = self.tool(["cibadmin", "--patch", "--xml-pipe"], data=diff)
        if rc == 0:
            return True
        if rc == EXIT_OLD_DATA:
            return False
        message = (err.strip() or out.strip()).splitlines()
        raise CibError(
            "Pacemaker refused the change (cibadmin --patch exited %d%s): %s"
            % (rc, ", schema validation failed" if rc == EXIT_SCHEMA else "", " ".join(message))
        )

    def _crm_diff(self, old, new):
        tmpdir = tempfile.mkdtemp(prefix="hacluster-cib-")
        try:
            paths = []
            for name, tree in (("old.xml", old), ("new.xml", new)):
                path = os.path.join(tmpdir, name)
                with open(path, "wb") as f:
                    f.write(etree.tostring(tree))
                paths.append(path)
            rc, diff, err = self.tool(["crm_diff", "--original", paths[0], "--new", paths[1]])
            if rc == 0:
                return None
            if rc != 1:
                raise CibError("crm_diff failed (exit %d): %s" % (rc, err.strip()))
            return diff
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)

    def _run_after(self, plan):
        """The plan's actions follow the configuration patch, in order."""
        for action in plan.actions:
            action.run(self)

    def simulate(self, tree, flags=()):
        """What Pacemaker's scheduler would do with this CIB (and its status
        section): crm_simulate on a private copy, never the live CIB."""
        fd, path = tempfile.mkstemp(prefix="hacluster-sim-", suffix=".xml")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(etree.tostring(tree))
            args = ["crm_simulate", "--xml-file", path, "--simulate"] + list(flags)
            if self._simulate_xml is not False:
                rc, out, err = self.run(args + ["--output-as=xml"])
                # Pacemaker 2.0's crm_simulate has no --output-as (it says so
                # and exits 0): read its text summary instead, from then on
                self._simulate_xml = "--output-as" not in err
            if not self._simulate_xml:
                rc, out, err = self.run(args)
        except OSError as exc:
            raise CibError("cannot run crm_simulate for the preview: %s" % exc)
        finally:
            os.unlink(path)
        if rc != 0:
            raise CibError("crm_simulate failed (exit %d): %s" % (rc, err.strip()))
        if not self._simulate_xml:
            return transition_summary(out)
        try:
            result = etree.fromstring(out.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            raise CibError("crm_simulate's output is not XML (%s): %s" % (exc, err.strip()))
        return [dict(a.attrib) for a in result.iterfind("actions/rsc_action")]

    def preview(self, current, planned, actions=()):
        """Actions the planned change would cause: those of the planned CIB
        (with the plan's actions applied to it) that the current one does not
        already have pending."""
        if actions:
            planned = copy.deepcopy(planned)
            for action in actions:
                action.simulate(planned)
        before = self.simulate(current)
        return [a for a in self.simulate(planned) if a not in before]

    def transaction(self, planner, check_mode=False, preview=False, files=()):
        """Read, plan, validate and apply ``planner`` as one atomic change.

        ``planner(plan)`` mutates ``plan.cib`` (a private copy) and reports
        errors through ``plan.error``. Any error aborts before writing.
        ``files``: prepared _files.FileTargets (booth.conf, ...) that belong to
        the same change. They are committed after every validation, right
        before the CIB write (their failure leaves the CIB untouched), and
        rolled back if the CIB change then fails.
        """
        if check_mode:
            for target in files:
                target.discard()
            files = []
        files = list(files)
        try:
            return self._transaction(planner, check_mode, preview, files)
        except BaseException:
            _files.rollback_all(files)
            raise

    def _commit(self, files):
        try:
            _files.commit_all(files)
        except _files.FileError as exc:
            raise CibError(str(exc))

    def _transaction(self, planner, check_mode, preview, files):
        attempt = 0
        while True:
            attempt += 1
            lock = None if check_mode else self._lock()
            try:
                current = self.read()
                work = copy.deepcopy(current)
                plan = Plan(work)
                try:
                    planner(plan)
                except ValueError as exc:
                    # lxml refuses a string XML cannot hold: a validator missed
                    # it; still a clear error before any write, not a traceback
                    raise ValidationError(["a value cannot be stored in the CIB: %s" % exc])
                if plan.errors:
                    raise ValidationError(plan.errors)
                before = version_of(current)
                config_changed = _config_bytes(current) != _config_bytes(work)
                writes = [a for a in plan.actions if a.changes_cib]
                changed = config_changed or bool(writes)
                predicted = None
                if preview and (changed or plan.actions):
                    try:
                        predicted = self.preview(current, work, plan.actions)
                    except CibError as exc:
                        # e.g. a CIB written by a newer Pacemaker, or a crm_simulate
                        # without XML output (2.0): the change itself is still known
                        plan.warnings.append(
                            "preview: Pacemaker's scheduler could not be asked what would "
                            "happen (%s); the planned CIB change is reported without it" % exc
                        )
                if not changed or check_mode:
                    self._commit(files)
                    return Result(changed, plan, before, before, attempt, predicted)
                self._commit(files)
                if config_changed:
                    work.set("epoch", str(int(current.get("epoch", "0")) + 1))
                    work.set("num_updates", "0")
                if not config_changed or self.write(current, work, plan.touched_ids()):
                    self._run_after(plan)
                    if writes or not config_changed:
                        after = self.version()  # crm_ticket moved num_updates
                    else:
                        after = version_of(work)
                        if self.live or self._patched:
                            # Pacemaker (2.1 and 3.0) sets the patch's target
                            # version, then bumps the epoch for the config change
                            after = "%s.%d.0" % (
                                work.get("admin_epoch", "0"),
                                int(work.get("epoch")) + 1,
                            )
                    return Result(True, plan, before, after, attempt, predicted)
            finally:
                _files.unlock(lock)
            if attempt > self.retries:
                raise CibError(
                    "the CIB kept changing underneath us: gave up after %d attempts" % attempt
                )
            # jittered, growing back-off so racing writers spread out
            time.sleep(random.uniform(0, self.backoff * min(attempt, 10)))


# "  * Move       web     ( rh1 -> n1 )  due to node availability"
_SUMMARY_LINE = re.compile(r"^\s*\* (\S+)\s+(\S+)\s+\(\s*(.*?)\s*\)\s*(?:due to (.*?))?\s*$")


def transition_summary(text):
    """crm_simulate's text "Transition Summary" (Pacemaker 2.0) as the
    rsc_action dicts its XML output gives (2.1 and later)."""
    actions = []
    lines = iter(text.splitlines())
    for line in lines:
        if line.strip() == "Transition Summary:":
            break
    for line in lines:
        m = _SUMMARY_LINE.match(line)
        if not m:
            if line.strip():
                break
            continue
        action = {"action": m.group(1).lower(), "resource": m.group(2)}
        where = m.group(3).split("->")
        if len(where) == 2:
            left, right = where[0].split(), where[1].split()
            if len(right) == 2:  # a role change: "( Slave -> Master n1 )"
                action.update(role=" ".join(left), next_role=right[0], node=right[1])
            else:
                action.update(source=" ".join(left), dest=" ".join(right))
        else:
            action["node"] = m.group(3)
        if m.group(4):
            action["reason"] = m.group(4)
        actions.append(action)
    return actions


_SCHEMAS = {}


def schema_dir():
    # where Pacemaker's own tools look: PCMK_schema_directory, if set
    return os.environ.get("PCMK_schema_directory") or "/usr/share/pacemaker"


def _schema(name):
    """Pacemaker's RelaxNG schema for validate-with=name, compiled once."""
    path = os.path.join(schema_dir(), os.path.basename(name) + ".rng")
    if path not in _SCHEMAS:
        try:
            _SCHEMAS[path] = (
                etree.RelaxNG(etree.parse(path)) if name and os.path.exists(path) else None
            )
        except (etree.XMLSyntaxError, etree.RelaxNGParseError):
            _SCHEMAS[path] = None
    return _SCHEMAS[path]


def _newest_schema():
    """The newest pacemaker-X.Y schema installed, or None if there are none."""
    try:
        names = [
            n[:-4] for n in os.listdir(schema_dir()) if re.match(r"pacemaker-\d+\.\d+\.rng$", n)
        ]
    except OSError:
        return None
    if not names:
        return None
    return max(names, key=lambda n: tuple(int(x) for x in n.split("-")[1].split(".")))


def _config_bytes(cib):
    return etree.tostring(cib.find("configuration"))


def nvset(parent, tag, plan, create=True, first=False):
    """The first <tag> (meta_attributes/instance_attributes) of parent, as pcs
    uses it; created with pcs's id ``<parent>-<tag>`` when missing: as the
    first child with ``first`` (pcs's arrange_first_nvset), else before the
    operations."""
    found = parent.find(tag)
    if found is None and create:
        found = etree.Element(tag, id=plan.ids.allocate("%s-%s" % (parent.get("id"), tag)))
        # schema order: meta/instance attribute sets come before operations
        ops = parent.find("operations")
        if first:
            parent.insert(0, found)
        elif ops is not None:
            ops.addprevious(found)
        else:
            parent.append(found)
    return found


def nvpairs(parent, tag):
    """name -> value over every <tag> set of parent (first wins, as Pacemaker
    evaluates unconditional sets in order)."""
    values = {}
    for nvs in parent.findall(tag):
        for nv in nvs.findall("nvpair"):
            values.setdefault(nv.get("name"), nv.get("value"))
    return values


def set_nvpairs(parent, tag, wanted, plan, first=False):
    """Make parent's <tag> sets hold wanted {name: value}. A value of None
    removes the name. Existing pairs are updated where they are; new ones are
    appended to the first set, in name order like pcs. Emptied sets are kept:
    deleting them can make ACL-restricted patches fail."""
    pending = dict(wanted)
    for nvs in parent.findall(tag):
        for nv in nvs.findall("nvpair"):
            name = nv.get("name")
            if name not in pending:
                continue
            value = pending[name]
            if value is None:
                plan.ids.release(nv)
                nvs.remove(nv)
            else:
                if nv.get("value") != value:
                    nv.set("value", value)
                pending.pop(name)
    additions = sorted((k, v) for k, v in pending.items() if v is not None)
    if additions:
        target = nvset(parent, tag, plan, first=first)
        for name, value in additions:
            etree.SubElement(
                target,
                "nvpair",
                id=plan.ids.allocate("%s-%s" % (target.get("id"), name)),
                name=name,
                value=value,
            )
