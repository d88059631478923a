"""Which object of several is ours: one manifest name, reconciled from the account and the lock.

A create retried after a timeout, or an apply interrupted between a create and the lockfile write,
leaves twins: objects carrying the same marker. The one the lockfile names is kept (else the
oldest) and the others become deletes; an assistant of another API (after ``api:`` changed) is
replaced; an expired vector store is replaced by a new one.
"""

from __future__ import annotations

from typing import Sequence, TypeVar

from ...account.observed import ObservedAssistant, ObservedVectorStore
from ...spec import Kind
from ..types import Action, Change
from .ci_files import ci_files
from .context import Context, Current
from .members import store_files

_Object = TypeVar("_Object", ObservedAssistant, ObservedVectorStore)


def current(ctx: Context, name: str) -> tuple[Current, list[Change]]:
    """Reconcile the account with the lock for one name; extras (twins) become deletes."""
    entry = ctx.entry(name)
    extras: list[Change] = []
    found = ctx.assistants.get(name, [])
    # a removed manifest's object goes whichever API made it (an api switch in the same change)
    mine = [a for a in found if a.kind is ctx.desired.kind or name not in ctx.specs]
    other_kind = [a for a in found if a not in mine]
    assistant, twins = _choose(mine, entry.id)
    for twin in twins:
        extras.append(delete_assistant(name, twin, _twin_reason(assistant)))
    if name in ctx.specs:
        for old in other_kind:
            extras.append(delete_assistant(
                name, old, f"moving to api: {ctx.desired.api}; the {old.kind} it replaces is deleted"
            ))
    referenced = set(assistant.vector_store_ids) if assistant else set()
    stores = ctx.stores.get(name, [])
    preferred = entry.vector_store_id or next((s.id for s in stores if s.id in referenced), None)
    store, store_twins = _choose(stores, preferred)
    kept = store.id if store else None
    for extra in store_twins:
        extras.append(Change(
            Kind.VECTOR_STORE, name, Action.DELETE, id=extra.id, before={"id": extra.id},
            reason=f"a second vector store for {name!r} (a retried create or an interrupted apply); keeping {kept}",
        ))
    if store is not None and store.expired:  # file_search finds nothing in it: a new one takes its place
        extras.append(Change(
            Kind.VECTOR_STORE, name, Action.DELETE, id=store.id, before={"id": store.id},
            reason="it expired (vector_store.expires_after); its files are kept and attached to a new store",
        ))
        store = None
    now = Current(assistant=assistant, store=store)
    now.files["files"], strays = store_files(ctx, entry, store)
    if store is not None and store.name == name:  # only a store marked with this name is swept
        now.strays = strays
    now.files["code_interpreter_files"] = ci_files(ctx, name, entry, assistant)
    return now, extras


def delete_assistant(name: str, item: ObservedAssistant, reason: str) -> Change:
    return Change(item.kind, name, Action.DELETE, id=item.id, before=item.spec.comparable(), reason=reason)


def _choose(candidates: Sequence[_Object], locked_id: str | None) -> tuple[_Object | None, list[_Object]]:
    if not candidates:
        return None, []
    chosen = next((c for c in candidates if c.id == locked_id), None) or _oldest(candidates)
    return chosen, [c for c in candidates if c is not chosen]


def _oldest(items: Sequence[_Object]) -> _Object:
    return min(items, key=lambda item: (item.created_at, item.id))


def _twin_reason(kept: ObservedAssistant | None) -> str:
    return (
        "a second object with this marker (a create retried after a timeout, or an interrupted apply); "
        f"keeping {kept.id}" if kept else "a duplicate with this marker"
    )
