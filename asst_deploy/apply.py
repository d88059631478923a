"""Carries out a Plan's operations: ordered, concurrent, and with the lockfile saved after every step.

The plan's typed operations (``plan/ops.py``: upload, create store, attach and wait, create or
update the assistant, then deletes) run on a bounded pool, each once its dependencies and every
earlier phase are done; the applier dispatches on the operation's type. A failed or interrupted
step stops new steps from starting, lets running ones finish, saves the lockfile and raises, so
the next apply finishes the job: no duplicates (objects are found again by their markers) and no
orphans (every object is named in the lockfile from the moment it exists).
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict, deque
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

from .apply_platform import PlatformSteps
from .backends.agents import AgentsTarget
from .backends.base import Resources, Target
from .backends.platform import AgentPlatform
from .backends.storage import Storage
from .defaults import DEFAULT_PARALLELISM
from .errors import ApiError, AsstDeployError, Interrupted, StalePlanError
from .events import EventSink, StepDone, StepFailed, StepProgress, StepStarted, WaitingOnProcessing, ignore
from .hashing import HashingReader, sha256_file
from .interrupts import STEP_GRACE, worker_pool
from .lock.entry import FILE_ROLES, LockedFile, LockEntry
from .lock.writer import LockState
from .ownership import MARKER_KEY, Owner
from .plan.ops import (
    PHASES,
    CreateStore,
    DeleteAssistant,
    DeleteFile,
    DeleteStore,
    FileRef,
    MoveManifest,
    Operation,
    PutAssistant,
    SetStoreExpiry,
    SyncStore,
    UploadFile,
)
from .spec import Kind

__all__ = ["Applier", "ApplyOptions", "Destination", "LockState"]

T = TypeVar("T")

Done = tuple[str, "str | None"]  # what a step did, for people, and the object it acted on


@dataclass
class ApplyOptions:
    parallelism: int = DEFAULT_PARALLELISM
    wait_timeout: float = 600.0
    on_event: EventSink = ignore


@dataclass(frozen=True)
class Destination:
    """Where an apply writes: the target API (and the ones an api switch leaves objects in), the
    stores and files, whose objects they are, and the project folder uploads are read from."""

    target: Target
    storage: Storage
    owner: Owner
    root: Path
    previous_targets: tuple[Target, ...] = ()


class Applier:
    """Runs bound operations (``plan.compile.bind``): each carries what it acts on."""

    def __init__(self, operations: tuple[Operation, ...], where: Destination, state: LockState,
                 options: ApplyOptions) -> None:
        self.target = where.target
        self.targets: dict[Kind, Target] = {t.capabilities.kind: t for t in (*where.previous_targets, where.target)}
        self.storage = where.storage
        self.owner = where.owner
        self.state = state
        self.root = where.root
        self.options = options
        self.operations = operations
        self.deleting = frozenset(op.file_id for op in self.operations if isinstance(op, DeleteFile))
        # file objects this apply attaches to (another) manifest: one that lets go of them keeps
        # naming them (retired_files) until the manifest they move to does, so a stop between the
        # two leaves no orphan
        self.moving = frozenset(ref.file_id for op in self.operations for ref in (
            op.attach if isinstance(op, SyncStore) else op.code_interpreter_files if isinstance(op, PutAssistant)
            else ()) if ref.file_id)
        self.uploaded: dict[str, str] = {}  # sha256 -> file id, for this run
        self.done: list[str] = []
        self.uploads_total = sum(1 for op in self.operations if isinstance(op, UploadFile))  # for progress counts
        self.uploads_done = 0
        self._count_lock = threading.Lock()
        self.platform_steps = PlatformSteps(lambda: _agent_platform(self.targets), self.owner, state)
        self.handlers: dict[type, Callable[[Any], Done]] = {
            MoveManifest: self._move, UploadFile: self._upload, CreateStore: self._create_store, SyncStore: self._sync_store,
            SetStoreExpiry: self._set_expiry, PutAssistant: self._put_assistant, DeleteAssistant: self._delete_assistant,
            DeleteStore: self._delete_store, DeleteFile: self._delete_file,
            **self.platform_steps.handlers(),
        }

    def _run(self, op: Operation) -> None:
        emit = self.options.on_event
        emit(StepStarted(op.key, op.op, op.name))
        try:
            summary, object_id = self.handlers[type(op)](op)
        except BaseException as exc:
            emit(StepFailed(op.key, op.op, op.name, f"{type(exc).__name__}: {exc}"))
            raise
        emit(StepDone(op.key, op.op, op.name, summary, object_id))

    # -- operations -----------------------------------------------------------------------------
    def _move(self, op: MoveManifest) -> Done:
        metadata = {MARKER_KEY: self.owner.marker(op.name)}
        for store_id in op.stores:
            self.storage.rename_store(store_id, f"{self.owner.project}/{self.owner.environment}/{op.name}", metadata)
        self.platform_steps.move_parts(op)  # the agent's vault credentials and automations
        if op.entry:
            self.state.move(op.old, op.name)
        return f"moved {op.old} to {op.name} (renamed_from)", None

    def _upload(self, op: UploadFile) -> Done:
        stale = StalePlanError(f"{op.path} changed since the plan was made; run plan again")
        if sha256_file(self.root / op.path)[0] != op.sha256:  # in chunks, like the upload: memory stays flat
            raise stale
        with open(self.root / op.path, "rb") as handle:
            content = HashingReader(handle)
            file_id = self.storage.upload(self.owner.filename(op.sha256, op.path), content,
                                          label=f"{op.path} ({op.role} of {op.name})")
        if content.hexdigest() != op.sha256:  # changed while it was sent: the name would lie about the content
            self.storage.delete_file(file_id)
            raise stale
        self.uploaded[op.sha256] = file_id
        item = LockedFile(file_id, op.sha256)

        def record(entry: LockEntry) -> None:  # named at once, so a crash leaves no orphan
            if op.role == "code_interpreter_files":
                entry.code_interpreter_files[op.path] = item  # attached by the assistant's update
            else:
                entry.pending_files[op.path] = item  # attached by the store sync

        self.state.update(op.name, record)
        with self._count_lock:
            self.uploads_done += 1
            count = f"{self.uploads_done}/{self.uploads_total}"
        return f"uploaded {op.path} ({file_id}) [{count} files]", file_id

    def _file_id(self, ref: FileRef) -> str:
        return ref.file_id or self.uploaded[ref.sha256]

    def _create_store(self, op: CreateStore) -> Done:
        metadata = {MARKER_KEY: self.owner.marker(op.name)}
        store_id = self.storage.create_store(f"{self.owner.project}/{self.owner.environment}/{op.name}", metadata,
                                             op.expires_after)

        def record(entry: LockEntry) -> None:
            entry.vector_store_id = store_id
            entry.files = {}
            entry.chunking_strategy = None  # its files are attached by the sync, with the manifest's

        self.state.update(op.name, record)
        return f"created vector_store.{op.name} ({store_id})", store_id

    def _set_expiry(self, op: SetStoreExpiry) -> Done:
        self.storage.set_expiry(op.store_id, op.expires_after)
        return f"vector_store.{op.name}: " + (
            f"expires {op.expires_after['days']} days after its last use" if op.expires_after
            else "never expires"), op.store_id

    def _sync_store(self, op: SyncStore) -> Done:
        store_id = self.state.get(op.name).vector_store_id
        if not store_id:
            raise ApiError(f"vector store for {op.name} is missing from the lockfile; run plan again")
        # the store changes now: until it is seen again below, a plan must list it (a kill in between)
        self.state.update(op.name, lambda entry: setattr(entry, "store_usage", None))
        for file_id in dict.fromkeys(self._file_id(ref) for ref in op.reattach):  # chunked anew when attached again
            self.storage.detach(store_id, file_id)
        refs = (*op.reattach, *op.attach)
        members = [(self._file_id(ref), {"path": ref.path, "sha256": ref.sha256, **dict(ref.attributes)}) for ref in refs]
        once: dict[str, tuple[str, dict[str, Any]]] = {}  # identical contents: a store holds a file once
        for file_id, attrs in members:
            once.setdefault(file_id, (file_id, attrs))
        unique = list(once.values())
        emit = self.options.on_event
        self.storage.attach(store_id, unique, progress=lambda done: emit(StepProgress(
            op.key, f"vector_store.{op.name}", done, len(unique), "files attached")),
            chunking_strategy=op.chunking_strategy)
        for ref in op.retag:
            self.storage.set_attributes(store_id, self._file_id(ref), {
                "path": ref.path, "sha256": ref.sha256, **dict(ref.attributes)}, f"{ref.path} (files of {op.name})")

        def attached(entry: LockEntry) -> None:
            for ref in (*refs, *op.retag):
                entry.attach(ref.path, LockedFile(self._file_id(ref), ref.sha256, ref.attributes),
                             deleting=self.deleting)
            entry.chunking_strategy = op.chunking_strategy

        self.state.update(op.name, attached)
        self._taken_over({file_id for file_id, _ in members})
        seen = self.storage.wait(store_id, time.monotonic() + self.options.wait_timeout, op.name,
                                 lambda completed, total: emit(WaitingOnProcessing(op.name, store_id, completed, total)))
        keep = {item.id for path, item in self.state.get(op.name).files.items() if path in _bound(op, op.listed)}
        detached = 0
        for detach in op.detach:
            if detach.file_id and detach.file_id not in keep:  # a rename or swap re-attached it under a listed path
                self.storage.detach(store_id, detach.file_id)
                detached += 1
            if detach.forget:
                path = detach.path
                self.state.update(op.name, lambda entry: self._let_go(entry, entry.files.pop(path, None)))
        if detached:
            seen = self.storage.usage(store_id)
        self.state.update(op.name, lambda entry: setattr(entry, "store_usage", seen))
        return (f"vector_store.{op.name}: {len(op.attach)} attached, {detached} detached"
                + (f", {len(op.reattach)} re-attached" if op.reattach else "")
                + (f", {len(op.retag)} with new attributes" if op.retag else "")), store_id

    def _let_go(self, entry: LockEntry, item: LockedFile | None) -> None:
        """``entry`` no longer holds ``item``: named under retired_files while a later step deletes
        it, or while the manifest it moves to does not name it yet. (Called by ``LockState.update``,
        under its lock: reading the other entries here is safe.)"""
        if item is None or item.id in {f.id for role in FILE_ROLES for f in entry.role(role).values()}:
            return  # renamed (re-attached under its new path), or one content of two paths: still in use here
        moved = item.id in self.moving and not any(
            other is not entry and item.id in {f.id for role in FILE_ROLES for f in other.role(role).values()}
            for other in self.state.lock.entries.values())
        entry.retire(item, self.deleting | ({item.id} if moved else set()))

    def _taken_over(self, file_ids: set[str]) -> None:
        """``name`` now names these file objects: another entry that kept them retired lets go."""
        moved = (file_ids & self.moving) - self.deleting
        if moved:
            def unretire(entry: LockEntry) -> None:
                for file_id in moved:
                    entry.retired_files.pop(file_id, None)

            self.state.update_all(unretire)

    def _put_assistant(self, op: PutAssistant) -> Done:
        spec, applied = _bound(op, op.spec), _bound(op, op.applied)
        current = self.state.get(op.name)
        store_id = current.vector_store_id if spec.files else None
        ci = dict(current.code_interpreter_files)
        for path in op.code_interpreter_removed:
            ci.pop(path, None)
        for ref in op.code_interpreter_files:
            ci[ref.path] = LockedFile(self._file_id(ref), ref.sha256)
        ci = {f.path: ci[f.path] for f in spec.code_interpreter_files if f.path in ci}
        resources = Resources(store_id, tuple(item.id for item in ci.values()), dict(current.credentials))
        metadata = {**spec.metadata, MARKER_KEY: self.owner.marker(op.name)}
        if op.create:
            deployed = self.target.create(spec, metadata, resources)
        else:
            deployed = self.target.update(op.object_id, spec, op.changed, metadata, resources)
        caps = self.target.capabilities

        def record(entry: LockEntry) -> None:
            if entry.api not in (None, caps.api) and entry.id and entry.id != deployed.id:
                entry.replaced_api = entry.api  # its old object is deleted later, even after a crash
            if deployed.id:
                entry.id = deployed.id
            entry.api = caps.api
            kept = {item.id for item in ci.values()}
            for item in entry.code_interpreter_files.values():
                if item.id not in kept:
                    self._let_go(entry, item)
            entry.code_interpreter_files = ci
            entry.reasoning_effort = deployed.reasoning_effort
            entry.responses = dict(deployed.responses) if deployed.responses is not None else None
            entry.spec = dict(deployed.spec) if deployed.spec is not None else None
            entry.settings = dict(deployed.settings) if deployed.settings else None
            entry.responses_env = list(deployed.responses_env) if deployed.responses_env else None
            entry.applied = applied
            entry.environment = dict(spec.environment) if spec.environment else None

        self.state.update(op.name, record)
        self._taken_over({item.id for item in ci.values()})
        verb = "created" if op.create else "updated"
        return f"{verb} {op.kind.value}.{op.name}" + (f" ({deployed.id})" if deployed.id else ""), deployed.id

    def _delete_assistant(self, op: DeleteAssistant) -> Done:
        target = self.targets.get(op.kind)
        if target is None:
            raise AsstDeployError(f"internal: no backend to delete {op.kind.value}.{op.name}")
        caps = target.capabilities
        if op.object_id and caps.server_object:
            target.delete(op.object_id)

        def forget(entry: LockEntry) -> None:
            # the object an api migration replaced is gone (its id may still be the entry's, when
            # the new api keeps no server object)
            replaced = caps.server_object and entry.replaced_api == caps.api
            if not caps.server_object:  # only the lockfile held it
                entry.responses = entry.spec = entry.responses_env = None
                touched = True
            elif op.object_id and entry.id == op.object_id:
                entry.id = entry.reasoning_effort = None
                touched = True
            else:
                touched = replaced  # else a twin: the entry names the one kept
            if replaced:
                entry.replaced_api = None
            if not (entry.id or entry.responses):
                entry.api = None
            if not _bound(op, op.manifest_kept) and touched:  # the manifest is gone: so are its attachments
                entry.release("code_interpreter_files", self.deleting)

        self.state.update(op.name, forget)
        return f"deleted {op.kind.value}.{op.name}" + (f" ({op.object_id})" if op.object_id else ""), op.object_id

    def _delete_store(self, op: DeleteStore) -> Done:
        self.storage.delete_store(op.store_id)

        def forget(entry: LockEntry) -> None:
            if entry.vector_store_id == op.store_id:
                entry.vector_store_id = entry.chunking_strategy = None
                entry.release("files", self.deleting)

        self.state.update(op.name, forget)
        return f"deleted vector_store.{op.name} ({op.store_id})", op.store_id

    def _delete_file(self, op: DeleteFile) -> Done:
        self.storage.delete_file(op.file_id)
        self.state.update_all(lambda entry: entry.forget_file(op.file_id))
        return f"deleted file {op.path or op.file_id} ({op.file_id})", op.file_id

    # -- running --------------------------------------------------------------------------------
    def run(self) -> None:
        schedule = _Schedule(self.operations)
        errors: list[BaseException] = []
        stop = threading.Event()
        running: dict[Future[None], str] = {}
        self.state.start()
        try:
            with worker_pool(max(1, self.options.parallelism)) as pool:
                try:
                    while True:
                        while not stop.is_set() and len(running) < self.options.parallelism:
                            key = schedule.take()
                            if key is None:
                                break
                            running[pool.submit(self._run, schedule.steps[key])] = key
                        if not running:
                            if schedule.pending and not stop.is_set():
                                raise AsstDeployError("internal: apply steps wait on each other: "
                                                      + ", ".join(sorted(schedule.pending)))
                            break
                        done, _ = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
                        for future in done:
                            key = running.pop(future)
                            error = future.exception()
                            if error is None:
                                schedule.finish(key)
                                self.done.append(key)
                            else:
                                errors.append(error)
                                stop.set()
                except KeyboardInterrupt:
                    stop.set()
                    # steps in flight finish and record themselves, if they can do it soon
                    _, still = wait(running, timeout=STEP_GRACE)
                    self.done += [running[future] for future in running if future not in still
                                  and future.exception() is None]
                    raise _interrupted(len(self.done), len(still), self.state.path.name) from None
        finally:
            self.state.close()
        if errors:
            _raise_first(errors, len(self.done), len(schedule.pending))


def _agent_platform(targets: dict[Kind, Target]) -> AgentPlatform:
    """The vault, credentials and automations API: the agents target's (now, or before an api switch)."""
    target = targets.get(Kind.AGENT)
    if not isinstance(target, AgentsTarget):
        raise AsstDeployError("internal: a vault, credential or automation step without the Agents API")
    return target.platform


def _bound(op: Operation, value: T | None) -> T:
    """An operation's payload; one read from a saved plan and never bound is a bug, not a guess."""
    if value is None:
        raise AsstDeployError(f"internal: {op.key} is not bound to its manifest")
    return value


def _interrupted(done: int, still: int, lockfile: str) -> Interrupted:
    return Interrupted(f"interrupted: {done} step(s) done and saved in {lockfile}"
                       + (f"; {still} left running (what they made carries its ownership marker and the "
                          "next apply takes it up)" if still else "")
                       + "; run apply again to finish")


def _raise_first(errors: list[BaseException], done: int, left: int) -> None:
    """The first failure, saying how many more failed and what the lockfile holds."""
    first = errors[0]
    more = f" ({len(errors) - 1} more step(s) failed)" if len(errors) > 1 else ""
    tail = f"; {done} step(s) done and saved in the lockfile, {left} not started: run apply again to finish"
    if isinstance(first, AsstDeployError):
        raise type(first)(str(first) + more + tail) from first
    raise ApiError(f"{type(first).__name__}: {first}{more}{tail}") from first


class _Schedule:
    """Which step may start next: its dependencies done, and every earlier phase finished.

    Dependency counts and per-phase queues make each decision O(1), so an apply of thousands of
    steps spends no time rescanning what waits."""

    def __init__(self, operations: tuple[Operation, ...]) -> None:
        steps = self.steps = {op.key: op for op in operations}
        self.pending = set(steps)  # not started yet
        self.unfinished = Counter(step.phase for step in steps.values())
        self.waiting: dict[str, int] = {}
        self.dependents: dict[str, list[str]] = defaultdict(list)
        self.ready: dict[int, deque[str]] = {phase: deque() for phase in PHASES}
        for key, step in steps.items():
            deps = [dep for dep in step.deps if dep in steps]
            self.waiting[key] = len(deps)
            for dep in deps:
                self.dependents[dep].append(key)
            if not deps:
                self.ready[step.phase].append(key)

    def take(self) -> str | None:
        for phase in sorted(self.ready):
            if self.ready[phase]:
                key = self.ready[phase].popleft()
                self.pending.discard(key)
                return key
            if self.unfinished[phase]:
                return None  # later phases wait for this one
        return None

    def finish(self, key: str) -> None:
        self.unfinished[self.steps[key].phase] -= 1
        for dependent in self.dependents.pop(key, ()):
            self.waiting[dependent] -= 1
            if self.waiting[dependent] == 0:
                self.ready[self.steps[dependent].phase].append(dependent)
