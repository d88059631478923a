"""One apply (or destroy) from start to end, as a domain operation (after Terraform's local backend
"operation" and sqlmesh's ``PlanEvaluator``): the commands only parse options and hand off here.

The order is what keeps an apply safe, so it lives in one place: read a saved plan and refuse it
for another target; refuse an unwritable lockfile before the first write; take the local apply
lock; plan, and stop without the account lease when nothing changes; take the lease and plan again
under it (another clone may have applied meanwhile), refusing a stale saved plan; record lock
repairs; show the plan and ask; then run the plan's operations. Everything said along the way
goes through the one ``Console``: results, and the ``events`` the applier emits.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from .account.lease import LABEL as LEASE_LABEL, AccountLease
from .apply import Applier, ApplyOptions, Destination
from .apply_lock import apply_lock
from .backends.request_label import labelled
from .checks.gate import refusals, skip_records, skipped
from .console import Console
from .errors import EXIT_ERROR, EXIT_OK, AsstDeployError
from .events import DeadLeaseDeleted
from .lock.entry import found_by_markers, write_document
from .lock.evidence import Evidence, record_evidence
from .lock.file import LockfileError, check_writable, remove_stale_temp_files
from .lock.locate import INDEX_FILE
from .lock.writer import LockState
from .plan.saved import SavedPlan, load_saved_plan, refuse_other_target, refuse_stale
from .plan.compile import operations_of
from .plan.desired import Desired
from .plan.types import Plan
from .publish.run import Publishing, refuse_missing_boto3
from .session import Loaded, Options, Session, leave_runtime_index, load, open_session, read_lockfile


@dataclass(frozen=True)
class ApplyRequest:
    """What the user asked of this apply, beside the common options."""

    destroy: bool = False
    auto_approve: bool = False
    wait_timeout: float = 600.0
    lock_timeout: float = 0.0
    plan_file: Path | None = None  # carry out this saved plan, exactly
    color: bool = False
    fmt: str = "text"  # how the plan is shown before it is carried out


class ApplyOperation:
    """Run with ``run()``, which returns the exit code; errors raise ``AsstDeployError``."""

    def __init__(self, options: Options, request: ApplyRequest, console: Console) -> None:
        self.options = options
        self.request = request
        self.console = console
        self.saved: SavedPlan | None = None
        if request.plan_file is not None:
            self.saved = load_saved_plan(request.plan_file)
            self.options = replace(options, targets=self.saved.targets,
                                   rotate_credentials=self.saved.rotate_credentials)
        # a saved destroy plan is carried out as a destroy, whichever command reads it
        self.destroy = request.destroy or (self.saved is not None and self.saved.plan.destroy)
        self.skips: dict[str, Evidence] = {}  # --skip-checks: what it let through, recorded

    def run(self) -> int:
        loaded = self._load()
        project, owner = loaded.project, loaded.owner
        with apply_lock(project.root, owner.environment, self.request.lock_timeout):
            remove_stale_temp_files(project.lockfile)  # a killed apply's; none is being written now
            code, changed = self._apply(loaded)
            if code == EXIT_OK:  # the lockfile is written: publish it (an owed publish, at least)
                self._publish(loaded, changed)
        return code

    def _apply(self, loaded: Loaded) -> tuple[int, bool]:
        """The exit code, and whether the account changed."""
        with open_session(self.options, err=self.console.stderr, loaded=loaded,
                          on_event=self.console.emit) as session:
            result = self._first_look(session)
            if result is None:
                return EXIT_OK, False
            self._gate(session, result)
            with AccountLease(session.client, loaded.owner, self.request.lock_timeout, on_event=self.console.emit):
                outcome = self._under_lease(session)
                if isinstance(outcome, int):
                    return outcome, False
                self._execute(session, *outcome)
        return self._finish(outcome[0], loaded.project.lockfile.name), True

    def _publish(self, loaded: Loaded, changed: bool) -> None:
        """The ids document to every destination after a change, else to those it is owed to."""
        publishing = Publishing(loaded.project, read_lockfile(loaded.project, loaded.owner))
        written = publishing.run(only_owed=not changed) if publishing.destinations() else []
        if written:
            self.console.out(f"Published the ids to {', '.join(written)}\n")

    def _load(self) -> Loaded:
        """The project, with every check that needs no request: the saved plan is for it, and each
        file the apply writes can be written."""
        loaded = load(self.options, err=self.console.stderr)
        if self.saved is not None and self.request.plan_file is not None:
            refuse_other_target(self.request.plan_file, self.saved, project=loaded.owner.project,
                                environment=loaded.owner.environment, api=loaded.project.api,
                                backend=loaded.connection.backend)
        _refuse_unwritable(loaded.project.lockfile, loaded.project.root / INDEX_FILE)
        refuse_missing_boto3(loaded.project, loaded.owner.project)
        leave_runtime_index(loaded.project)
        return loaded

    def _first_look(self, session: Session) -> Plan | None:
        """A plan without the account lease; None when it has nothing to change, after recording
        what the lockfile lacks and deleting leases stopped applies left (such an apply takes none)."""
        if self.saved is not None:
            require_secrets(self.saved.plan)
            return self.saved.plan
        result, _ = session.plan(destroy=self.destroy)
        if not result.empty:
            require_secrets(result)
            return result
        self._record(session, result)
        for store_id in result.dead_leases:
            with labelled(LEASE_LABEL):  # -v: a lease, not a manifest's store
                session.storage.delete_store(store_id)
            self.console.emit(DeadLeaseDeleted(store_id))
        self.console.out(self._shown(result))
        return None

    def _gate(self, session: Session, result: Plan) -> None:
        """Before any write: an environment promoted from another takes only what passed its checks
        there (checks/gate.py); a saved plan is judged as the lockfiles are now. A destroy takes nothing."""
        if self.destroy:
            return
        found = {k: v.to_json() for k, v in session.check_statuses(result).items()}
        refused = refusals(session.project, found)
        if refused:
            self.console.out(self._shown(replace(result, checks=found)))
            for line in refused:
                self.console.error(line)
            raise AsstDeployError(f"{len(refused)} assistant(s) have not passed their checks where "
                                  f"{session.project.environment!r} promotes from; nothing was changed")
        for line in skipped(found, self.options.skip_checks):
            self.console.warn(line)
        if self.options.skip_checks is not None:
            at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
            self.skips = skip_records(session.project, found, self.options.skip_checks, at)

    def _under_lease(self, session: Session) -> int | tuple[Plan, Desired]:
        """Plan again under the lease (another clone may have applied since the first look), record
        lock repairs, and ask; the exit code when the apply stops here, else what to carry out."""
        fresh, desired = session.plan(destroy=self.destroy)
        result = fresh
        if self.saved is not None:
            refuse_stale(self.saved.plan, fresh)
            result = self.saved.plan
        # the stores' usage as the account is now, whatever a saved plan saw
        self._record(session, replace(result, store_usage=fresh.store_usage))
        if self.saved is None:
            shown = self._shown(result)
            if result.empty:
                self.console.out(shown)
                return EXIT_OK
            if not self._approved(shown):
                return EXIT_ERROR
        if result.empty:
            self.console.out("No changes. Your assistants match the manifests.\n")
            return EXIT_OK
        return result, desired

    def _approved(self, shown: str) -> bool:
        if self.request.auto_approve:
            self.console.out(shown)
            return True
        if not self.console.interactive:
            command = "destroy" if self.destroy else "apply"
            self.console.out(shown)
            self.console.error(f"{command} needs --auto-approve when there is no terminal to confirm on "
                               f"(or {command} a saved plan: {'destroy' if self.destroy else 'plan'} --out FILE, "
                               "then apply FILE)")
            return False
        if not self.console.confirm(shown):
            self.console.out(f"{'Destroy' if self.destroy else 'Apply'} cancelled; nothing was changed.\n")
            return False
        return True

    def _shown(self, result: Plan) -> str:
        from .render import render

        fmt = self.request.fmt
        return render(result.to_json(fingerprints=fmt == "json"), fmt, color=self.request.color and fmt == "text")

    def _record(self, session: Session, result: Plan) -> None:
        """Name in the lockfile what the markers found and it lacks (a lost lockfile, or a kill between
        a create and the lockfile write), and remember the stores seen agreeing with it (their usage,
        so the next plan need not list them). Nothing on the account changes: no approval needed."""
        repairs = result.lock_repairs
        session.lock.repair(repairs)
        if session.lock.remember_usage(result.store_usage) or repairs:
            write_document(session.project.lockfile, session.lock)
        found = found_by_markers(repairs)
        if found:
            self.console.out(f"Recorded {len(found)} assistant(s) found on the account by their markers in "
                             f"{session.project.lockfile.name}: {', '.join(found)}\n")

    def _execute(self, session: Session, result: Plan, desired: Desired) -> None:
        if self.skips:  # recorded with the apply they let through, whatever becomes of it
            record_evidence(session.lock, self.skips)
        state = LockState(session.project.lockfile, session.lock)
        options = ApplyOptions(parallelism=session.parallelism, wait_timeout=self.request.wait_timeout,
                               on_event=self.console.emit)
        self.console.out("\n")
        where = Destination(session.target, session.storage, session.owner, session.project.root,
                            session.previous_targets)
        Applier(operations_of(result, desired), where, state, options).run()
        if not session.project.lockfile.exists():  # a no-write apply (deletes of nothing) still leaves a lock
            write_document(session.project.lockfile, state.lock)

    def _finish(self, result: Plan, lockfile: str) -> int:
        counts = result.summary()
        if self.destroy:
            self.console.out(f"\nDestroy complete! Resources: {counts['delete']} destroyed. Lockfile: {lockfile}\n")
        else:
            self.console.out(f"\nApply complete! Resources: {counts['create']} created, {counts['update']} updated, "
                             f"{counts['delete']} deleted. Lockfile: {lockfile}\n")
        return EXIT_OK


def require_secrets(result: Plan) -> None:
    """Every variable the plan's credential creates and rotations send is set here, before any write
    (the account lease included): a missing one would stop the apply half done."""
    from .apply_platform import missing_secret, unset_variables

    missing = [missing_secret(name, label, env) for name, label, env in unset_variables(result.changes)]
    if missing:
        raise AsstDeployError("; ".join(missing) + "; nothing was sent to the API")


def _refuse_unwritable(*paths: Path) -> None:
    """Before the first write (runtime index, apply lock, lockfile, account): each place takes a file."""
    for path in paths:
        try:
            check_writable(path)
        except LockfileError as exc:
            raise AsstDeployError(str(exc)) from None


__all__ = ["ApplyOperation", "ApplyRequest"]
