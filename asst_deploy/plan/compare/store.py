"""A manifest's vector store: created when it lists retrieval files, deleted when it lists none,
and its settings (expiry, chunking) updated in place."""

from __future__ import annotations

from typing import Any

from ...spec import AssistantSpec, Kind
from ..types import Action, Change, FieldDiff
from .context import Context, Current


def compare_store(ctx: Context, spec: AssistantSpec, now: Current) -> list[Change]:
    """The store itself; its members are ``members.diff_files``'s."""
    name = spec.name
    if spec.files and now.store is None:
        return [Change(
            Kind.VECTOR_STORE, name, Action.CREATE, after={"name": name, "files": len(spec.files), **spec.vector_store},
            reason="the manifest lists retrieval files" if not ctx.entry(name).vector_store_id
            else "the vector store in the lockfile no longer exists; it will be created again",
        )]
    if not spec.files and now.store is not None:
        return [Change(
            Kind.VECTOR_STORE, name, Action.DELETE, id=now.store.id, before={"id": now.store.id},
            reason="the manifest lists no retrieval files any more",
        )]
    if spec.files and now.store is not None:
        return _store_settings(ctx, spec, now)
    return []


def _store_settings(ctx: Context, spec: AssistantSpec, now: Current) -> list[Change]:
    """The store's expiry (as the account shows it) and chunking (as the lockfile says the files
    were attached: the API applies a strategy only when a file is attached, so a change
    re-attaches every member whose content stays; changed and new files are attached anyway)."""
    store, entry = now.store, ctx.entry(spec.name)
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
