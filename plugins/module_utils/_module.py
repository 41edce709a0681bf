# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: common options, running a
CIB transaction from an AnsibleModule, and the returned values."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import concurrent.futures
import os

from ansible.module_utils.basic import missing_required_lib
from ansible_collections.hacluster.pacemaker.plugins.module_utils import (
    _booth,
    _cib,
    _files,
    _poll,
    _status,
)

# Keep in sync with plugins/doc_fragments/cib.py (DOCUMENTATION and CHANGE)
# crm_node calls run side by side when nodes leave (forget_nodes)
FORGET_WORKERS = 8

CIB_ARGUMENT_SPEC = dict(
    cib_file=dict(type="path"),
)
CHANGE_ARGUMENT_SPEC = dict(
    preview=dict(type="bool"),
)


def argument_spec(read_only=False, **specific):
    """The options every CIB module shares (and, unless read_only, those of
    modules that change it), plus the module's own."""
    spec = dict(CIB_ARGUMENT_SPEC)
    if not read_only:
        spec.update(CHANGE_ARGUMENT_SPEC)
    spec.update(specific)
    return spec


def batch_items(module, item_keys, list_key="nodes"):
    """The single-item options or the batch list, as a list of dicts.
    Items of the list inherit the top-level state when they give none."""
    params = module.params
    if params.get(list_key) is not None:
        items = []
        for item in params[list_key]:
            item = dict(item)
            if item.get("state") is None:
                item["state"] = params["state"]
            items.append(item)
        return items, list_key
    return [dict((k, params.get(k)) for k in item_keys + ("state",))], None


def run_node_module(item_spec, planner, prepare=None, reconnect=False):
    """main() of pacemaker_remote_node and guest_node: one node (the item
    options) or a batch (nodes), planned by planner(plan, items, option),
    then optionally wait until the present ones are online. reconnect: the
    module offers O(reconnect) (remote nodes: their connection can move)."""
    from ansible.module_utils.basic import AnsibleModule

    state = dict(type="str", choices=["present", "absent"])
    nodes_spec = dict(item_spec, name=dict(type="str", required=True), state=state)
    extra = dict(reconnect=dict(type="bool", default=False)) if reconnect else {}
    module = AnsibleModule(
        argument_spec=argument_spec(
            state=dict(state, default="present"),
            nodes=dict(type="list", elements="dict", options=nodes_spec),
            wait=dict(type="bool", default=False),
            wait_timeout=dict(type="int", default=120),
            **dict(item_spec, **extra),
        ),
        mutually_exclusive=[("name", "nodes")],
        required_one_of=[("name", "nodes")],
        supports_check_mode=True,
    )
    items, option = batch_items(module, tuple(item_spec))
    present = [i["name"] for i in items if i["state"] == "present"]
    if module.params.get("reconnect") and module.params.get("cib_file"):
        module.fail_json(
            msg="reconnect: a connection is re-made on a running cluster, not in a CIB file "
            "(cib_file)",
            changed=False,
        )
    if prepare:
        errors = prepare(module, items, option)
        if errors:
            module.fail_json(msg="; ".join(errors), errors=errors, changed=False)
    cib = open_cib(module)
    result, values = run_transaction(module, lambda plan: planner(plan, items, option), cib)
    if cib.live and not module.check_mode:
        gone = [a.name for a in result.plan.actions_of(_cib.ForgetNode)]
        forget_nodes(module, cib, gone, module.params["wait_timeout"])
        if module.params["wait"]:
            wait_for_nodes(module, cib, present, module.params["wait_timeout"])
    if reconnect:
        values["reconnected"] = reconnect_nodes(
            module,
            cib,
            present if module.params["reconnect"] else [],
            module.params["wait_timeout"],
        )
        values["changed"] = values["changed"] or bool(values["reconnected"])
    module.exit_json(**values)


def reconnect_nodes(module, cib, names, timeout):
    """Re-make each named remote node's connection now, one node at a time,
    without stopping what runs on the node: its connection resource moves to
    another online cluster node (a migration, so a new TLS handshake with the
    key on disk), then its placement is given back to the cluster
    (crm_resource --clear), whatever happened. Pacemaker before 3.0.2 reads
    the authkey at each handshake, so this is how a new key is taken into
    use without a restart. A connection that does not run, or has no other
    cluster node to go to, is left as it is, with a warning. Returns
    [{name, from, to}] (what would be done, in check mode)."""
    done = []
    for name in names:
        monitor, error = _status.monitor_of(cib.tool)
        if monitor is None:
            module.fail_json(
                msg="reconnect: cannot read the cluster's state: %s" % error, changed=bool(done)
            )
        source = monitor.host_of(name)
        members = sorted(
            n
            for n, v in monitor.nodes.items()
            if v["type"] == "member" and v["online"] and not v["standby"] and n != source
        )
        if source is None or not members:
            module.warn(
                "reconnect: %s left as it is: %s"
                % (
                    name,
                    "its connection does not run"
                    if source is None
                    else "no other online cluster node to move its connection to",
                )
            )
            continue
        move = {"name": name, "from": source, "to": members[0]}
        done.append(move)
        if module.check_mode:
            continue
        problem = _run(cib, ["crm_resource", "--move", "--resource", name, "--node", move["to"]])
        try:
            if (
                problem is None
                and not _poll.poll(lambda to=move["to"], n=name: _runs_on(cib, n) == to, timeout)[0]
            ):
                problem = "its connection did not move from %s to %s within %d s" % (
                    move["from"],
                    move["to"],
                    timeout,
                )
        finally:
            # the move's constraint never stays, whatever happened (a module
            # also outlives a controller that was killed)
            problem = _run(cib, ["crm_resource", "--clear", "--resource", name]) or problem
        if problem:
            module.fail_json(
                msg="reconnect: %s: %s" % (name, problem), changed=True, reconnected=done
            )
    return done


def _runs_on(cib, name):
    monitor = _status.monitor_of(cib.tool)[0]  # None while crm_mon cannot answer
    return monitor and monitor.host_of(name)


def _run(cib, argv):
    """None, or what went wrong with a Pacemaker tool."""
    rc, out, err = cib.tool(argv)
    if rc != 0:
        return "%s exited %d: %s" % (" ".join(argv), rc, (err or out).strip())
    return None


def ansible_runner(module):
    def run(args, env=None, data=None):
        # handle_exceptions=False: a missing tool raises OSError, which the
        # engine turns into a message naming the package to install
        return module.run_command(
            args,
            environ_update=env or {},
            data=data,
            binary_data=True,
            check_rc=False,
            handle_exceptions=False,
        )

    return run


def open_cib(module):
    if not _cib.HAS_LXML:
        module.fail_json(msg=missing_required_lib("lxml"), exception=str(_cib.LXML_IMPORT_ERROR))
    return _cib.Cib(cib_file=module.params.get("cib_file"), runner=ansible_runner(module))


def run_transaction(module, planner, cib=None, files=()):
    """Plan and apply; fail before writing on any validation error. Returns
    (result, common return values). files: prepared _files.FileTargets that are
    part of the same change (see Cib.transaction)."""
    cib = cib or open_cib(module)
    preview = module.params.get("preview")
    if preview is None:
        preview = module.check_mode
    try:
        result = cib.transaction(
            planner, check_mode=module.check_mode, preview=preview, files=files
        )
    except _cib.ValidationError as exc:
        module.fail_json(msg="; ".join(exc.errors), errors=exc.errors, changed=False)
    except _cib.CibError as exc:
        module.fail_json(msg=str(exc), changed=False)
    plan = result.plan
    for warning in plan.warnings:
        module.warn(warning)
    values = dict(
        changed=result.changed,
        cib_version_before=result.version_before,
        cib_version_after=result.version_after,
    )
    if result.preview is not None:
        values["preview"] = result.preview
    if module._diff and result.changed:
        diff = plan.diff()
        for action in result.preview or ():
            diff["after"] += "<!-- Pacemaker would: %s -->\n" % describe(action)
        diff["before_header"] = "CIB %s" % result.version_before
        diff["after_header"] = (
            "CIB %s (planned)" % result.version_after
            if module.check_mode
            else ("CIB %s" % result.version_after)
        )
        values["diff"] = diff
    values.update(plan.facts)
    return result, values


def commit_files(module, files):
    """Commit prepared files of a task that changes no CIB (all or none)."""
    if module.check_mode:
        return
    try:
        _files.commit_all(files)
    except _files.FileError as exc:
        module.fail_json(msg=str(exc), changed=False)


def describe(action):
    """One preview action in words, e.g. 'move web from remote1 to node1'."""
    text = "%s %s" % (action.get("action"), action.get("resource"))
    if action.get("source") or action.get("dest"):
        text += " from %s to %s" % (action.get("source"), action.get("dest"))
    elif action.get("node"):
        text += " on %s" % action["node"]
    if action.get("reason"):
        text += " (%s%s)" % (
            action["reason"],
            ", blocked" if action.get("blocked") == "true" else "",
        )
    return text


def forget_nodes(module, cib, names, timeout):
    """After their definitions left the CIB: wait until the cluster has
    stopped each node's connection (resources on it moved away first), then
    clear what Pacemaker still keeps of the node (``crm_node --force
    --remove``, as ``pcs cluster node remove-remote`` does). Clearing a node
    that is still connected would only have Pacemaker write it back."""
    if not names:
        return
    pending = list(names)

    def stopped():
        monitor = _status.monitor_of(cib.tool)[0]  # None while crm_mon cannot answer
        if monitor is not None:
            pending[:] = [
                name for name in pending if monitor.node(name)[0] or monitor.health(name)[0]
            ]
        return not pending

    if not _poll.poll(stopped, timeout)[0]:
        module.warn(
            "the connection of %s was still active after %d s; its node state is "
            "cleared anyway" % (", ".join(pending), timeout)
        )
    # one crm_node call per node, as pcs makes; side by side, since each
    # waits on a round trip to the controller (200 nodes: 60 s one by one)
    workers = concurrent.futures.ThreadPoolExecutor(max_workers=FORGET_WORKERS)
    try:
        calls = [
            (name, workers.submit(cib.tool, ["crm_node", "--force", "--remove", name]))
            for name in names
        ]
        for name, call in calls:
            rc, _out, err = call.result()
            if rc != 0:
                module.warn("crm_node --force --remove %s exited %d: %s" % (name, rc, err.strip()))
    finally:
        workers.shutdown()


def wait_for_nodes(module, cib, names, timeout):
    """Poll crm_mon until every named node is online in two polls in a row,
    and a remote node's connection resource runs and has not failed (a node
    can show online for a moment while a bad key gets it rejected)."""
    streak = dict((name, 0) for name in names)

    def online_twice():
        monitor = _status.monitor_of(cib.tool)[0]  # None while crm_mon cannot answer
        if monitor is not None:
            for name in streak:
                active, failed = monitor.health(name)  # (None, None): no such resource
                healthy = active is None or (active and not failed)
                streak[name] = streak[name] + 1 if monitor.node(name)[0] and healthy else 0
        return all(count >= 2 for count in streak.values())

    if not _poll.poll(online_twice, timeout)[0]:
        pending = sorted(name for name, count in streak.items() if count < 2)
        module.fail_json(
            msg="wait: node(s) %s not online after %d s (the CIB change was applied)"
            % (", ".join(pending), timeout),
            changed=True,
        )


class Environment:
    """What one task reads and writes, owned in one place (pcs's
    LibraryEnvironment is the model): the command runner, the CIB, the files
    it locks, booth's client, the commit, and how an error becomes
    fail_json. Used as a context manager: the files' locks are held to the
    end of the task and released however it ends; a CibError, FileError or
    OSError raised inside fails the task with its message, changed=false and
    the module's fail_values (e.g. key_state=unknown)."""

    def __init__(self, module, **fail_values):
        self.module = module
        self.check_mode = module.check_mode
        self.diff = module._diff
        self.run = ansible_runner(module)
        self.fail_values = fail_values
        self._locks = []
        self._cib = None
        self._file = None  # the last file taken, named by an OSError's message

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, _traceback):
        while self._locks:
            _files.unlock(self._locks.pop())
        if isinstance(exc, _cib.ValidationError):
            self.fail("; ".join(exc.errors), errors=exc.errors)
        if isinstance(exc, (_cib.CibError, _files.FileError)):
            self.fail(str(exc))
        if isinstance(exc, OSError) and self._file is not None:
            self.fail("%s: %s: %s" % (self._file.option, self._file.path, exc.strerror))
        return False

    def fail(self, msg, **values):
        merged = dict(self.fail_values, changed=False)
        merged.update(values)
        self.module.fail_json(msg=msg, **merged)

    def fail_on(self, errors):
        """Fail with every message of errors (None and empty ones dropped)."""
        errors = [e for e in errors if e]
        if errors:
            self.fail("; ".join(errors), errors=errors)

    def file(self, path, option, lock=True, lock_without_dir=False):
        """The _files.FileTarget of path (option names it in messages),
        locked to the end of the task unless in check mode, so concurrent
        tasks on one file queue instead of losing each other's changes. A
        file whose directory is missing is locked only with
        lock_without_dir (the lock then says which directory is missing)."""
        target = _files.FileTarget(path, option)
        self._file = target
        if lock and not self.check_mode:
            if lock_without_dir or os.path.isdir(os.path.dirname(target.path)):
                self._locks.append(_files.lock_for(target.path, option))
        return target

    @property
    def cib(self):
        if self._cib is None:
            self._cib = open_cib(self.module)
        return self._cib

    def booth(self, config_path):
        return _booth.Client(self.run, config_path)

    def which(self, program):
        return self.module.get_bin_path(program)

    def transaction(self, planner, files=()):
        """Plan and apply on the CIB, files committed with it (see
        run_transaction). Returns (result, common return values)."""
        return run_transaction(self.module, planner, self.cib, files)

    def commit(self, files):
        """Commit prepared files of a task that changes no CIB."""
        commit_files(self.module, files)
