"""The plan as data: types only, no logic beyond (de)serialization.

After Terraform's ``internal/plans``: a change is ``(address, action, before, after)`` plus a
``reason`` that only people read. The JSON document (``Plan.to_json``) is the one thing the text
and markdown renderers, ``--format json``, saved plan files and the applier all read, so they
never disagree.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from ..lock.entry import found_by_markers
from ..spec import Kind

if TYPE_CHECKING:
    from .ops import Operation

FORMAT_VERSION = 1


class Action(str, Enum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    # a retrieval file under a new path, same content, same file object: both paths' changes carry
    # it (the old path's ``after.renamed_to``, the new path's ``after.renamed_from``)
    RENAME = "rename"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FieldDiff:
    field: str  # dotted path for people, e.g. "tools[1].parameters" or "instructions"
    before: Any
    after: Any
    # the spec field it lies in ("tools"): what an update sends (derived from ``field``, so not compared)
    root: str = dataclasses.field(default="", compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "FieldDiff":
        # only people read a saved plan's changes (apply runs its operations), so the display
        # path's first segment is the spec field
        root = re.match(r"\w*", doc["field"])
        return cls(doc["field"], doc["before"], doc["after"], root.group() if root else doc["field"])


@dataclass(frozen=True)
class Change:
    type: Kind
    name: str  # the manifest name it belongs to
    action: Action
    id: str | None = None  # the existing object acted on (update, delete, replace)
    path: str | None = None  # file changes: the project-relative path
    role: str | None = None  # file changes: "files" (retrieval) or "code_interpreter_files"
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    fields: tuple[FieldDiff, ...] = ()
    reason: str = ""  # for people only: the applier never reads it
    # creates: fields of ``after`` the manifest left unset, holding the API's defaults (shown apart)
    defaulted: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        base = f"{self.type.value}.{self.name}"
        return f"{base}:{self.path}" if self.path else base

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "address": self.address,
            "type": self.type.value,
            "name": self.name,
            "action": self.action.value,
            "id": self.id,
            "reason": self.reason,
            "before": self.before,
            "after": self.after,
        }
        if self.path is not None:
            doc["path"] = self.path
            doc["role"] = self.role
        if self.fields:
            doc["fields"] = [f.to_json() for f in self.fields]
        if self.defaulted:
            doc["defaulted"] = list(self.defaulted)
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "Change":
        return cls(
            type=Kind(doc["type"]),
            name=doc["name"],
            action=Action(doc["action"]),
            id=doc.get("id"),
            path=doc.get("path"),
            role=doc.get("role"),
            before=doc.get("before"),
            after=doc.get("after"),
            fields=tuple(FieldDiff.from_json(f) for f in doc.get("fields", ())),
            reason=doc.get("reason", ""),
            defaulted=tuple(doc.get("defaulted", ())),
        )


# Display order within one manifest name: the assistant, then its store, then its files.
_TYPE_RANK = {Kind.VAULT: -1, Kind.ASSISTANT: 0, Kind.AGENT: 0, Kind.RESPONSES: 0, Kind.CREDENTIAL: 0.5,
              Kind.VECTOR_STORE: 1, Kind.FILE: 2, Kind.AUTOMATION: 3}


def display_order(changes: Iterable[Change]) -> tuple[Change, ...]:
    """By manifest name; within a name the assistant, its vector store, then its files by path.

    The plan's own order, so the JSON document, the terminal and the pull-request comment list
    changes alike. Stable: equal keys keep the planner's order. Files no manifest names (``-``) last.
    """
    return tuple(sorted(changes, key=lambda c: (c.name == "-", c.name, _TYPE_RANK.get(c.type, 3), c.path or "")))


class Fingerprints:
    """Digests of what a plan was made from: the account, the manifests, the lockfile.

    Only a saved plan (``plan --out``, ``apply PLANFILE``) and the JSON document need them, so a
    planner's are computed on first use (they cost ~5% of a no-op plan of 300 assistants); a plan
    read back from JSON carries them as written. Equal when the digests are."""

    __slots__ = ("_make", "_values")

    def __init__(self, observed: str = "", desired: str = "", lock: str = "", *,
                 make: Callable[[], tuple[str, str, str]] | None = None) -> None:
        self._make = make
        self._values = None if make is not None else (observed, desired, lock)

    @property
    def values(self) -> tuple[str, str, str]:
        if self._values is None:
            assert self._make is not None
            self._values = self._make()
            self._make = None
        return self._values

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Fingerprints) and self.values == other.values

    def __hash__(self) -> int:
        return hash(self.values)

    def __repr__(self) -> str:
        return f"Fingerprints{self.values!r}" if self._values is not None else "Fingerprints(<not computed yet>)"


@dataclass(frozen=True)
class Plan:
    """A frozen plan: what to change, and fingerprints of what it was computed from."""

    project: str
    environment: str
    api: str
    changes: tuple[Change, ...] = ()
    fingerprints: Fingerprints = field(default_factory=Fingerprints)
    notes: tuple[str, ...] = ()  # things a reviewer should know that are not changes
    unchanged: tuple[str, ...] = field(default=())  # manifest names with nothing to do
    # lockfile entries (id, vector_store_id, files...) found on the account by their markers that the
    # lockfile lacks or has wrong (lost lockfile, a kill between a create and the lockfile write):
    # apply records them even when nothing on the account changes
    lock_repairs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # vector stores listed and found as the manifests want them: their usage_bytes and file count,
    # which apply records (``LockEntry.store_usage``) so the next plan need not list them again
    store_usage: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # what apply does, step by step (``plan.ops``): compiled from ``changes`` by a pure function, so
    # a saved plan carries exactly what ``apply PLANFILE`` will run
    operations: tuple["Operation", ...] = ()
    # manifests renamed with ``renamed_from``: new name -> {"from": old, "stores": [...], "entry": bool}
    moves: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    destroy: bool = False  # made by `asst-deploy destroy`: a reviewer reads "destroy", not "plan"
    # account leases a killed apply left (account/lease.py): apply deletes them even when nothing changes
    dead_leases: tuple[str, ...] = ()
    # where apply publishes the ids document afterwards (``publish:``): every destination after a
    # change, else only those still owed it
    publish: tuple[str, ...] = ()
    # each changed assistant's behaviour-check status (checks/gate.py): {status, detail, gated}
    checks: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def lock_out_of_step(self) -> list[str]:
        """Names whose lockfile entry apply rewrites (what the markers found differs from it): a
        change to make, though nothing on the account changes. The sessions' environment is one."""
        changed = {name for name, repair in self.lock_repairs.items() if "environment" in repair}
        return sorted(changed.union(found_by_markers(self.lock_repairs)))

    @property
    def observed_fingerprint(self) -> str:
        return self.fingerprints.values[0]

    @property
    def desired_fingerprint(self) -> str:
        return self.fingerprints.values[1]

    @property
    def lock_fingerprint(self) -> str:
        return self.fingerprints.values[2]

    def summary(self) -> dict[str, int]:
        """Objects to create, update and delete (see ``count_changes``)."""
        return count_changes((c.type.value, c.action.value, c.after or {}) for c in self.changes)

    def to_json(self, *, fingerprints: bool = True) -> dict[str, Any]:
        """The plan's document; ``fingerprints=False`` leaves them out (and uncomputed): the text and
        markdown renderers never read them."""
        return {
            "format_version": FORMAT_VERSION,
            "project": self.project,
            "environment": self.environment,
            "api": self.api,
            **({"destroy": True} if self.destroy else {}),
            "changes": [c.to_json() for c in self.changes],
            "summary": self.summary(),
            "unchanged": list(self.unchanged),
            "notes": list(self.notes),
            **({"lock_repairs": {k: dict(v) for k, v in self.lock_repairs.items()}} if self.lock_repairs else {}),
            **({"lockfile_out_of_step": self.lock_out_of_step} if self.lock_out_of_step else {}),
            **({"store_usage": {k: dict(v) for k, v in self.store_usage.items()}} if self.store_usage else {}),
            "operations": _operations_json(self.operations),
            **({"moves": {k: dict(v) for k, v in self.moves.items()}} if self.moves else {}),
            **({"publish": list(self.publish)} if self.publish else {}),
            **({"checks": {k: dict(v) for k, v in self.checks.items()}} if self.checks else {}),
            **({"fingerprints": {
                "observed": self.observed_fingerprint,
                "desired": self.desired_fingerprint,
                "lock": self.lock_fingerprint,
            }} if fingerprints else {}),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "Plan":
        if doc.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"plan format_version {doc.get('format_version')!r} is not {FORMAT_VERSION}")
        from .ops import operation_from_json

        prints = doc.get("fingerprints", {})
        return cls(
            project=doc["project"],
            environment=doc["environment"],
            api=doc["api"],
            changes=tuple(Change.from_json(c) for c in doc.get("changes", ())),
            fingerprints=Fingerprints(prints.get("observed", ""), prints.get("desired", ""), prints.get("lock", "")),
            notes=tuple(doc.get("notes", ())),
            unchanged=tuple(doc.get("unchanged", ())),
            lock_repairs=dict(doc.get("lock_repairs") or {}),
            store_usage=dict(doc.get("store_usage") or {}),
            operations=tuple(operation_from_json(op) for op in doc.get("operations", ())),
            moves=dict(doc.get("moves") or {}),
            destroy=bool(doc.get("destroy", False)),
            publish=tuple(doc.get("publish") or ()),
            checks=dict(doc.get("checks") or {}),
        )


def count_changes(changes: Iterable[tuple[str, str, Mapping[str, Any]]]) -> dict[str, int]:
    """Objects to create, update and delete, from each change's ``(type, action, after)``. A file
    already uploaded is attached, not created (``attach``); a file another manifest still uses is
    detached, not deleted (``detach``); a retrieval file renamed with its content kept counts once
    (``rename``); those keys are present only when there is one. The one rule for ``Plan.summary``
    and for renderers given a document without a summary."""
    counts = {"create": 0, "update": 0, "delete": 0}
    for kind, action, after in changes:
        extra = None
        if kind == Kind.FILE.value:
            if after.get("renamed_from"):
                continue  # counted once, with the path it replaces
            extra = ("rename" if after.get("renamed_to") else "attach" if action == "create" and after.get("file_id")
                     else "detach" if action == "delete" and after.get("kept") else None)
        if extra:
            counts[extra] = counts.get(extra, 0) + 1
        elif action in counts:
            counts[action] += 1
    return counts


def _operations_json(operations: tuple[Operation, ...]) -> list[dict[str, Any]]:
    """The operations' documents; a plan with none never imports their classes (a no-op plan's cost)."""
    if not operations:
        return []
    from .ops import operation_to_json

    return [operation_to_json(op) for op in operations]
