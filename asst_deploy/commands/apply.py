"""``asst-deploy apply [PLANFILE]`` and ``asst-deploy destroy``."""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping, TextIO

from ..apply import Applier, ApplyOptions
from ..lock.entry import found_by_markers, write_document
from ..lock.writer import LockState
from ..apply_lock import apply_lock
from ..errors import EXIT_ERROR, EXIT_OK, AsstDeployError
from ..lock.locate import INDEX_FILE
from ..lock.file import LockfileError, check_writable, remove_stale_temp_files
from ..backends.request_label import labelled
from ..account.lease import LABEL as LEASE_LABEL, AccountLease
from ..plan.saved import load_saved_plan, refuse_other_target, refuse_stale
from ..plan.types import Plan
from ..session import Options, Session, leave_runtime_index, load, open_session


@dataclass(frozen=True)
class ApplyFlags:
    auto_approve: bool = False
    wait_timeout: float = 600.0
    lock_timeout: float = 0.0
    plan_file: Path | None = None
    color: bool = False


def _confirm(text: str, out: TextIO, ask: Callable[[str], str]) -> bool:
    out.write(text)
    out.flush()
    try:
        answer = ask("\nDo you want to perform these actions? Only 'yes' will be accepted: ")
    except EOFError:  # Ctrl-D: no answer, so no
        out.write("\n")
        return False
    return answer.strip() == "yes"


def run_apply(options: Options, flags: ApplyFlags, *, destroy: bool = False, out: TextIO | None = None,
              err: TextIO | None = None, interactive: bool | None = None,
              ask: Callable[[str], str] = input) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    from ..render import render

    saved = None
    if flags.plan_file is not None:
        saved = load_saved_plan(flags.plan_file)
        options = replace(options, targets=saved.targets)
    loaded = load(options, err=err)
    project, owner = loaded.project, loaded.owner
    if saved is not None and flags.plan_file is not None:
        refuse_other_target(flags.plan_file, saved, project=owner.project, environment=owner.environment,
                            api=project.api, backend=loaded.connection.backend)
    _refuse_unwritable(project.lockfile, project.root / INDEX_FILE)
    leave_runtime_index(project)
    interactive = sys.stdin.isatty() if interactive is None else interactive
    with apply_lock(project.root, owner.environment, flags.lock_timeout):
        remove_stale_temp_files(project.lockfile)  # a killed apply's; none is being written now
        with open_session(options, err=err, loaded=loaded) as session:
            if saved is None:
                result, desired = session.plan(destroy=destroy)
                if result.empty:  # nothing to change on the account: no account lease needed
                    _record(session, result, out)
                    _clear_dead_leases(session, result, err)
                    out.write(render(result.to_json(fingerprints=False), "text", color=flags.color))
                    return EXIT_OK
            with AccountLease(session.client, owner, flags.lock_timeout, say=_say(err)):
                # planned again under the lease: another clone may have applied since the first look
                result, desired = session.plan(destroy=destroy)
                seen = result.store_usage  # as the account is now, whatever the saved plan saw
                if saved is not None:
                    refuse_stale(saved.plan, result)
                    result = saved.plan
                _record(session, replace(result, store_usage=seen), out)
                if saved is None:
                    shown = render(result.to_json(fingerprints=False), "text", color=flags.color)
                    if result.empty:
                        out.write(shown)
                        return EXIT_OK
                    if not flags.auto_approve:
                        if not interactive:
                            out.write(shown)
                            err.write("error: apply needs --auto-approve when there is no terminal to confirm on "
                                      "(or apply a saved plan: plan --out FILE, then apply FILE)\n")
                            return EXIT_ERROR
                        if not _confirm(shown, out, ask):
                            out.write("Apply cancelled; nothing was changed.\n")
                            return EXIT_ERROR
                    else:
                        out.write(shown)
                if result.empty:
                    out.write("No changes. Your assistants match the manifests.\n")
                    return EXIT_OK
                _execute(session, result, {s.name: s for s in desired.specs}, flags, out)
    counts = result.summary()
    if destroy:
        out.write(f"\nDestroy complete! Resources: {counts['delete']} destroyed. Lockfile: {project.lockfile.name}\n")
        return EXIT_OK
    out.write(f"\nApply complete! Resources: {counts['create']} created, {counts['update']} updated, "
              f"{counts['delete']} deleted. Lockfile: {project.lockfile.name}\n")
    return EXIT_OK


def _refuse_unwritable(*paths: Path) -> None:
    """Before the first write (runtime index, apply lock, lockfile, account): each place takes a file."""
    for path in paths:
        try:
            check_writable(path)
        except LockfileError as exc:
            raise AsstDeployError(str(exc)) from None


def _record(session: Session, result: Plan, out: TextIO) -> None:
    """Name in the lockfile what the markers found and it lacks (a lost lockfile, or a kill between a
    create and the lockfile write), and remember the stores seen agreeing with it (their usage, so
    the next plan need not list them). Nothing on the account changes, so this needs no approval."""
    repairs: Mapping[str, Mapping[str, Any]] = result.lock_repairs
    session.lock.repair(repairs)
    if session.lock.remember_usage(result.store_usage) or repairs:
        write_document(session.project.lockfile, session.lock)
    found = found_by_markers(repairs)
    if found:
        out.write(f"Recorded {len(found)} assistant(s) found on the account by their markers in "
                  f"{session.project.lockfile.name}: {', '.join(found)}\n")


def _clear_dead_leases(session: Session, result: Plan, err: TextIO) -> None:
    """Delete the account leases killed applies left (the plan noted them): an apply with something
    to change clears them as it takes its own, but one with nothing to change takes none."""
    for store_id in result.dead_leases:
        with labelled(LEASE_LABEL):  # -v: a lease, not a manifest's store
            session.storage.delete_store(store_id)
        err.write(f"deleted the account lease {store_id} that a stopped apply left\n")


def _execute(session: Session, result: Plan, specs: dict, flags: ApplyFlags, out: TextIO) -> None:
    state = LockState(session.project.lockfile, session.lock)
    options = ApplyOptions(parallelism=session.parallelism, wait_timeout=flags.wait_timeout,
                           progress=_progress_printer(out))
    out.write("\n")
    Applier(result, specs, session.target, session.storage, session.owner, state, session.project.root,
            options, session.previous_targets).run()
    if not session.project.lockfile.exists():  # a no-write apply (deletes of nothing) still leaves a lock
        write_document(session.project.lockfile, state.lock)


def _say(err: TextIO) -> Callable[[str], None]:
    def say(line: str) -> None:
        err.write(f"{line}\n")
        err.flush()

    return say


def _progress_printer(out: TextIO) -> Callable[[str], None]:
    """One indented line per step, flushed so a long apply shows where it is."""

    def progress(line: str) -> None:
        out.write(f"  {line}\n")
        out.flush()

    return progress


__all__ = ["ApplyFlags", "run_apply"]
