"""Changes (what differs, for people) become operations (what apply sends): a pure function.

After sqlmesh, where a frozen plan's executor and explainer are two walks over the same stages:
the renderers walk ``Plan.changes``, the applier walks ``Plan.operations``, and both come from
one planner run. The rules that decide *how* a change is carried out live here and only here:
which uploads a store sync or an assistant update waits for, and when a file object may be
deleted (only when no manifest still uses its content).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Mapping

from ..errors import AsstDeployError
from ..spec import AssistantSpec, Kind, used_contents
from .ops import (
    CreateStore,
    DeleteAssistant,
    DeleteFile,
    DeleteStore,
    Detach,
    FileRef,
    MoveManifest,
    Operation,
    PutAssistant,
    SetStoreExpiry,
    SyncStore,
    UploadFile,
)
from .compile_platform import bind_part, platform_operations, wait_for_credentials
from .desired import Desired
from .types import Action, Change, Plan

ASSISTANT_KINDS = (Kind.ASSISTANT, Kind.AGENT, Kind.RESPONSES)


def compile_operations(changes: Iterable[Change], desired: Desired,
                       moves: Mapping[str, Any] | None = None) -> tuple[Operation, ...]:
    """The operations that carry ``changes`` out, each once, in a stable order (``moves``: the
    planner's renamed manifests, new name -> ``Move``), each bound to what it acts on."""
    specs_by_name = {spec.name: spec for spec in desired.specs}
    wanted_shas = used_contents(specs_by_name.values())
    by_name: dict[str, list[Change]] = {}
    for change in changes:
        by_name.setdefault(change.name, []).append(_carried(change))
    ops: dict[str, Operation] = {}
    for name, move in sorted((moves or {}).items()):
        ops[f"move:{name}"] = MoveManifest(name, move.old, move.stores, move.entry,
                                           tuple((str(p.vault_id), p.id) for p in move.credentials),
                                           tuple(p.id for p in move.automations))
    for name, group in sorted(by_name.items()):
        for op in _for_manifest(name, group, specs_by_name.get(name), wanted_shas):
            ops.setdefault(op.key, op)  # the same upload or delete asked for twice is done once
    for op in platform_operations(by_name_order(by_name)):
        ops.setdefault(op.key, op)
    return bind(tuple(wait_for_credentials(ops).values()), desired)


def by_name_order(by_name: Mapping[str, list[Change]]) -> list[Change]:
    return [change for _, group in sorted(by_name.items()) for change in group]


def operations_of(plan: Plan, desired: Desired) -> tuple[Operation, ...]:
    """What apply runs of ``plan``, bound to ``desired``; a plan saved before operations existed
    carries only its changes: they are compiled here."""
    return bind(plan.operations, desired) if plan.operations else compile_operations(plan.changes, desired)


def bind(operations: tuple[Operation, ...], desired: Desired) -> tuple[Operation, ...]:
    """The operations with what they act on (their payload): the spec an assistant's create or update
    sends and the digest the lockfile records of it, the paths a store keeps, whether a deleted
    assistant's manifest is still there. A saved plan's operations are bound on apply, from the
    manifests its fingerprints prove unchanged."""
    specs = {spec.name: spec for spec in desired.specs}
    caps = desired.capabilities

    def bound(op: Operation) -> Operation:
        spec = specs.get(op.name)
        if isinstance(op, PutAssistant):
            if spec is None:
                raise AsstDeployError(f"internal: {op.key} has no manifest to send")
            return replace(op, spec=spec, applied=caps.applied_digest(spec.comparable()))
        if isinstance(op, SyncStore):
            return replace(op, listed=frozenset(f.path for f in spec.files) if spec else frozenset())
        if isinstance(op, DeleteAssistant):
            return replace(op, manifest_kept=spec is not None)
        return bind_part(op, spec)

    return tuple(bound(op) for op in operations)


def _for_manifest(name: str, changes: list[Change], spec: AssistantSpec | None, wanted_shas: set[str]) -> list[Operation]:
    ops: list[Operation] = []
    has_manifest = spec is not None
    store_settings = spec.vector_store if spec is not None else {}
    every_retrieval = [c for c in changes if c.type is Kind.FILE and c.role == "files"]
    retag = [c for c in every_retrieval if _is_retag(c)]  # attributes only: set in place
    retrieval = [c for c in every_retrieval if not _is_retag(c)]
    store_update = next((c for c in changes if c.type is Kind.VECTOR_STORE and c.action is Action.UPDATE), None)
    reattach = tuple(_ref_of(item) for item in (_after(store_update).get("reattach") or ())) if store_update else ()
    if store_update is not None and "expires_after" in _after(store_update):
        ops.append(SetStoreExpiry(name, str(store_update.id), _after(store_update)["expires_after"]))
    ci_changes = [c for c in changes if c.type is Kind.FILE and c.role == "code_interpreter_files"]
    for change in retrieval + ci_changes:
        if change.action is not Action.DELETE and not _after(change).get("file_id"):
            ops.append(UploadFile(name, str(change.role), _path(change), _after(change)["sha256"],
                                  int(_after(change).get("size") or 0)))
    uploads = frozenset(op.key for op in ops)
    creates_store = any(c.type is Kind.VECTOR_STORE and c.action is Action.CREATE for c in changes)
    if creates_store:
        ops.append(CreateStore(name, store_settings.get("expires_after")))
    if (retrieval or retag or reattach) and has_manifest:
        ops.append(SyncStore(
            name,
            attach=tuple(_ref(c) for c in retrieval if c.action is not Action.DELETE),
            detach=tuple(Detach(_path(c), _old_id(c), forget=c.action is Action.DELETE)
                         for c in retrieval if c.action is not Action.CREATE),
            creates_store=creates_store,
            reattach=reattach,
            retag=tuple(_ref(c) for c in retag if c.path not in {ref.path for ref in reattach}),  # re-attached with them
            chunking_strategy=store_settings.get("chunking_strategy"),
        ))
    same_manifest = uploads | {op.key for op in ops if isinstance(op, (CreateStore, SyncStore))}
    for change in changes:
        if change.type in ASSISTANT_KINDS:
            if change.action is Action.DELETE:
                ops.append(DeleteAssistant(name, change.type, change.id))
            else:
                ops.append(PutAssistant(
                    name, change.type, create=change.action is Action.CREATE, object_id=change.id,
                    changed=frozenset(f.root for f in change.fields),
                    code_interpreter_files=tuple(_ref(c) for c in ci_changes if c.action is not Action.DELETE),
                    code_interpreter_removed=tuple(_path(c) for c in ci_changes if c.action is Action.DELETE),
                    waits_for=same_manifest,
                ))
        elif change.type is Kind.VECTOR_STORE and change.action is Action.DELETE:
            if change.id is None:
                raise AsstDeployError(f"internal: {change.address} has no id")
            ops.append(DeleteStore(name, change.id))  # phases order it after the assistant lets go
        elif change.type is Kind.FILE and change.action is not Action.CREATE:
            old = _old_id(change)
            sha = (change.before or {}).get("sha256")
            if old and (change.role is None or (sha is not None and sha not in wanted_shas)):  # None: not ours
                ops.append(DeleteFile(old, name, change.path))
    if ci_changes and not any(c.type in ASSISTANT_KINDS for c in changes):
        raise AsstDeployError(f"internal: code-interpreter file changes for {name} without an assistant update")
    return ops


def _carried(change: Change) -> Change:
    """A renamed retrieval file is carried out as its two halves: the new path attached with the
    file object it already has, the old path let go of (the content stays wanted: nothing is deleted)."""
    if change.action is not Action.RENAME:
        return change
    return replace(change, action=Action.DELETE if (change.after or {}).get("renamed_to") else Action.CREATE)


def _ref(change: Change) -> FileRef:
    return _ref_of({**_after(change), "path": _path(change)})


def _ref_of(item: Mapping[str, Any]) -> FileRef:
    return FileRef(item["path"], item["sha256"], item.get("file_id"),
                   tuple(sorted((item.get("attributes") or {}).items())))


def _is_retag(change: Change) -> bool:
    """A retrieval file whose content and object stay: only its attributes change."""
    before, after = change.before or {}, change.after or {}
    return (change.action is Action.UPDATE and after.get("file_id") is not None
            and before.get("file_id") == after.get("file_id") and before.get("sha256") == after.get("sha256"))


def _old_id(change: Change) -> str | None:
    return (change.before or {}).get("file_id") or change.id


def _after(change: Change) -> Mapping[str, Any]:
    """The state a create or update leads to: every such change in a plan carries one."""
    if change.after is None:
        raise AsstDeployError(f"internal: {change.address} has no 'after' state")
    return change.after


def _path(change: Change) -> str:
    if change.path is None:
        raise AsstDeployError(f"internal: {change.address} has no path")
    return change.path
