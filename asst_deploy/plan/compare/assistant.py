"""The assistant (or agent) itself: its fields, and what its tools point at (its vector store and
code-interpreter files). Created when nothing holds it, updated field by field otherwise."""

from __future__ import annotations

from typing import Any, Mapping

from ...lock.entry import LockEntry
from ...spec import SPEC_FIELDS, AssistantSpec, Kind
from ..types import Action, Change, FieldDiff
from .context import Context, Current, Findings
from .values import leaf_diffs


def compare_assistant(ctx: Context, findings: Findings, spec: AssistantSpec, now: Current,
                      so_far: list[Change]) -> list[Change]:
    """``so_far``: this manifest's store and file changes, planned first."""
    entry = ctx.entry(spec.name)
    after = spec.comparable()
    before: Mapping[str, Any] | None
    if not ctx.caps.server_object:  # the lockfile holds the settings last applied
        before = entry.spec if entry.responses else None
        current_id = None
    else:
        before = now.assistant.spec.comparable() if now.assistant else None
        current_id = now.assistant.id if now.assistant else None
    if before is None:
        return [_create(ctx, spec, entry, after)]
    diffs, seen = field_diffs(ctx, before, after, entry)
    if not diffs and ctx.caps.server_object and ctx.wanted(spec.name) and spec.name not in ctx.moves:
        _refresh_applied(ctx, findings, spec.name, entry, after)
    if ctx.caps.tool_resources:
        diffs += _resource_diffs(ctx, spec, now, entry, so_far)
    move = ctx.moves.get(spec.name)
    if move is not None:  # the marker in its metadata names the new manifest from now on
        diffs.insert(0, FieldDiff("name", move.old, spec.name, "metadata"))
    if not diffs:
        return []
    reason = _update_reason(entry.applied, ctx.digest(seen), ctx.digest(after))
    if move is not None:
        kept = f"{current_id} is kept" if current_id else "its settings, vector store and files are kept"
        reason = f"renamed from {move.old!r} (renamed_from): {kept}" + (
            f"; {reason}" if len(diffs) > 1 else "")
    return [Change(ctx.desired.kind, spec.name, Action.UPDATE, id=current_id, before=before, after=after,
                   fields=tuple(diffs), reason=reason)]


def _create(ctx: Context, spec: AssistantSpec, entry: LockEntry, after: Mapping[str, Any]) -> Change:
    reason = "new manifest"
    api = ctx.desired.api
    if entry.api and entry.api != api:
        reason = (f"moving from api: {entry.api} to api: {api}; the vector store and files "
                  "already uploaded are reused")
    elif ctx.caps.server_object and entry.id and (entry.api or api) == api:
        reason = f"{entry.id} (named in the lockfile) no longer exists on the account; it will be created again"
    defaulted = tuple(f for f in after if f in ctx.desired.defaulted.get(spec.name, ()))
    return Change(ctx.desired.kind, spec.name, Action.CREATE, after=after, reason=reason, defaulted=defaulted)


def _refresh_applied(ctx: Context, findings: Findings, name: str, entry: LockEntry, after: Mapping[str, Any]) -> None:
    """The account holds what the manifest asks: record it as applied, as an apply of this
    manifest would have. Another checkout's apply (its own lockfile) leaves this lockfile's
    digest behind, and nothing else brings it up to date: its next edit would read as drift."""
    applied = ctx.digest(after)
    if entry.applied != applied:
        findings.repairs.setdefault(name, {})["applied"] = applied


def _resource_diffs(ctx: Context, spec: AssistantSpec, now: Current, entry: LockEntry,
                    so_far: list[Change]) -> list[FieldDiff]:
    """What the assistant's tools point at: its vector store and code-interpreter files."""
    store_before: Any
    owned = ctx.owned_stores
    if not ctx.caps.server_object:
        store_before = entry.vector_store_id if entry.responses else None
    else:
        # only stores this project owns count, as only its own code-interpreter files do: a store
        # attached by hand (an imported assistant's) is left alone, not shown as a change
        ids = tuple(i for i in now.assistant.vector_store_ids if i in owned) if now.assistant else ()
        store_before = ids[0] if len(ids) == 1 else (list(ids) or None)
    store_id = now.store.id if now.store is not None else None
    store_deleted = any(c.type is Kind.VECTOR_STORE and c.action is Action.DELETE and c.id == store_id for c in so_far)
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
    if diffs and ctx.caps.server_object and now.assistant is not None:
        # the update sends tool_resources whole: what was attached by hand (an imported
        # assistant's own store or files) is detached, and the plan must say so
        owned_ci = {item.get("id") for item in now.files["code_interpreter_files"].values()}
        by_hand = [i for i in now.assistant.vector_store_ids if i not in owned]
        by_hand += [i for i in now.assistant.code_interpreter_file_ids if i not in owned_ci]
        if by_hand:
            diffs.append(FieldDiff("tool_resources.attached_by_hand", by_hand, None, "tool_resources"))
    return diffs


def field_diffs(ctx: Context, before: Mapping[str, Any], after: Mapping[str, Any],
                entry: LockEntry) -> tuple[list[FieldDiff], dict[str, Any]]:
    """The differences, and the account's side as it was compared (unset fields projected away)."""
    caps = ctx.caps
    diffs: list[FieldDiff] = []
    seen = dict(before)
    for name in SPEC_FIELDS:
        want, have = after.get(name), before.get(name)
        if name in caps.ignore_unset:
            sent = getattr(entry, name, None)  # what the last apply set (a backend may remember it): clear it now
            if want in (None, {}, []) and sent in (None, {}, []):
                seen[name] = want
                continue
            if isinstance(want, dict) and isinstance(have, dict):  # only the keys the manifest sets
                have = {k: have.get(k) for k in {*want, *(sent if isinstance(sent, dict) else ())}}
                want = {k: want.get(k) for k in have}
        seen[name] = have
        if name in caps.write_only:  # what we last sent; unknown after a lost lock
            have = getattr(entry, name) if getattr(entry, name, None) is not None else want
        if want == have:
            continue
        diffs.extend(leaf_diffs(name, have, want))
    return diffs, seen


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
