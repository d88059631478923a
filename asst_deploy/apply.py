"""Carries out a Plan: ordered, concurrent, and with the lockfile saved after every step.

The plan's changes become a small graph of steps (upload, create store, attach and wait, create or
update the assistant, then deletes) run by a bounded pool. A failed or interrupted step stops new
steps from starting, lets running ones finish, saves the lockfile and raises, so the next apply
finishes the job: no duplicates (objects are found again by their markers) and no orphans.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import Counter, defaultdict, deque
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from .backends.base import Resources, Target
from .backends.storage import Storage
from .errors import ApiError, AsstDeployError, Interrupted, StalePlanError
from .lockfile import IncrementalDump, write_lock_text
from .ownership import MARKER_KEY, Owner
from .plan.planner import spec_digest
from .plan.types import Action, Change, Kind, Plan
from .spec import AssistantSpec

FILE_ROLES = ("files", "code_interpreter_files")
# Every lockfile map that names file objects: attached ones, uploads not yet attached, and replaced
# ones that a later step of the same apply deletes (named until then, so a stop leaves no orphan).
TRACKED_FILES = (*FILE_ROLES, "pending_files", "retired_files")


WRITE_INTERVAL = 0.02  # seconds a change may wait for the lockfile write that carries it

# Phases, in order: creates and updates; then deletes of assistants and stores; then of files.
WRITES, DELETES, FILE_DELETES = 0, 1, 2


@dataclass
class Step:
    key: str
    run: Callable[[], None]
    deps: set[str] = field(default_factory=set)
    label: str = ""
    phase: int = WRITES  # a step starts only once every step of an earlier phase has finished


def _phase(key: str) -> int:
    if key.startswith("delete-file"):
        return FILE_DELETES
    if key.startswith(("delete-assistant", "delete-store")):
        return DELETES
    return WRITES


class LockState:
    """The lockfile in memory, saved atomically (temp file, fsync, rename) after every change.

    A writer thread saves while the steps go on: each write carries every change made before it
    started, and changes that come in during a write go into the next one. So N steps cost far
    fewer than N full rewrites, and no request waits for a disk. ``close`` saves the last changes
    and returns only when they are on disk; an apply that is killed between a step and its write
    leaves at most that step's object out of the lockfile, and the next plan adopts it by its
    ownership marker (as after a kill between a create and any write).
    """

    def __init__(self, path: Path, lock: dict[str, Any]) -> None:
        self.path = path
        self.lock = lock
        self._mutex = threading.Lock()  # guards self.lock and the counters
        self._changed = threading.Condition(self._mutex)
        self._writing = threading.Lock()
        self._changes = 0  # changes made to self.lock
        self._saved = 0  # changes contained in the file on disk
        self._dumper = IncrementalDump()
        self._dirty: set[str] | None = None  # entries changed since the last dump; None: all
        self._closing = False
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def entry(self, name: str) -> dict[str, Any]:
        return self.lock["assistants"].setdefault(name, {})

    def update(self, change: Callable[[dict[str, Any]], None], name: str | None = None) -> None:
        """Apply ``change`` and have it saved; ``name`` is the only entry it touches (None: any)."""
        with self._mutex:
            if self._error is not None:
                raise AsstDeployError(f"cannot write {self.path.name}: {self._error}")
            change(self.lock["assistants"])
            self._changes += 1
            if self._dirty is not None:
                if name is None:
                    self._dirty = None
                else:
                    self._dirty.add(name)
            self._changed.notify()
        if self._thread is None:  # no writer running (direct use): save now
            self._write_pending()

    def get(self, name: str) -> dict[str, Any]:
        with self._mutex:
            return dict(self.lock["assistants"].get(name) or {})

    def start(self) -> None:
        self._thread = threading.Thread(target=self._write_loop, name="lockfile-writer", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Save what is left and stop the writer; raises if the lockfile could not be written."""
        if self._thread is not None:
            with self._mutex:
                self._closing = True
                self._changed.notify()
            self._thread.join()
            self._thread = None
        self._write_pending()
        if self._error is not None:
            raise AsstDeployError(f"cannot write {self.path.name}: {self._error}")

    def _write_loop(self) -> None:
        while True:
            with self._mutex:
                while self._saved == self._changes and not self._closing:
                    self._changed.wait()
                if self._saved == self._changes and self._closing:
                    return
                # let a burst of changes gather into one write (closing writes at once)
                self._changed.wait_for(lambda: self._closing, timeout=WRITE_INTERVAL)
            try:
                self._write_pending()
            except OSError as exc:
                with self._mutex:
                    self._error = exc
                return

    def _write_pending(self) -> None:
        with self._writing:  # writes in order: a later rename never carries older content
            with self._mutex:
                if self._saved == self._changes and self._saved:
                    return
                text = self._dumper.dump(self.lock, self._dirty)
                self._dirty = set()
                contains = self._changes
            write_lock_text(self.path, text)
            with self._mutex:
                self._saved = contains


@dataclass
class ApplyOptions:
    parallelism: int = 8
    wait_timeout: float = 600.0
    progress: Callable[[str], None] = lambda line: None


class Applier:
    def __init__(self, plan: Plan, specs: Mapping[str, AssistantSpec], target: Target, storage: Storage,
                 owner: Owner, state: LockState, root: Path, options: ApplyOptions,
                 previous_targets: tuple[Target, ...] = ()) -> None:
        self.plan = plan
        self.specs = specs
        self.target = target
        self.targets = {t.kind.value: t for t in (*previous_targets, target)}
        self.storage = storage
        self.owner = owner
        self.state = state
        self.root = root
        self.options = options
        self.uploaded: dict[str, str] = {}  # sha256 -> file id, for this run
        # every content a manifest still uses: its file objects are kept
        self.wanted_shas = {f.sha256 for spec in specs.values() for role in FILE_ROLES for f in getattr(spec, role)}
        self.steps: dict[str, Step] = {}
        self.done: list[str] = []

    # -- building the graph ---------------------------------------------------------------------
    def build(self) -> dict[str, Step]:
        by_name: dict[str, list[Change]] = {}
        for change in self.plan.changes:
            by_name.setdefault(change.name, []).append(change)
        for name, changes in sorted(by_name.items()):
            self._steps_for(name, changes)
        for key, step in self.steps.items():  # deletes come last, and file objects after all else
            step.phase = _phase(key)
        return self.steps

    def _add(self, step: Step) -> None:
        if step.key not in self.steps:
            self.steps[step.key] = step

    def _steps_for(self, name: str, changes: list[Change]) -> None:
        spec = self.specs.get(name)
        store_create = any(c.type is Kind.VECTOR_STORE and c.action is Action.CREATE for c in changes)
        retrieval = [c for c in changes if c.type is Kind.FILE and c.role == "files"]
        ci_changes = [c for c in changes if c.type is Kind.FILE and c.role == "code_interpreter_files"]
        uploads = set()
        for change in retrieval + ci_changes:
            if change.action in (Action.CREATE, Action.UPDATE) and not (change.after or {}).get("file_id"):
                uploads.add(self._upload_step(name, change))
        if store_create:
            self._add(Step(f"store:{name}", lambda: self._create_store(name), label=f"vector_store.{name}"))
        if retrieval and spec is not None:
            deps = {k for k in uploads if self._role_of_upload(k, retrieval)} | ({f"store:{name}"} if store_create else set())
            self._add(Step(f"attach:{name}", lambda: self._sync_store(name, retrieval), deps, f"vector_store.{name}"))
        for change in changes:
            if change.type in (Kind.ASSISTANT, Kind.AGENT, Kind.RESPONSES):
                if change.action is Action.DELETE:
                    self._add(Step(f"delete-assistant:{name}:{change.id}",
                                   functools.partial(self._delete_assistant, change), label=change.address))
                else:
                    deps = set(uploads) | {k for k in (f"store:{name}", f"attach:{name}") if k in self.steps}
                    self._add(Step(f"assistant:{name}", functools.partial(self._put_assistant, change, ci_changes),
                                   deps, change.address))
            elif change.type is Kind.VECTOR_STORE and change.action is Action.DELETE:
                deps = {f"assistant:{name}"} if f"assistant:{name}" in self.steps else set()
                self._add(Step(f"delete-store:{change.id}", functools.partial(self._delete_store, change), deps,
                               change.address))
            elif change.type is Kind.FILE and change.action in (Action.DELETE, Action.UPDATE):
                old = (change.before or {}).get("file_id") or change.id
                if old and self._object_unused(change):
                    self._add(Step(f"delete-file:{old}", functools.partial(self._delete_file, change, old),
                                   label=change.address))
        if ci_changes and not any(c.type in (Kind.ASSISTANT, Kind.AGENT, Kind.RESPONSES) for c in changes):
            raise AsstDeployError(f"internal: code-interpreter file changes for {name} without an assistant update")

    @staticmethod
    def _role_of_upload(key: str, retrieval: list[Change]) -> bool:
        sha = key.split(":", 1)[1]
        return any((c.after or {}).get("sha256") == sha for c in retrieval)

    def _object_unused(self, change: Change) -> bool:
        """Delete a file object only if no manifest still wants its content (or it is a duplicate)."""
        if change.role is None:
            return True
        return (change.before or {}).get("sha256") not in self.wanted_shas

    def _upload_step(self, name: str, change: Change) -> str:
        sha = _after(change)["sha256"]
        key = f"upload:{sha}"
        self._add(Step(key, lambda: self._upload(name, change), label=f"file.{name}:{change.path}"))
        return key

    # -- steps ----------------------------------------------------------------------------------
    def _upload(self, name: str, change: Change) -> None:
        path, sha = _path(change), _after(change)["sha256"]
        content = (self.root / path).read_bytes()
        if hashlib.sha256(content).hexdigest() != sha:
            raise StalePlanError(f"{path} changed since the plan was made; run plan again")
        file_id = self.storage.upload(self.owner.filename(sha, path), content)
        self.uploaded[sha] = file_id
        role = change.role

        def record(entries: dict[str, Any]) -> None:  # named at once, so a crash leaves no orphan
            entries.setdefault(name, {}).setdefault(role, {})[path] = {"id": file_id, "sha256": sha}

        if role == "code_interpreter_files":
            self.state.update(record, name)  # attached by the assistant's update; until then the lock names it
        else:
            self.state.update(lambda e: e.setdefault(name, {}).setdefault("pending_files", {}).__setitem__(path, {"id": file_id, "sha256": sha}), name)
        self.options.progress(f"uploaded {path} ({file_id})")

    def _file_id(self, change: Change) -> str:
        return (change.after or {}).get("file_id") or self.uploaded[_after(change)["sha256"]]

    def _create_store(self, name: str) -> None:
        metadata = {MARKER_KEY: self.owner.marker(name)}
        store_id = self.storage.create_store(f"{self.owner.project}/{self.owner.environment}/{name}", metadata)
        self.state.update(lambda e: e.setdefault(name, {}).update(vector_store_id=store_id, files={}), name)
        self.options.progress(f"created vector_store.{name} ({store_id})")

    def _sync_store(self, name: str, changes: list[Change]) -> None:
        store_id = self.state.get(name).get("vector_store_id")
        if not store_id:
            raise ApiError(f"vector store for {name} is missing from the lockfile; run plan again")
        adds = [c for c in changes if c.action in (Action.CREATE, Action.UPDATE)]
        members = [(self._file_id(c), {"path": _path(c), "sha256": _after(c)["sha256"]}) for c in adds]
        self.storage.attach(store_id, members)

        def attached(entries: dict[str, Any]) -> None:
            entry = entries.setdefault(name, {})
            for (file_id, attrs) in members:
                old = (entry.get("files") or {}).get(attrs["path"])
                if old and old.get("id") != file_id:
                    self._retire(entry, old)
                entry.setdefault("files", {})[attrs["path"]] = {"id": file_id, "sha256": attrs["sha256"]}
                (entry.get("pending_files") or {}).pop(attrs["path"], None)
            if not entry.get("pending_files"):
                entry.pop("pending_files", None)

        self.state.update(attached, name)
        self.storage.wait(store_id, time.monotonic() + self.options.wait_timeout, name, self.options.progress)
        removed = [c for c in changes if c.action in (Action.DELETE, Action.UPDATE)]
        for change in removed:
            old = (change.before or {}).get("file_id") or change.id
            if old:
                self.storage.detach(store_id, old)
            if change.action is Action.DELETE:
                self.state.update(functools.partial(self._forget_file, name, change.path), name)
        self.options.progress(f"vector_store.{name}: {len(adds)} attached, {len(removed)} detached")

    def _put_assistant(self, change: Change, ci_changes: list[Change]) -> None:
        name = change.name
        spec = self.specs[name]
        entry = self.state.get(name)
        store_id = entry.get("vector_store_id") if spec.files else None
        ci = dict(entry.get("code_interpreter_files") or {})
        for c in ci_changes:
            if c.action is Action.DELETE:
                ci.pop(c.path, None)
            else:
                ci[_path(c)] = {"id": self._file_id(c), "sha256": _after(c)["sha256"]}
        ci = {f.path: ci[f.path] for f in spec.code_interpreter_files if f.path in ci}
        resources = Resources(store_id, tuple(item["id"] for item in ci.values()))
        metadata = {**spec.metadata, MARKER_KEY: self.owner.marker(name)}
        if change.action is Action.CREATE:
            deployed = self.target.create(spec, metadata, resources)
        else:
            changed = frozenset(f.field.split(".")[0].split("[")[0] for f in change.fields)
            deployed = self.target.update(change.id, spec, changed, metadata, resources)

        def record(entries: dict[str, Any]) -> None:
            entry = entries.setdefault(name, {})
            if entry.get("api") not in (None, self.target.api) and entry.get("id") and entry["id"] != deployed.id:
                entry["replaced_api"] = entry["api"]  # its old object is deleted later, even after a crash
            if deployed.id:
                entry["id"] = deployed.id
            entry["api"] = self.target.api
            kept = {item["id"] for item in ci.values()}
            for item in (entry.get("code_interpreter_files") or {}).values():
                if item.get("id") not in kept:
                    self._retire(entry, item)
            entry["code_interpreter_files"] = ci
            for key in ("reasoning_effort", "responses", "spec"):
                entry.pop(key, None)
            entry.update(deployed.lock_extra)
            entry["applied"] = spec_digest(spec.comparable(), self.target.ignore_unset, self.target.write_only)

        self.state.update(record, name)
        verb = "created" if change.action is Action.CREATE else "updated"
        self.options.progress(f"{verb} {change.address}" + (f" ({deployed.id})" if deployed.id else ""))

    def _delete_assistant(self, change: Change) -> None:
        if change.id:
            target = self.targets.get(change.type.value)
            if target is None:
                raise AsstDeployError(f"internal: no backend to delete {change.address}")
            target.delete(change.id)

        def forget(entries: dict[str, Any]) -> None:
            entry = entries.get(change.name) or {}
            # the object an api migration replaced is gone (its id may still be the entry's, when
            # the new api keeps no server object)
            replaced = ("replaced_api",) if change.type is not Kind.RESPONSES and \
                entry.get("replaced_api") == self.targets[change.type.value].api else ()
            if change.type is Kind.RESPONSES:
                keys: tuple[str, ...] = ("responses", "spec")
            elif change.id and entry.get("id") == change.id:
                keys = ("id", "reasoning_effort", *replaced)
            elif replaced:
                keys = replaced
            else:
                keys = ()  # a twin: the entry names the one kept
            for key in keys:
                entry.pop(key, None)
            if not any(entry.get(k) for k in ("id", "responses")):
                entry.pop("api", None)
            if change.name not in self.specs and keys:  # the manifest is gone: so are its attachments
                self._release(entry, "code_interpreter_files")
            _drop_if_empty(entries, change.name)

        self.state.update(forget, change.name)
        self.options.progress(f"deleted {change.address}" + (f" ({change.id})" if change.id else ""))

    def _forget_file(self, name: str, path: str | None, entries: dict[str, Any]) -> None:
        """A retrieval file detached from its store: retired if a later step deletes its object."""
        self._retire(entries.get(name) or {}, (entries.get(name) or {}).get("files", {}).pop(path, None))

    def _delete_store(self, change: Change) -> None:
        self.storage.delete_store(_id(change))

        def forget(entries: dict[str, Any]) -> None:
            entry = entries.get(change.name) or {}
            if entry.get("vector_store_id") == change.id:
                entry.pop("vector_store_id", None)
                self._release(entry, "files")
            _drop_if_empty(entries, change.name)

        self.state.update(forget, change.name)
        self.options.progress(f"deleted {change.address} ({change.id})")

    def _retire(self, entry: dict[str, Any], item: dict[str, Any] | None) -> None:
        """A file object no longer attached here: named under retired_files until its delete step."""
        if item and f"delete-file:{item.get('id')}" in self.steps:
            entry.setdefault("retired_files", {})[item["id"]] = {"id": item["id"], "sha256": item.get("sha256")}

    def _release(self, entry: dict[str, Any], role: str) -> None:
        """Forget a detached role's files, except those a later step deletes: until then the lock
        names them (no orphan if the apply stops here); that step forgets them. A file whose content
        another manifest still uses is named by that manifest's entry, not this one."""
        members = entry.get(role) or {}
        for path in [p for p, item in members.items() if f"delete-file:{item.get('id')}" not in self.steps]:
            members.pop(path)
        if not members:
            entry.pop(role, None)

    def _delete_file(self, change: Change, file_id: str) -> None:
        self.storage.delete_file(file_id)

        def forget(entries: dict[str, Any]) -> None:
            for name in list(entries):
                entry = entries[name]
                for role in TRACKED_FILES:
                    members = entry.get(role) or {}
                    for path in [p for p, item in members.items() if item.get("id") == file_id]:
                        members.pop(path)
                if "retired_files" in entry and not entry["retired_files"]:
                    del entry["retired_files"]
                _drop_if_empty(entries, name)

        self.state.update(forget)
        self.options.progress(f"deleted file {change.path or file_id} ({file_id})")

    # -- running --------------------------------------------------------------------------------
    def run(self) -> None:
        schedule = _Schedule(self.build())
        errors: list[BaseException] = []
        stop = threading.Event()
        running: dict[Future[None], str] = {}
        self.state.start()
        try:
            with ThreadPoolExecutor(max_workers=max(1, self.options.parallelism)) as pool:
                try:
                    while True:
                        while not stop.is_set() and len(running) < self.options.parallelism:
                            key = schedule.take()
                            if key is None:
                                break
                            running[pool.submit(schedule.steps[key].run)] = key
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
                    wait(running)  # steps in flight finish and record themselves
                    raise Interrupted(
                        f"interrupted: {len(self.done)} step(s) done and saved in {self.state.path.name}; "
                        "run apply again to finish"
                    ) from None
        finally:
            self.state.close()
        if errors:
            first = errors[0]
            more = f" ({len(errors) - 1} more step(s) failed)" if len(errors) > 1 else ""
            left = len(schedule.pending)
            tail = (f"; {len(self.done)} step(s) done and saved in the lockfile, {left} not started: "
                    "run apply again to finish")
            if isinstance(first, AsstDeployError):
                raise type(first)(str(first) + more + tail) from first
            raise ApiError(f"{type(first).__name__}: {first}{more}{tail}") from first


class _Schedule:
    """Which step may start next: its dependencies done, and every earlier phase finished.

    Dependency counts and per-phase queues make each decision O(1), so an apply of thousands of
    steps spends no time rescanning what waits."""

    def __init__(self, steps: dict[str, Step]) -> None:
        self.steps = steps
        self.pending = set(steps)  # not started yet
        self.unfinished = Counter(step.phase for step in steps.values())
        self.waiting: dict[str, int] = {}
        self.dependents: dict[str, list[str]] = defaultdict(list)
        self.ready: dict[int, deque[str]] = {phase: deque() for phase in (WRITES, DELETES, FILE_DELETES)}
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


def _drop_if_empty(entries: dict[str, Any], name: str) -> None:
    entry = entries.get(name)
    if entry is not None and not any(entry.get(k) for k in ("id", "vector_store_id", "responses", *TRACKED_FILES)):
        entries.pop(name, None)


def _after(change: Change) -> Mapping[str, Any]:
    """The state a create or update leads to: every such change in a plan carries one."""
    if change.after is None:
        raise AsstDeployError(f"internal: {change.address} has no 'after' state")
    return change.after


def _path(change: Change) -> str:
    """The project-relative path of a file change: every file change in a plan carries one."""
    if change.path is None:
        raise AsstDeployError(f"internal: {change.address} has no path")
    return change.path


def _id(change: Change) -> str:
    """The object a delete acts on: a delete step is only built for a change with an id."""
    if change.id is None:
        raise AsstDeployError(f"internal: {change.address} has no id")
    return change.id
