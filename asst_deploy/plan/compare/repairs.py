"""Lock repairs: what the lockfile should say, given what the markers found, where it differs.

Apply records these even when nothing on the account changes (a lost lockfile, an apply killed
between a create or a delete and the lockfile write). ``None`` in a repair removes the key.
"""

from __future__ import annotations

from typing import Any, Mapping

from ...lock.entry import TRACKED_FILES, LockEntry
from .context import Context, Current


def repair(ctx: Context, name: str, now: Current) -> dict[str, Any]:
    """A manifest's entry against what was found for it."""
    entry = ctx.entry(name)
    fix: dict[str, Any] = {}
    if now.assistant is not None and ctx.caps.server_object and entry.id != now.assistant.id:
        fix.update(id=now.assistant.id, api=ctx.desired.api)
    if now.store is not None:
        if entry.vector_store_id != now.store.id:
            fix["vector_store_id"] = now.store.id
        if _plain_files(entry.files) != now.files["files"]:
            fix["files"] = now.files["files"]
        pending = entry.pending_files
        if any(path in now.files["files"] for path in pending):  # attached, but the apply stopped before saying so
            fix["pending_files"] = {p: item.to_dict() for p, item in pending.items() if p not in now.files["files"]}
    elif entry.vector_store_id is not None:
        # the store is gone (another clone applied a removal of its files, or it was deleted by
        # hand): nothing holds the entry's retrieval files. A content still used is found again
        # by its marker (and attached to a new store, or named by the manifest using it); an
        # unused one is found by its marker and deleted
        fix["vector_store_id"] = None
        if entry.files:
            fix["files"] = None
    if now.assistant is not None and _plain_files(entry.code_interpreter_files) != now.files["code_interpreter_files"]:
        fix["code_interpreter_files"] = now.files["code_interpreter_files"]
    fix.update(_unlistable(ctx, entry))
    return fix


def forget_gone(ctx: Context, name: str) -> dict[str, Any]:
    """A removed manifest's lock entry naming objects no longer on the account (an apply killed
    between a delete and the lockfile write): the lock forgets them."""
    entry = ctx.entry(name)
    fix: dict[str, Any] = {}
    if entry.id and ctx.caps.server_object and entry.id not in {a.id for a in ctx.assistants.get(name, [])}:
        fix["id"] = None
    if entry.vector_store_id and entry.vector_store_id not in {s.id for s in ctx.stores.get(name, [])}:
        fix["vector_store_id"] = None
    for role in TRACKED_FILES:  # file objects a killed destroy deleted: named nowhere once gone
        members = entry.role(role)
        left = {key: item.to_dict() for key, item in members.items() if item.id in ctx.files_by_id}
        if len(left) != len(members):
            fix[role] = left or None
    if not (ctx.assistants.get(name) or ctx.stores.get(name) or entry.responses):
        # nothing of it is left to hold files (another clone applied the removal): a file whose
        # content another manifest uses is that manifest's to name; an unused one is found by
        # its marker and deleted
        fix.update({role: None for role in TRACKED_FILES if entry.role(role)})
    fix.update(_unlistable(ctx, entry))
    return fix


def describe(ctx: Context, name: str, fix: Mapping[str, Any]) -> str:
    """What apply rewrites in ``name``'s entry: ``math-tutor id asst_old -> asst_new, files``."""
    entry = ctx.entry(name).to_dict()
    parts = []
    for key, new in sorted(fix.items()):
        if key in ("applied", "api"):
            continue
        old = entry.get(key)
        if isinstance(new, (str, type(None))) and isinstance(old, (str, type(None))):
            parts.append(f"{key} {old or '(none)'} -> {new or '(none)'}")
        else:
            parts.append(key)
    return f"{name} {', '.join(parts)}" if parts else name


def _unlistable(ctx: Context, entry: LockEntry) -> dict[str, Any]:
    """Forget an object of an API the server no longer serves: it can never be seen or deleted."""
    fix: dict[str, Any] = {}
    if entry.api in ctx.observed.gone:
        fix.update({k: None for k in ("id", "api", "reasoning_effort", "applied") if getattr(entry, k)})
    if entry.replaced_api in ctx.observed.gone:
        fix["replaced_api"] = None
    return fix


def _plain_files(members: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {path: item.to_dict() for path, item in members.items()}
