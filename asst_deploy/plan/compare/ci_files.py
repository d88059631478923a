"""Which code-interpreter file serves which path: they have no store, so the assistant's own list
of file ids (or, for an API without server objects, the lockfile) says what is attached."""

from __future__ import annotations

from typing import Any

from ...account.observed import ObservedAssistant
from ...lock.entry import LockEntry
from .context import Context


def ci_files(ctx: Context, name: str, entry: LockEntry, assistant: ObservedAssistant | None) -> dict[str, dict[str, Any]]:
    """The attached code-interpreter files by path; a file the lock lost is found by its content."""
    if not ctx.caps.server_object:  # the lock's settings name the files
        attached = {item.id for item in entry.code_interpreter_files.values()}
    elif assistant is None:
        return {}
    else:
        attached = set(assistant.code_interpreter_file_ids)
    found = {
        path: item.to_dict()
        for path, item in entry.code_interpreter_files.items()
        if item.id in attached and item.id in ctx.files_by_id
    }
    known = {item["id"] for item in found.values()}
    spec = ctx.specs.get(name)
    for file_id in attached - known:  # lock lost or stale: recover paths by content hash
        sha = ctx.sha_of(file_id)
        match = next((f.path for f in (spec.code_interpreter_files if spec else ()) if f.sha256 == sha), None)
        if sha and match and match not in found:
            found[match] = {"id": file_id, "sha256": sha}
    return found
