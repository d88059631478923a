"""The planner: a pure function from (desired, observed, lock) to a Plan. No I/O.

One comparator per kind of object (after alembic's autogenerate): files, vector stores, then the
assistant itself, then everything owned that no manifest wants any more. Which API an assistant
lives in is invisible here: specs are API-neutral (``spec.py``) and ``Desired`` names the kind.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

from ..lock.entry import (FILE_ROLES, TRACKED_FILES, USAGE_KEY, LockDocument, LockEntry, entries_to_dict, found_by_markers,
                         usage_record)
from ..spec import SPEC_FIELDS, AssistantSpec, Capabilities, FileSpec, Kind, digest, spec_digest, used_contents
from ..account.observed import Observed, ObservedAssistant, ObservedFile, ObservedVectorStore, StoreFile
from .compile import compile_operations
from .types import Action, Change, FieldDiff, Fingerprints, Plan, display_order

DESTROY_REASON = "asst-deploy destroy: everything this project and environment own is destroyed"


@dataclass(frozen=True)
class Move:
    """A manifest renamed with ``renamed_from``: what is deployed under its old name moves over."""

    old: str
    stores: tuple[str, ...] = ()  # vector stores still marked with the old name
    entry: bool = False  # the lockfile entry is still under the old name

    def to_json(self) -> dict[str, Any]:
        return {"from": self.old, "stores": list(self.stores), "entry": self.entry}


@dataclass(frozen=True)
class Desired:
    """What the manifests ask for, already normalized by the target backend's rules."""

    project: str
    environment: str
    capabilities: Capabilities  # of the target API: what an assistant becomes, what it can hold
    specs: tuple[AssistantSpec, ...]
    targets: frozenset[str] | None = None  # --target: plan only these names
    # per name, the fields its manifest left unset that hold the API's defaults (a create shows them apart)
    defaulted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    destroy: bool = False  # `asst-deploy destroy`: everything owned goes, whatever the manifests say

    @property
    def api(self) -> str:
        return self.capabilities.api

    @property
    def kind(self) -> Kind:
        return self.capabilities.kind

    def fingerprint(self) -> str:
        payload = [
            self.project, self.environment, self.api, self.kind.value,
            [spec.to_json() for spec in self.specs],
        ]
        return digest(payload)


def lock_fingerprint(lock: LockDocument) -> str:
    """What the entries name; not the stores' last seen usage, which a no-op apply may record."""
    entries = entries_to_dict(lock.entries)
    return digest({name: {k: v for k, v in entry.items() if k != USAGE_KEY} for name, entry in entries.items()})


def _fingerprints(observed: Observed, desired: Desired, lock: str) -> Callable[[], tuple[str, str, str]]:
    return lambda: (observed.fingerprint(), desired.fingerprint(), lock)


def plan(desired: Desired, observed: Observed, lock: LockDocument) -> Plan:
    """Compare manifests with what exists and list the changes that make them agree."""
    planner = _Planner(desired, observed, lock.entries)
    changes = planner.run()
    return Plan(
        project=desired.project,
        environment=desired.environment,
        api=desired.api,
        changes=display_order(changes),
        operations=compile_operations(changes, desired.specs, planner.moves),
        moves={new: move.to_json() for new, move in planner.moves.items()},
        # the account's and the manifests' made on first use: only a saved plan needs them (the
        # lock's now, ~2 ms at 300: an apply changes the lock later)
        fingerprints=Fingerprints(make=_fingerprints(observed, desired, lock_fingerprint(lock))),
        notes=tuple(planner.notes) + _lease_notes(observed.dead_leases),
        unchanged=tuple(planner.unchanged),
        lock_repairs=planner.repairs,
        store_usage=planner.usage,
        destroy=desired.destroy,
        dead_leases=observed.dead_leases,
    )


def _lease_notes(leases: Sequence[str]) -> tuple[str, ...]:
    if not leases:
        return ()
    return (f"the account lease of an apply that was stopped is still there ({', '.join(leases)}): "
            "the next apply deletes it",)


def _oldest(items: Sequence[Any]) -> Any:
    return min(items, key=lambda item: (item.created_at, item.id))


@dataclass
class _Current:
    """What exists for one manifest name, reconciled from the account and the lock."""

    assistant: ObservedAssistant | None = None
    store: ObservedVectorStore | None = None
    files: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {r: {} for r in FILE_ROLES})


class _Planner:
    def __init__(self, desired: Desired, observed: Observed, entries: Mapping[str, LockEntry]) -> None:
        self.desired = desired
        self.caps = desired.capabilities
        self.observed = observed
        self.entries = dict(entries)  # a rename moves an entry to its new name
        self.notes: list[str] = []
        self.unchanged: list[str] = []
        self.repairs: dict[str, dict[str, Any]] = {}
        self.strays: dict[str, list[StoreFile]] = {}  # listed store members that serve no path
        self.usage: dict[str, dict[str, Any]] = {}  # listed stores found as the manifest wants them
        self.assistants: dict[str, list[ObservedAssistant]] = defaultdict(list)
        for item in observed.assistants:
            self.assistants[item.name].append(item)
        self.stores: dict[str, list[ObservedVectorStore]] = defaultdict(list)
        for store in observed.vector_stores:
            self.stores[store.name].append(store)
        self.files_by_id: dict[str, ObservedFile] = {f.id: f for f in observed.files}
        self.kept_file = self._kept_files()
        self.specs = {spec.name: spec for spec in desired.specs}
        self.moves: dict[str, Move] = {}
        for spec in desired.specs:
            for old in spec.renamed_from:
                self._take_over(spec.name, old)
        self.wanted_shas = used_contents(desired.specs)

    def _take_over(self, new: str, old: str) -> None:
        """``renamed_from``: what is deployed under ``old`` (objects by marker, the lock entry) is
        planned as ``new``'s, and a move renames it, so the objects and their ids are kept."""
        if old in self.specs or not self.wanted(new):
            return
        assistants, stores = self.assistants.pop(old, []), self.stores.pop(old, [])
        entry = self.entries.pop(old, None)
        if not (assistants or stores or entry):
            return
        self.assistants[new] += assistants
        self.stores[new] += stores
        if entry is not None and new not in self.entries:
            self.entries[new] = entry
        self.moves[new] = Move(old, tuple(s.id for s in stores), entry is not None)

    def wanted(self, name: str) -> bool:
        return self.desired.targets is None or name in self.desired.targets

    # -- which object of several is ours -------------------------------------------------------
    def _kept_files(self) -> dict[str, str]:
        """For each sha256, the one file object to keep: the one the lock names, else the oldest."""
        locked_ids = {file_id for entry in self.entries.values() for file_id in entry.file_ids()}
        by_sha: dict[str, list[ObservedFile]] = defaultdict(list)
        for item in self.observed.files:
            by_sha[item.sha256].append(item)
        kept = {}
        for sha, items in by_sha.items():
            named = [f for f in items if f.id in locked_ids]
            kept[sha] = (named[0] if named else min(items, key=lambda f: f.id)).id
        return kept

    def _choose(self, candidates: list[Any], locked_id: str | None) -> tuple[Any, list[Any]]:
        if not candidates:
            return None, []
        chosen = next((c for c in candidates if c.id == locked_id), None) or _oldest(candidates)
        return chosen, [c for c in candidates if c is not chosen]

    def current(self, name: str) -> tuple[_Current, list[Change]]:
        """Reconcile the account with the lock for one name; extras (twins) become deletes."""
        entry = self.entry(name)
        extras: list[Change] = []
        mine = [a for a in self.assistants.get(name, []) if a.kind is self.desired.kind]
        other_kind = [a for a in self.assistants.get(name, []) if a.kind is not self.desired.kind]
        assistant, twins = self._choose(mine, entry.id)
        for twin in twins:
            extras.append(self._delete_assistant(name, twin, self._twin_reason(assistant)))
        if name in self.specs:
            for old in other_kind:
                extras.append(self._delete_assistant(
                    name, old, f"moving to api: {self.desired.api}; the {old.kind} it replaces is deleted"
                ))
        locked_store = entry.vector_store_id
        referenced = set(assistant.vector_store_ids) if assistant else set()
        stores = self.stores.get(name, [])
        preferred = locked_store or next((s.id for s in stores if s.id in referenced), None)
        store, store_twins = self._choose(stores, preferred)
        for twin in store_twins:
            extras.append(Change(
                Kind.VECTOR_STORE, name, Action.DELETE, id=twin.id, before={"id": twin.id},
                reason=f"a second vector store for {name!r} (a retried create or an interrupted apply); keeping {store.id}",
            ))
        if store is not None and store.expired:  # file_search finds nothing in it: a new one takes its place
            extras.append(Change(
                Kind.VECTOR_STORE, name, Action.DELETE, id=store.id, before={"id": store.id},
                reason="it expired (vector_store.expires_after); its files are kept and attached to a new store",
            ))
            store = None
        now = _Current(assistant=assistant, store=store)
        now.files["files"] = self._store_files(entry, store)
        now.files["code_interpreter_files"] = self._ci_files(name, entry, assistant)
        return now, extras

    def _twin_reason(self, kept: ObservedAssistant | None) -> str:
        return (
            "a second object with this marker (a create retried after a timeout, or an interrupted apply); "
            f"keeping {kept.id}" if kept else "a duplicate with this marker"
        )

    def entry(self, name: str) -> LockEntry:
        return self.entries.get(name) or LockEntry()

    def _store_files(self, entry: LockEntry, store: ObservedVectorStore | None) -> dict[str, dict[str, Any]]:
        if store is None:
            return {}
        if store.files is not None:  # listed: the account is the truth
            return self._members(store.name, entry, store.files)
        # the counts agreed with the lock: trust it, but only for files that still exist
        return {
            path: item.to_dict()
            for path, item in entry.files.items()
            if item.id in self.files_by_id
        }

    def _members(self, name: str, entry: LockEntry, members: Sequence[StoreFile]) -> dict[str, dict[str, Any]]:
        """Which path each listed member serves; members that serve none are strays, to detach.

        A member is matched by the path we gave it, then by content: two paths with one content
        share one member (a store holds a file once). A member whose path is listed with another
        content, one we did not upload, or one whose file object is gone, serves nothing."""
        spec = self.specs.get(name)
        wanted = {f.path: f.sha256 for f in spec.files} if spec else {}
        found: dict[str, dict[str, Any]] = {}
        served: set[str] = set()
        ours = [m for m in members if m.file_id in self.files_by_id]
        by_path: dict[str, list[StoreFile]] = defaultdict(list)
        for m in ours:
            path = m.path or self._path_for(entry, "files", m.file_id)
            if path:
                by_path[path].append(m)
        for path, claims in sorted(by_path.items()):  # one member per path: the one with the wanted content
            best = next((m for m in claims if self._sha_of(m.file_id) == wanted.get(path)), claims[0])
            if path not in wanted or best.file_id not in served:
                found[path] = {"id": best.file_id, "sha256": self._sha_of(best.file_id), **_attributes(best)}
                served.add(best.file_id)
        for path, sha in sorted(wanted.items()):  # identical contents: a member serving another path
            if path not in found or found[path]["sha256"] != sha:
                same = next((m for m in ours if self._sha_of(m.file_id) == sha
                             and self._serves_wanted(found, wanted, m.file_id)), None)
                if same is not None:
                    found[path] = {"id": same.file_id, "sha256": sha, **_attributes(same)}
        used = {item["id"] for item in found.values()}
        self.strays[name] = [m for m in members if m.file_id not in used]
        return found

    @staticmethod
    def _serves_wanted(found: Mapping[str, Mapping[str, Any]], wanted: Mapping[str, str], file_id: str) -> bool:
        return any(item["id"] == file_id and wanted.get(p) == item["sha256"] for p, item in found.items())

    def _ci_files(self, name: str, entry: LockEntry, assistant: ObservedAssistant | None) -> dict[str, dict[str, Any]]:
        if not self.caps.server_object:  # the lock's settings name the files
            attached = {item.id for item in entry.code_interpreter_files.values()}
        elif assistant is None:
            return {}
        else:
            attached = set(assistant.code_interpreter_file_ids)
        found = {
            path: item.to_dict()
            for path, item in entry.code_interpreter_files.items()
            if item.id in attached and item.id in self.files_by_id
        }
        known = {item["id"] for item in found.values()}
        spec = self.specs.get(name)
        for file_id in attached - known:  # lock lost or stale: recover paths by content hash
            sha = self._sha_of(file_id)
            match = next((f.path for f in (spec.code_interpreter_files if spec else ()) if f.sha256 == sha), None)
            if sha and match and match not in found:
                found[match] = {"id": file_id, "sha256": sha}
        return found

    def _sha_of(self, file_id: str) -> str | None:
        item = self.files_by_id.get(file_id)
        return item.sha256 if item else None

    @staticmethod
    def _path_for(entry: LockEntry, role: str, file_id: str) -> str | None:
        return next((p for p, item in entry.role(role).items() if item.id == file_id), None)

    def _repair(self, name: str, now: _Current) -> None:
        """What the lockfile should say about ``name`` given what the markers found, where it differs."""
        entry = self.entry(name)
        repair: dict[str, Any] = {}
        if now.assistant is not None and self.caps.server_object and entry.id != now.assistant.id:
            repair.update(id=now.assistant.id, api=self.desired.api)
        if now.store is not None:
            if entry.vector_store_id != now.store.id:
                repair["vector_store_id"] = now.store.id
            if _plain_files(entry.files) != now.files["files"]:
                repair["files"] = now.files["files"]
            pending = entry.pending_files
            if any(path in now.files["files"] for path in pending):  # attached, but the apply stopped before saying so
                repair["pending_files"] = {p: item.to_dict() for p, item in pending.items() if p not in now.files["files"]}
        elif entry.vector_store_id is not None:
            # the store is gone (another clone applied a removal of its files, or it was deleted by
            # hand): nothing holds the entry's retrieval files. A content still used is found again
            # by its marker (and attached to a new store, or named by the manifest using it); an
            # unused one is found by its marker and deleted
            repair["vector_store_id"] = None
            if entry.files:
                repair["files"] = None
        if now.assistant is not None and _plain_files(entry.code_interpreter_files) != now.files["code_interpreter_files"]:
            repair["code_interpreter_files"] = now.files["code_interpreter_files"]
        repair.update(self._unlistable(entry))
        if repair:
            self.repairs[name] = repair

    def _unlistable(self, entry: LockEntry) -> dict[str, Any]:
        """Forget an object of an API the server no longer serves: it can never be seen or deleted."""
        repair: dict[str, Any] = {}
        if entry.api in self.observed.gone:
            repair.update({k: None for k in ("id", "api", "reasoning_effort", "applied") if getattr(entry, k)})
        if entry.replaced_api in self.observed.gone:
            repair["replaced_api"] = None
        return repair

    def _forget_gone(self, name: str) -> None:
        """A removed manifest's lock entry naming objects no longer on the account (an apply killed
        between a delete and the lockfile write): the lock forgets them (``None`` = remove the key)."""
        entry = self.entry(name)
        repair: dict[str, Any] = {}
        if entry.id and self.caps.server_object and entry.id not in {a.id for a in self.assistants.get(name, [])}:
            repair["id"] = None
        if entry.vector_store_id and entry.vector_store_id not in {s.id for s in self.stores.get(name, [])}:
            repair["vector_store_id"] = None
        for role in TRACKED_FILES:  # file objects a killed destroy deleted: named nowhere once gone
            members = entry.role(role)
            left = {key: item.to_dict() for key, item in members.items() if item.id in self.files_by_id}
            if len(left) != len(members):
                repair[role] = left or None
        if not (self.assistants.get(name) or self.stores.get(name) or entry.responses):
            # nothing of it is left to hold files (another clone applied the removal): a file whose
            # content another manifest uses is that manifest's to name; an unused one is found by
            # its marker and deleted
            repair.update({role: None for role in TRACKED_FILES if entry.role(role)})
        repair.update(self._unlistable(entry))
        if repair:
            self.repairs[name] = repair

    # -- comparators -------------------------------------------------------------------------
    def run(self) -> list[Change]:
        changes: list[Change] = []
        names = sorted(set(self.specs) | set(self.assistants) | set(self.stores) | set(self.entries))
        pending_elsewhere = []  # --target leaves these out, but they have changes too: say so
        for name in names:
            if not self.wanted(name):
                now, extras = self.current(name)
                spec = self.specs.get(name)
                if extras or (self._plan_present(spec, now) if spec else self._plan_absent(name, now)):
                    pending_elsewhere.append(name)
                continue
            now, extras = self.current(name)
            spec = self.specs.get(name)
            if spec is not None:
                self._repair(name, now)
            else:
                self._forget_gone(name)
            own = (self._plan_present(spec, now) if spec else self._plan_absent(name, now)) + extras
            if not own and spec:
                self.unchanged.append(name)
            changes.extend(own)
        if self.desired.targets is None:
            changes.extend(self._unused_files(changes))
        elif pending_elsewhere:
            shown = ", ".join(pending_elsewhere[:10]) + (f" and {len(pending_elsewhere) - 10} more"
                                                        if len(pending_elsewhere) > 10 else "")
            self.notes.append(f"--target: {len(pending_elsewhere)} other assistant(s) also have pending changes "
                              f"({shown}), not in this plan; plan without --target to see them")
        for api in sorted(self.observed.gone):
            self.notes.append(f"this server answers 404 for the {api.capitalize()} API (OpenAI sunset the Assistants "
                              f"API on 2026-08-26): its old objects cannot be listed, so they are neither shown "
                              f"nor deleted here; the lockfile forgets their ids")
        if found_by_markers(self.repairs):
            names = found_by_markers(self.repairs)
            shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")
            self.notes.append(f"the lockfile does not name everything found on the account by its markers "
                              f"({shown}); apply records it, without changing the account")
        return changes

    def _plan_present(self, spec: AssistantSpec, now: _Current) -> list[Change]:
        changes: list[Change] = []
        name = spec.name
        needs_store = bool(spec.files)
        if needs_store and now.store is None:
            changes.append(Change(
                Kind.VECTOR_STORE, name, Action.CREATE, after={"name": name, "files": len(spec.files),
                                                                **spec.vector_store},
                reason="the manifest lists retrieval files" if not self.entry(name).vector_store_id
                else "the vector store in the lockfile no longer exists; it will be created again",
            ))
        elif not needs_store and now.store is not None:
            changes.append(Change(
                Kind.VECTOR_STORE, name, Action.DELETE, id=now.store.id, before={"id": now.store.id},
                reason="the manifest lists no retrieval files any more",
            ))
        elif needs_store and now.store is not None:
            changes += self._store_settings(spec, now)
        file_changes = []
        for role in FILE_ROLES:
            have = {} if (role == "files" and now.store is None) else now.files[role]
            file_changes += self._diff_files(name, role, getattr(spec, role), have)
        if now.store is not None and needs_store:
            file_changes += self._detach_strays(name)
            self._remember(name, now.store, file_changes)
        changes += file_changes
        changes += self._diff_assistant(spec, now, file_changes, changes)
        return changes

    def _remember(self, name: str, store: ObservedVectorStore, file_changes: list[Change]) -> None:
        """A listed store whose members are what the manifest lists, all processed: its usage and
        count go into the lockfile (``LockEntry.store_usage``), so the next plan trusts them."""
        if store.files is None or any(c.role == "files" for c in file_changes):
            return
        if all(member.status == "completed" for member in store.files):
            self.usage[name] = usage_record(store.id, store.usage_bytes, store.file_count)

    def _diff_files(self, name: str, role: str, wanted: Iterable[FileSpec], have: Mapping[str, Mapping[str, Any]]) -> list[Change]:
        changes = []
        wanted_by_path = {f.path: f for f in wanted}
        for path, local in wanted_by_path.items():
            after = {"sha256": local.sha256, "size": local.size, "file_id": self.kept_file.get(local.sha256)}
            if local.attributes:
                after["attributes"] = dict(local.attributes)
            old = have.get(path)
            if old is None:
                changes.append(Change(Kind.FILE, name, Action.CREATE, path=path, role=role, after=after,
                                      reason=self._file_reason(after)))
            elif old.get("sha256") != local.sha256:
                changes.append(Change(
                    Kind.FILE, name, Action.UPDATE, id=old.get("id"), path=path, role=role,
                    before=self._file_before(old), after=after,
                    reason="the file's content changed",
                ))
            elif role == "files" and dict(local.attributes) != (old.get("attributes") or {}):
                set_before, set_after = old.get("attributes") or {}, dict(local.attributes)
                changes.append(Change(
                    Kind.FILE, name, Action.UPDATE, id=old.get("id"), path=path, role=role,
                    before={**self._file_before(old), "attributes": set_before},
                    after={**after, "file_id": old.get("id"), "attributes": set_after},
                    fields=tuple(_leaf_diffs("attributes", set_before, set_after)),
                    reason="the file's attributes changed: set on its vector-store member (nothing is uploaded)",
                ))
        for path, old in have.items():
            if path not in wanted_by_path:
                changes.append(self._file_gone(name, role, path, old, "no longer listed in the manifest"))
        return _renames(changes) if role == "files" else changes  # code-interpreter files have no store

    def _file_gone(self, name: str, role: str, path: str, old: Mapping[str, Any], reason: str) -> Change:
        """A file a manifest no longer lists. When another manifest uses the same content the object
        is kept (apply deletes no content still wanted): the change then says so, and is no delete."""
        kept = old.get("sha256") in self.wanted_shas
        return Change(Kind.FILE, name, Action.DELETE, id=old.get("id"), path=path, role=role,
                      before=self._file_before(old), after={"kept": True} if kept else None,
                      reason=reason + ("; the file object stays: another manifest uses this content" if kept else ""))

    def _file_before(self, old: Mapping[str, Any]) -> dict[str, Any]:
        """A file as it is on the account: its content hash, id and (when listed) size in bytes."""
        found = self.files_by_id.get(old.get("id") or "")
        return {"sha256": old.get("sha256"), "file_id": old.get("id"), "size": found.bytes if found else None}

    def _detach_strays(self, name: str) -> list[Change]:
        """Members of an owned store that no listed path accounts for: detached (and, if ours and
        no manifest uses the content, deleted); a file we did not upload is only detached."""
        changes = []
        for m in self.strays.get(name, []):
            sha = self._sha_of(m.file_id)
            label = f"{m.path or 'unlisted document'} ({m.file_id})"  # never a lockfile path
            if sha is None:
                reason = "attached to the store by hand: detached from it; the file is not ours and stays"
            elif sha in self.wanted_shas:
                reason = ("left in the store by an interrupted apply, or by hand: no listed path has it; detached "
                          "from it, the file object stays (a manifest uses this content)")
            else:
                reason = ("left in the store by an interrupted apply, or by hand: no listed path has it; detached "
                          "from it, and the file object is deleted (no manifest uses this content)")
            kept = sha is None or sha in self.wanted_shas  # what compile deletes: ours, and unused
            changes.append(Change(Kind.FILE, name, Action.DELETE, id=m.file_id, path=label, role="files",
                                  before={"sha256": sha, "file_id": m.file_id}, after={"kept": True} if kept else None,
                                  reason=reason))
        return changes

    def _store_settings(self, spec: AssistantSpec, now: _Current) -> list[Change]:
        """The store's expiry (as the account shows it) and chunking (as the lockfile says the files
        were attached: the API applies a strategy only when a file is attached, so a change
        re-attaches every member whose content stays; changed and new files are attached anyway)."""
        store, entry = now.store, self.entry(spec.name)
        assert store is not None
        want_expiry, have_expiry = spec.vector_store.get("expires_after"), store.expires_after
        want_chunks, have_chunks = spec.vector_store.get("chunking_strategy"), entry.chunking_strategy
        fields: list[FieldDiff] = []
        after: dict[str, Any] = {}
        reasons = []
        if want_expiry != have_expiry:
            fields.append(FieldDiff("vector_store.expires_after", have_expiry, want_expiry, "vector_store"))
            after["expires_after"] = want_expiry
            reasons.append("its expiry changes" if want_expiry else "it no longer expires")
        if want_chunks != have_chunks:
            fields.append(FieldDiff("vector_store.chunking_strategy", have_chunks or {"type": "auto"},
                                    want_chunks or {"type": "auto"}, "vector_store"))
            wanted = {f.path: f for f in spec.files}
            kept = sorted((path, item) for path, item in now.files["files"].items()
                          if path in wanted and wanted[path].sha256 == item.get("sha256"))
            after["reattach"] = [{"path": path, "sha256": item["sha256"], "file_id": item["id"],
                                  "attributes": dict(wanted[path].attributes)} for path, item in kept]
            after["chunking_strategy"] = want_chunks
            reasons.append(f"the chunking strategy changed: {len(kept)} file(s) in the store are detached and "
                           "attached again to be chunked anew (nothing is uploaded; file_search misses them "
                           "until they are processed)")
        if not fields:
            return []
        return [Change(Kind.VECTOR_STORE, spec.name, Action.UPDATE, id=store.id, before={"id": store.id},
                       after=after, fields=tuple(fields), reason="; ".join(reasons))]

    @staticmethod
    def _file_reason(after: Mapping[str, Any]) -> str:
        return "already uploaded (same content); will be attached" if after["file_id"] else "new file"

    def _diff_assistant(self, spec: AssistantSpec, now: _Current, file_changes: list[Change], so_far: list[Change]) -> list[Change]:
        kind = self.desired.kind
        entry = self.entry(spec.name)
        after = spec.comparable()
        before: Mapping[str, Any] | None
        if not self.caps.server_object:  # the lockfile holds the settings last applied
            before = entry.spec if entry.responses else None
            current_id = None
        else:
            before = now.assistant.spec.comparable() if now.assistant else None
            current_id = now.assistant.id if now.assistant else None
        if before is None:
            reason = "new manifest"
            if entry.api and entry.api != self.desired.api:
                reason = (f"moving from api: {entry.api} to api: {self.desired.api}; the vector store and files "
                          "already uploaded are reused")
            elif self.caps.server_object and entry.id and (entry.api or self.desired.api) == self.desired.api:
                reason = f"{entry.id} (named in the lockfile) no longer exists on the account; it will be created again"
            defaulted = tuple(f for f in after if f in self.desired.defaulted.get(spec.name, ()))
            return [Change(kind, spec.name, Action.CREATE, after=after, reason=reason, defaulted=defaulted)]
        diffs, seen = self._field_diffs(before, after, entry)
        if not diffs and self.caps.server_object and self.wanted(spec.name) and spec.name not in self.moves:
            self._refresh_applied(spec.name, entry, after)
        if self.caps.tool_resources:
            diffs += self._resource_diffs(spec, now, entry, so_far)
        move = self.moves.get(spec.name)
        if move is not None:  # the marker in its metadata names the new manifest from now on
            diffs.insert(0, FieldDiff("name", move.old, spec.name, "metadata"))
        if not diffs:
            return []
        reason = _update_reason(entry.applied, self._digest(seen), self._digest(after))
        if move is not None:
            kept = f"{current_id} is kept" if current_id else "its settings, vector store and files are kept"
            reason = f"renamed from {move.old!r} (renamed_from): {kept}" + (
                f"; {reason}" if len(diffs) > 1 else "")
        return [Change(kind, spec.name, Action.UPDATE, id=current_id, before=before, after=after,
                       fields=tuple(diffs), reason=reason)]

    def _refresh_applied(self, name: str, entry: LockEntry, after: Mapping[str, Any]) -> None:
        """The account holds what the manifest asks: record it as applied, as an apply of this
        manifest would have. Another checkout's apply (its own lockfile) leaves this lockfile's
        digest behind, and nothing else brings it up to date: its next edit would read as drift."""
        applied = self._digest(after)
        if entry.applied != applied:
            self.repairs.setdefault(name, {})["applied"] = applied

    def _resource_diffs(self, spec: AssistantSpec, now: _Current, entry: LockEntry,
                        so_far: list[Change]) -> list[FieldDiff]:
        """What the assistant's tools point at: its vector store and code-interpreter files."""
        store_before: Any
        if not self.caps.server_object:
            store_before = entry.vector_store_id if entry.responses else None
        else:
            # only stores this project owns count, as only its own code-interpreter files do: a store
            # attached by hand (an imported assistant's) is left alone, not shown as a change
            owned = {s.id for stores in self.stores.values() for s in stores}
            ids = tuple(i for i in now.assistant.vector_store_ids if i in owned) if now.assistant else ()
            store_before = ids[0] if len(ids) == 1 else (list(ids) or None)
        store_deleted = any(c.type is Kind.VECTOR_STORE and c.action is Action.DELETE and c.id == getattr(now.store, "id", None)
                            for c in so_far)
        if not spec.files:
            store_after = None
        elif now.store is not None and not store_deleted:
            store_after = now.store.id
        else:
            store_after = "(new vector store, known after apply)"
        diffs = []
        if store_before != store_after:
            diffs.append(FieldDiff("tool_resources.vector_store", store_before, store_after, "tool_resources"))
        ci_before = sorted(f"{p} ({item.get('sha256', '')[:12]})" for p, item in now.files["code_interpreter_files"].items())
        ci_after = sorted(f"{f.path} ({f.sha256[:12]})" for f in spec.code_interpreter_files)
        if ci_before != ci_after:
            diffs.append(FieldDiff("tool_resources.code_interpreter_files", ci_before, ci_after, "tool_resources"))
        if diffs and self.caps.server_object and now.assistant is not None:
            # the update sends tool_resources whole: what was attached by hand (an imported
            # assistant's own store or files) is detached, and the plan must say so
            owned_ci = {item.get("id") for item in now.files["code_interpreter_files"].values()}
            by_hand = [i for i in now.assistant.vector_store_ids if i not in owned]
            by_hand += [i for i in now.assistant.code_interpreter_file_ids if i not in owned_ci]
            if by_hand:
                diffs.append(FieldDiff("tool_resources.attached_by_hand", by_hand, None, "tool_resources"))
        return diffs

    def _digest(self, comparable: Mapping[str, Any]) -> str:
        return spec_digest(comparable, self.caps.ignore_unset, self.caps.write_only)

    def _field_diffs(self, before: Mapping[str, Any], after: Mapping[str, Any],
                     entry: LockEntry) -> tuple[list[FieldDiff], dict[str, Any]]:
        """The differences, and the account's side as it was compared (unset fields projected away)."""
        diffs: list[FieldDiff] = []
        seen = dict(before)
        for name in SPEC_FIELDS:
            want, have = after.get(name), before.get(name)
            if name in self.caps.ignore_unset:
                sent = getattr(entry, name, None)  # what the last apply set (a backend may remember it): clear it now
                if want in (None, {}, []) and sent in (None, {}, []):
                    seen[name] = want
                    continue
                if isinstance(want, dict) and isinstance(have, dict):  # only the keys the manifest sets
                    have = {k: have.get(k) for k in {*want, *(sent if isinstance(sent, dict) else ())}}
                    want = {k: want.get(k) for k in have}
            seen[name] = have
            if name in self.caps.write_only:  # what we last sent; unknown after a lost lock
                have = getattr(entry, name) if getattr(entry, name, None) is not None else want
            if want == have:
                continue
            diffs.extend(_leaf_diffs(name, have, want))
        return diffs, seen

    def _plan_absent(self, name: str, now: _Current) -> list[Change]:
        """A manifest removed from the folder: delete what it owned."""
        reason = DESTROY_REASON if self.desired.destroy else "no manifest named it any more"
        changes = []
        if now.assistant is not None:
            changes.append(self._delete_assistant(name, now.assistant, reason))
        elif not self.caps.server_object and self.entry(name).responses:
            changes.append(Change(self.desired.kind, name, Action.DELETE, before=self.entry(name).spec, reason=reason))
        if now.store is not None:
            changes.append(Change(Kind.VECTOR_STORE, name, Action.DELETE, id=now.store.id,
                                  before={"id": now.store.id}, reason=reason))
        for role in FILE_ROLES:
            for path, old in sorted(now.files[role].items()):
                changes.append(self._file_gone(name, role, path, old, reason))
        return changes

    def _delete_assistant(self, name: str, item: ObservedAssistant, reason: str) -> Change:
        return Change(item.kind, name, Action.DELETE, id=item.id, before=item.spec.comparable(), reason=reason)

    def _unused_files(self, changes: list[Change]) -> list[Change]:
        """File objects that no manifest uses any more, and duplicate uploads of the same content."""
        wanted_shas = self.wanted_shas
        mentioned = {c.id for c in changes if c.type is Kind.FILE and c.action in (Action.DELETE, Action.UPDATE)}
        owner_of = {
            item.id: (name, path)
            for name, entry in self.entries.items()
            for role in FILE_ROLES
            for path, item in entry.role(role).items()
        }
        extra = []
        for item in sorted(self.observed.files, key=lambda f: f.id):
            duplicate = self.kept_file.get(item.sha256) != item.id
            if item.sha256 in wanted_shas and not duplicate:
                continue
            if item.id in mentioned:
                continue
            name, path = owner_of.get(item.id, ("-", None))
            reason = ("a second upload of the same content; keeping " + self.kept_file[item.sha256]) if duplicate \
                else DESTROY_REASON if self.desired.destroy else "no manifest uses this content any more"
            extra.append(Change(Kind.FILE, name, Action.DELETE, id=item.id, path=path or item.filename.rsplit("~", 1)[-1],
                                role=None, before={"sha256": item.sha256, "file_id": item.id, "size": item.bytes}, reason=reason))
        return extra


def adopted_digest(desired: Desired, observed: ObservedAssistant) -> str:
    """The ``applied`` digest of an object ``import`` adopts: the account's side as the planner will
    compare it, so that after an import a manifest edit reads as an edit and an account edit as drift."""
    planner = _Planner(desired, Observed(assistants=(observed,)), {})
    spec = next(s for s in desired.specs if s.name == observed.name)
    _, seen = planner._field_diffs(observed.spec.comparable(), spec.comparable(), LockEntry())
    return planner._digest(seen)


def _update_reason(applied: str | None, before: str, after: str) -> str:
    """Why an assistant is updated, from this lockfile's last apply. The lockfile cannot tell an
    apply from another checkout (its own lockfile) from an edit by hand: both change the account
    behind it, so a reason that finds the account changed names both."""
    if applied is None:
        return "the account differs from the manifest"
    if applied == before:
        return "the manifest changed"
    if applied == after:
        return ("edited outside asst-deploy (drift), or applied from another checkout: the account no longer "
                "matches this lockfile's last apply; apply sets it back to the manifest")
    return ("the manifest changed, and the account differs from this lockfile's last apply (applied from "
            "another checkout, or edited outside asst-deploy)")


def _attributes(member: StoreFile) -> dict[str, Any]:
    """A listed member's own attributes, as a file entry of the lockfile holds them (none: no key)."""
    return {"attributes": dict(member.attributes)} if member.attributes else {}


def _plain_files(members: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {path: item.to_dict() for path, item in members.items()}


def _leaf_diffs(field_name: str, before: Any, after: Any) -> list[FieldDiff]:
    """Field-level differences, down to the changed leaves, with list items matched by identity.

    Tools are matched as a reviewer names them: a function by its name, an MCP server by its
    label, any other tool by its type. Inserting a function first is then one added function, not
    a rename of every tool after it; an edit is the fields that changed inside that function.
    """
    return _diff_value(field_name, field_name, before, after) or [FieldDiff(field_name, before, after, field_name)]


def _diff_value(root: str, path: str, before: Any, after: Any) -> list[FieldDiff]:
    if before == after and type(before) is type(after):
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        keys = list(after) + [k for k in before if k not in after]
        return [d for k in keys for d in _diff_value(root, _join(path, k), before.get(k), after.get(k))]
    if isinstance(before, list) and isinstance(after, list):
        old, new = _keyed(before), _keyed(after)
        if old is not None and new is not None:
            return _diff_keyed(root, path, old, new)
        if len(before) == len(after) and any(isinstance(v, (dict, list)) for v in before + after):
            return [d for i, (b, a) in enumerate(zip(before, after)) for d in _diff_value(root, f"{path}[{i}]", b, a)]
    return [FieldDiff(path, before, after, root)]


def _diff_keyed(root: str, path: str, old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    """Added, removed and edited items by identity; a new order of the same items as one line."""
    diffs: list[FieldDiff] = []
    for key in list(new) + [k for k in old if k not in new]:
        diffs += _diff_value(root, f"{path}[{key}]", old.get(key), new.get(key))
    kept_old = [k for k in old if k in new]
    kept_new = [k for k in new if k in old]
    if kept_old != kept_new:
        diffs.append(FieldDiff(f"{path} (order)", kept_old, kept_new, root))
    return diffs


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Items by identity, or None when some item has none or two share one (then by position)."""
    keyed: dict[str, Any] = {}
    for item in items:
        key = _identity(item)
        if key is None or key in keyed:
            return None
        keyed[key] = item
    return keyed


def _identity(item: Any) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        return None
    if item["type"] == "function" and isinstance(item.get("name"), str):
        return item["name"]
    if item["type"] == "mcp" and isinstance(item.get("server_label"), str):
        return f"mcp {item['server_label']}"
    return item["type"]


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def _join(path: str, key: Any) -> str:
    key = str(key)
    return f"{path}.{key}" if _KEY.match(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _renames(changes: list[Change]) -> list[Change]:
    """A path that goes and a new path of the same manifest and role with the same content are one
    rename: apply re-attaches the same file object under its new path and detaches nothing, so the
    pair says so (``renamed_to``/``renamed_from``) instead of reading as a detach and an attach."""
    gone = {c.before["sha256"]: c for c in changes if c.action is Action.DELETE and c.before and c.before.get("sha256")}
    paired: dict[int, Change] = {}
    for change in changes:
        after = change.after or {}
        old = gone.pop(after.get("sha256"), None) if change.action is Action.CREATE and after.get("file_id") else None
        if old is None:
            continue
        paired[id(change)] = replace(change, after={**after, "renamed_from": old.path},
                                     reason=f"renamed from {old.path} (same content): the same file object, "
                                            "attached under its new path")
        paired[id(old)] = replace(old, after={"kept": True, "renamed_to": change.path},
                                  reason=f"renamed to {change.path} (same content): the document stays in the "
                                         "store under its new path; nothing is detached or deleted")
    return [paired.get(id(c), c) for c in changes]

