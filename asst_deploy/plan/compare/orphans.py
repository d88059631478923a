"""What is owned and no manifest wants any more: a removed manifest's objects, and file objects no
manifest uses (or second uploads of one content)."""

from __future__ import annotations

from ...lock.entry import FILE_ROLES
from ...spec import Kind
from ..types import Action, Change
from .context import DESTROY_REASON, Context, Current
from .members import file_gone
from .twins import delete_assistant


def compare_absent(ctx: Context, name: str, now: Current) -> list[Change]:
    """A manifest removed from the folder: delete what it owned."""
    reason = DESTROY_REASON if ctx.desired.destroy else "no manifest named it any more"
    changes = []
    entry = ctx.entry(name)
    if now.assistant is not None:
        changes.append(delete_assistant(name, now.assistant, reason))
    elif entry.responses:  # settings the lockfile alone holds, whichever api is current
        changes.append(Change(Kind.RESPONSES, name, Action.DELETE, before=entry.spec, reason=reason))
    if now.store is not None:
        changes.append(Change(Kind.VECTOR_STORE, name, Action.DELETE, id=now.store.id,
                              before={"id": now.store.id}, reason=reason))
    for role in FILE_ROLES:
        for path, old in sorted(now.files[role].items()):
            changes.append(file_gone(ctx, name, role, path, old, reason))
    return changes


def unused_files(ctx: Context, changes: list[Change]) -> list[Change]:
    """File objects that no manifest uses any more, and duplicate uploads of the same content."""
    mentioned = {c.id for c in changes if c.type is Kind.FILE and c.action in (Action.DELETE, Action.UPDATE)}
    owner_of = {
        item.id: (name, path)
        for name, entry in ctx.entries.items()
        for role in FILE_ROLES
        for path, item in entry.role(role).items()
    }
    extra = []
    for item in sorted(ctx.observed.files, key=lambda f: f.id):
        duplicate = ctx.kept_file.get(item.sha256) != item.id
        if item.sha256 in ctx.wanted_shas and not duplicate:
            continue
        if item.id in mentioned:
            continue
        name, path = owner_of.get(item.id, ("-", None))
        reason = ("a second upload of the same content; keeping " + ctx.kept_file[item.sha256]) if duplicate \
            else DESTROY_REASON if ctx.desired.destroy else "no manifest uses this content any more"
        extra.append(Change(Kind.FILE, name, Action.DELETE, id=item.id, path=path or item.filename.rsplit("~", 1)[-1],
                            role=None, before={"sha256": item.sha256, "file_id": item.id, "size": item.bytes},
                            reason=reason))
    return extra
