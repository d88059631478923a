"""A vector store's members and the manifest's files: which path each member serves, and the file
changes (upload, attach, re-attach, rename, detach) that make both roles match the manifest.

Code-interpreter files go through ``diff_files`` too; only retrieval files have a store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from typing import Any, Iterable, Mapping, Sequence

from ...account.observed import ObservedVectorStore, StoreFile
from ...lock.entry import LockEntry, usage_record
from ...spec import FileSpec, Kind
from ..types import Action, Change
from .context import Context, Current, Findings
from .values import leaf_diffs

_Files = dict[str, dict[str, Any]]  # path -> {"id", "sha256", "attributes"?}, as a lockfile entry holds them


def store_files(ctx: Context, entry: LockEntry, store: ObservedVectorStore | None) -> tuple[_Files, list[StoreFile]]:
    """The retrieval files a store holds by path, and its members that serve no path (strays)."""
    if store is None:
        return {}, []
    if store.files is not None:  # listed: the account is the truth
        return _members(ctx, store.name, entry, store.files)
    # the counts agreed with the lock: trust it, but only for files that still exist
    return {path: item.to_dict() for path, item in entry.files.items() if item.id in ctx.files_by_id}, []


def _members(ctx: Context, name: str, entry: LockEntry, members: Sequence[StoreFile]) -> tuple[_Files, list[StoreFile]]:
    """Which path each listed member serves; members that serve none are strays, to detach.

    A member is matched by the path we gave it, then by content: two paths with one content
    share one member (a store holds a file once). A member whose path is listed with another
    content, one we did not upload, or one whose file object is gone, serves nothing."""
    spec = ctx.specs.get(name)
    wanted = {f.path: f.sha256 for f in spec.files} if spec else {}
    found: _Files = {}
    served: set[str] = set()
    ours = [m for m in members if m.file_id in ctx.files_by_id]
    by_path: dict[str, list[StoreFile]] = defaultdict(list)
    for m in ours:
        path = m.path or _path_for(entry, "files", m.file_id)
        if path:
            by_path[path].append(m)
    for path, claims in sorted(by_path.items()):  # one member per path: the one with the wanted content
        best = next((m for m in claims if ctx.sha_of(m.file_id) == wanted.get(path)), claims[0])
        if path not in wanted or best.file_id not in served:
            found[path] = {"id": best.file_id, "sha256": ctx.sha_of(best.file_id), **_attributes(best)}
            served.add(best.file_id)
    for path, sha in sorted(wanted.items()):  # identical contents: a member serving another path
        if path not in found or found[path]["sha256"] != sha:
            same = next((m for m in ours if ctx.sha_of(m.file_id) == sha
                         and _serves_wanted(found, wanted, m.file_id)), None)
            if same is not None:
                found[path] = {"id": same.file_id, "sha256": sha, **_attributes(same)}
    used = {item["id"] for item in found.values()}
    return found, [m for m in members if m.file_id not in used]


def _serves_wanted(found: Mapping[str, Mapping[str, Any]], wanted: Mapping[str, str], file_id: str) -> bool:
    return any(item["id"] == file_id and wanted.get(p) == item["sha256"] for p, item in found.items())


def _path_for(entry: LockEntry, role: str, file_id: str) -> str | None:
    return next((p for p, item in entry.role(role).items() if item.id == file_id), None)


def _attributes(member: StoreFile) -> dict[str, Any]:
    """A listed member's own attributes, as a file entry of the lockfile holds them (none: no key)."""
    return {"attributes": dict(member.attributes)} if member.attributes else {}


def diff_files(ctx: Context, name: str, role: str, wanted: Iterable[FileSpec],
               have: Mapping[str, Mapping[str, Any]]) -> list[Change]:
    """One role's files: new paths, changed contents or attributes, paths no longer listed."""
    changes = []
    wanted_by_path = {f.path: f for f in wanted}
    for path, local in wanted_by_path.items():
        after = {"sha256": local.sha256, "size": local.size, "file_id": ctx.kept_file.get(local.sha256)}
        if local.attributes:
            after["attributes"] = dict(local.attributes)
        old = have.get(path)
        if old is None:
            changes.append(Change(Kind.FILE, name, Action.CREATE, path=path, role=role, after=after,
                                  reason=_file_reason(after)))
        elif old.get("sha256") != local.sha256:
            changes.append(Change(
                Kind.FILE, name, Action.UPDATE, id=old.get("id"), path=path, role=role,
                before=file_before(ctx, old), after=after,
                reason="the file's content changed",
            ))
        elif role == "files" and dict(local.attributes) != (old.get("attributes") or {}):
            set_before, set_after = old.get("attributes") or {}, dict(local.attributes)
            changes.append(Change(
                Kind.FILE, name, Action.UPDATE, id=old.get("id"), path=path, role=role,
                before={**file_before(ctx, old), "attributes": set_before},
                after={**after, "file_id": old.get("id"), "attributes": set_after},
                fields=tuple(leaf_diffs("attributes", set_before, set_after)),
                reason="the file's attributes changed: set on its vector-store member (nothing is uploaded)",
            ))
    for path, old in have.items():
        if path not in wanted_by_path:
            changes.append(file_gone(ctx, name, role, path, old, "no longer listed in the manifest"))
    return _renames(changes) if role == "files" else changes  # code-interpreter files have no store


def _file_reason(after: Mapping[str, Any]) -> str:
    return "already uploaded (same content); will be attached" if after["file_id"] else "new file"


def file_gone(ctx: Context, name: str, role: str, path: str, old: Mapping[str, Any], reason: str) -> Change:
    """A file a manifest no longer lists. When another manifest uses the same content the object
    is kept (apply deletes no content still wanted): the change then says so, and is no delete."""
    kept = old.get("sha256") in ctx.wanted_shas
    return Change(Kind.FILE, name, Action.DELETE, id=old.get("id"), path=path, role=role,
                  before=file_before(ctx, old), after={"kept": True} if kept else None,
                  reason=reason + ("; the file object stays: another manifest uses this content" if kept else ""))


def file_before(ctx: Context, old: Mapping[str, Any]) -> dict[str, Any]:
    """A file as it is on the account: its content hash, id and (when listed) size in bytes."""
    found = ctx.files_by_id.get(old.get("id") or "")
    return {"sha256": old.get("sha256"), "file_id": old.get("id"), "size": found.bytes if found else None}


def detach_strays(ctx: Context, name: str, now: Current) -> list[Change]:
    """Members of an owned store that no listed path accounts for: detached (and, if ours and
    no manifest uses the content, deleted); a file we did not upload is only detached."""
    changes = []
    for m in now.strays:
        sha = ctx.sha_of(m.file_id)
        label = f"{m.path or 'unlisted document'} ({m.file_id})"  # never a lockfile path
        if sha is None:
            reason = "attached to the store by hand: detached from it; the file is not ours and stays"
        elif sha in ctx.wanted_shas:
            reason = ("left in the store by an interrupted apply, or by hand: no listed path has it; detached "
                      "from it, the file object stays (a manifest uses this content)")
        else:
            reason = ("left in the store by an interrupted apply, or by hand: no listed path has it; detached "
                      "from it, and the file object is deleted (no manifest uses this content)")
        kept = sha is None or sha in ctx.wanted_shas  # what compile deletes: ours, and unused
        changes.append(Change(Kind.FILE, name, Action.DELETE, id=m.file_id, path=label, role="files",
                              before={"sha256": sha, "file_id": m.file_id}, after={"kept": True} if kept else None,
                              reason=reason))
    return changes


def remember_usage(findings: Findings, name: str, store: ObservedVectorStore, file_changes: list[Change]) -> None:
    """A listed store whose members are what the manifest lists, all processed: its usage and
    count go into the lockfile (``LockEntry.store_usage``), so the next plan trusts them."""
    if store.files is None or any(c.role == "files" for c in file_changes):
        return
    if all(member.status == "completed" for member in store.files):
        findings.usage[name] = usage_record(store.id, store.usage_bytes, store.file_count)


def _renames(changes: list[Change]) -> list[Change]:
    """A path that goes and a new path of the same manifest and role with the same content are one
    rename: apply re-attaches the same file object under its new path and detaches nothing, so the
    pair says so (action ``rename``, ``renamed_to``/``renamed_from``) instead of reading as a detach
    and an attach."""
    gone = {c.before["sha256"]: c for c in changes if c.action is Action.DELETE and c.before and c.before.get("sha256")}
    paired: dict[int, Change] = {}
    for change in changes:
        after = change.after or {}
        old = gone.pop(after.get("sha256"), None) if change.action is Action.CREATE and after.get("file_id") else None
        if old is None:
            continue
        paired[id(change)] = replace(change, action=Action.RENAME, after={**after, "renamed_from": old.path},
                                     reason=f"renamed from {old.path} (same content): the same file object, "
                                            "attached under its new path")
        paired[id(old)] = replace(old, action=Action.RENAME, after={"kept": True, "renamed_to": change.path},
                                  reason=f"renamed to {change.path} (same content): the document stays in the "
                                         "store under its new path; nothing is detached or deleted")
    return [paired.get(id(c), c) for c in changes]
