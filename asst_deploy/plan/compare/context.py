"""What every comparator reads (``Context``) and what some record besides changes (``Findings``).

The context is built once per plan and never changed after: the account indexed by manifest name,
the lock's entries, the manifests, and the renames (``renamed_from``) already folded in, so no
comparator needs to know a manifest was renamed to find what it owns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from ...account.observed import (
    Observed, ObservedAssistant, ObservedFile, ObservedPart, ObservedVectorStore, StoreFile, with_vault_refs,
)
from ...lock.entry import FILE_ROLES, LockEntry
from ...spec import AssistantSpec, Capabilities, used_contents
from ..desired import Desired
from ..types import Action, Change

DESTROY_REASON = "asst-deploy destroy: everything this project and environment own is destroyed"


@dataclass(frozen=True)
class Move:
    """A manifest renamed with ``renamed_from``: what is deployed under its old name moves over."""

    old: str
    stores: tuple[str, ...] = ()  # vector stores still marked with the old name
    entry: bool = False  # the lockfile entry is still under the old name
    credentials: tuple[ObservedPart, ...] = ()  # vault credentials still marked with the old name
    automations: tuple[ObservedPart, ...] = ()  # automations still marked with the old name

    def to_json(self) -> dict[str, Any]:
        return {"from": self.old, "stores": list(self.stores), "entry": self.entry,
                "credentials": [{"label": p.label, "id": p.id, "vault_id": p.vault_id} for p in self.credentials],
                "automations": [{"label": p.label, "id": p.id} for p in self.automations]}

    def keeping(self, changes: Iterable[Change]) -> Move:
        """This move without the parts the plan deletes (replaced, twins, no longer wanted): not
        worth re-marking first."""
        gone = {c.id for c in changes if c.action is Action.DELETE}
        return replace(self, credentials=tuple(p for p in self.credentials if p.id not in gone),
                       automations=tuple(p for p in self.automations if p.id not in gone))

    def parts_kept(self) -> str:
        """The agent's credentials and automations this move re-marks, for its change's reason."""
        said = [f"{what}(s) {', '.join(repr(p.label) for p in parts)}" for what, parts in (
            ("vault credential", self.credentials), ("automation", self.automations)) if parts]
        if not said:
            return ""
        return (f"; its {' and '.join(said)} are kept, re-marked with the new name (no secret is sent again; "
                f"the API cannot rename a vault credential: its display name still says {self.old!r})"
                if self.credentials else f"; its {said[0]} are kept, re-marked with the new name")


@dataclass(frozen=True)
class Context:
    """The inputs of one plan, indexed for the comparators."""

    desired: Desired
    observed: Observed
    entries: Mapping[str, LockEntry]  # by manifest name, renames applied
    assistants: Mapping[str, list[ObservedAssistant]]  # by the name their marker records, renames applied
    stores: Mapping[str, list[ObservedVectorStore]]
    credentials: Mapping[str, list[ObservedPart]]  # api: agents: by the name their marker records, renames applied
    automations: Mapping[str, list[ObservedPart]]
    files_by_id: Mapping[str, ObservedFile]
    kept_file: Mapping[str, str]  # per sha256, the one file object to keep
    specs: Mapping[str, AssistantSpec]
    moves: Mapping[str, Move]
    wanted_shas: frozenset[str]  # every content some manifest uses
    owned_stores: frozenset[str]  # the ids of every vector store this project owns

    @property
    def caps(self) -> Capabilities:
        return self.desired.capabilities

    def wanted(self, name: str) -> bool:
        return self.desired.targets is None or name in self.desired.targets

    def entry(self, name: str) -> LockEntry:
        return self.entries.get(name) or LockEntry()

    def sha_of(self, file_id: str) -> str | None:
        item = self.files_by_id.get(file_id)
        return item.sha256 if item else None

    def digest(self, comparable: Mapping[str, Any]) -> str:
        """The ``applied`` digest of a spec as the target API compares it."""
        return self.caps.applied_digest(comparable)


@dataclass
class Findings:
    """What comparing records besides changes: apply writes these into the lockfile, or says them."""

    notes: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repairs: dict[str, dict[str, Any]] = field(default_factory=dict)
    usage: dict[str, dict[str, Any]] = field(default_factory=dict)  # listed stores found as wanted


@dataclass
class Current:
    """What exists for one manifest name, reconciled from the account and the lock."""

    assistant: ObservedAssistant | None = None
    store: ObservedVectorStore | None = None
    files: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {r: {} for r in FILE_ROLES})
    strays: list[StoreFile] = field(default_factory=list)  # listed store members that serve no path


@dataclass
class _ByName:
    """The account's owned objects by the manifest name their markers record, while renames fold in."""

    assistants: defaultdict[str, list[ObservedAssistant]] = field(default_factory=lambda: defaultdict(list))
    stores: defaultdict[str, list[ObservedVectorStore]] = field(default_factory=lambda: defaultdict(list))
    credentials: defaultdict[str, list[ObservedPart]] = field(default_factory=lambda: defaultdict(list))
    automations: defaultdict[str, list[ObservedPart]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, observed: Observed) -> _ByName:
        index = cls()
        for kind, items in (("assistants", observed.assistants), ("stores", observed.vector_stores),
                            ("credentials", observed.credentials), ("automations", observed.automations)):
            for item in items:
                getattr(index, kind)[item.name].append(item)
        return index


def build_context(desired: Desired, observed: Observed, entries: Mapping[str, LockEntry]) -> Context:
    """Index the account by manifest name and fold the renames in."""
    index = _ByName.of(observed)
    by_name = dict(entries)
    kept_file = _kept_files(observed, by_name)  # before the renames: an entry a rename drops still counts
    specs = {spec.name: spec for spec in desired.specs}
    moves: dict[str, Move] = {}
    for spec in desired.specs:
        for old in spec.renamed_from:
            if old in specs or not (desired.targets is None or spec.name in desired.targets):
                continue
            move = _take_over(spec.name, old, index, by_name)
            if move is not None:
                moves[spec.name] = move
    return Context(
        desired=desired, observed=observed, entries=by_name, assistants=dict(index.assistants),
        stores=dict(index.stores), credentials=dict(index.credentials), automations=dict(index.automations),
        files_by_id={f.id: f for f in observed.files}, kept_file=kept_file, specs=specs, moves=moves,
        wanted_shas=frozenset(used_contents(desired.specs)),
        owned_stores=frozenset(s.id for s in observed.vector_stores),
    )


def _take_over(new: str, old: str, index: _ByName, entries: dict[str, LockEntry]) -> Move | None:
    """``renamed_from``: what is deployed under ``old`` (objects by marker, the lock entry) is
    planned as ``new``'s, and a move re-marks it, so the objects and their ids are kept: the
    agent's vault credentials and automations too (re-marked in place: no secret is sent again)."""
    moved, moved_stores = index.assistants.pop(old, []), index.stores.pop(old, [])
    credentials, automations = index.credentials.pop(old, []), index.automations.pop(old, [])
    entry = entries.pop(old, None)
    if not (moved or moved_stores or credentials or automations or entry):
        return None
    index.credentials[new] += credentials
    index.automations[new] += automations
    # an apply stopped after re-marking the credentials leaves the agent's marker behind: its tools
    # still name its own manifest's credentials
    index.assistants[new] += with_vault_refs(moved, [replace(c, name=old) for c in index.credentials[new]])
    index.stores[new] += moved_stores
    if entry is not None and new not in entries:
        entries[new] = entry
    return Move(old, tuple(s.id for s in moved_stores), entry is not None, tuple(credentials), tuple(automations))


def _kept_files(observed: Observed, entries: Mapping[str, LockEntry]) -> dict[str, str]:
    """For each sha256, the one file object to keep: the one the lock names, else the oldest."""
    locked_ids = {file_id for entry in entries.values() for file_id in entry.file_ids()}
    by_sha: dict[str, list[ObservedFile]] = defaultdict(list)
    for item in observed.files:
        by_sha[item.sha256].append(item)
    kept = {}
    for sha, items in by_sha.items():
        named = [f for f in items if f.id in locked_ids]
        kept[sha] = (named[0] if named else min(items, key=lambda f: f.id)).id
    return kept
