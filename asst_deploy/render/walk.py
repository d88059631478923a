"""One walk over a plan's JSON document, shared by the text and markdown renderers.

The walk decides *what* a reviewer sees: the order of changes, which fields changed and how (an
inline ``before -> after``, or a line diff for long text and big structures), and the words of every
sentence. A renderer only decides how a line looks (ANSI colour, or a markdown diff block), so the
two can never disagree on content. Input is the document of ``Plan.to_json()``, never the Plan
object: saved plan files and ``--format json`` are rendered by the very same code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..plan.types import count_changes
from . import yamlish
from .textdiff import DiffLine, Span, diff_text, split_lines

# Styles a line or span may carry besides textdiff's PLAIN / DELETE / INSERT.
BOLD = "bold"
DIM = "dim"

INLINE_LIMIT = 60  # a string or structure longer than this is shown as a block, and diffed by line
SHORT_SHA = 12
FILE_LIST_LIMIT = 20  # more file changes than this for one assistant are summarised
FILE_LIST_SHOWN = 5  # paths named in such a summary
UNSET = "(unset)"  # the one way a plan writes "no value": null in the document, or a key not there

class _Absent:
    """A key one side of a comparison does not have (which is not the same as ``null``)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

SYMBOLS = {"create": "+", "update": "~", "delete": "-", "rename": "~"}
NOTHING = {
    "plan": "No changes. Your assistants match the manifests.",
    "destroy": "Nothing to destroy: this project and environment own nothing on the account.",
    "lockfile": "No changes on the account. apply rewrites the lockfile entries the note names.",
}
HEADLINES = {
    "create": "will be created",
    "update": "will be updated in place",
    "delete": "will be deleted",
    "rename": "will be renamed",
}
# A file object is never edited: new content is a new upload, and the old object is deleted.
FILE_HEADLINES = {
    "create": "will be uploaded",
    "update": "will be replaced by a new upload",
    "delete": "will be deleted",
    "rename": "will be renamed (same content)",
}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


@dataclass(frozen=True)
class Line:
    """One body line: a sign (``+ - ~`` or ``" "``; ``#`` for a comment), a nesting depth, spans."""

    sign: str
    spans: tuple[Span, ...]
    depth: int = 0


DETACHED = "will be detached (the file stays)"  # a file delete that only takes it out of a store
RENAMED_AWAY = "will be renamed (the document stays in the store)"  # a path that goes to another of the same content
RENAMED_HERE = "will take the renamed document (already uploaded)"  # that other path


@dataclass(frozen=True)
class ChangeView:
    """One change as shown: its header facts and its body lines."""

    address: str
    action: str
    symbol: str
    id: str | None
    reason: str
    body: tuple[Line, ...]  # what changes; the reason is not part of it (markdown shows it in its table)
    comments: tuple[Line, ...] = ()  # the reason, as ``#`` lines for the terminal
    headline: str = ""  # "will be created", "will be uploaded"...

    @property
    def detach_only(self) -> bool:
        """A file taken out of a store whose object stays (another manifest's content, or not ours)."""
        return self.headline == DETACHED

    @property
    def renamed(self) -> bool:
        """One side of a retrieval file renamed in its store (same content, same file object)."""
        return self.headline in (RENAMED_AWAY, RENAMED_HERE)


@dataclass(frozen=True)
class PlanView:
    """The whole plan as shown."""

    title: str
    project: str
    environment: str
    api: str
    notes: tuple[str, ...]
    changes: tuple[ChangeView, ...]
    summary: Mapping[str, int]
    unchanged: str | None  # "3 assistants unchanged." or None
    closing: str
    command: str = "plan"  # or "destroy"
    publish: str | None = None  # "Apply publishes the ids to ..." or None
    checks: tuple[str, ...] = ()  # each changed assistant's behaviour-check status, as a sentence


def walk(doc: Mapping[str, Any], *, pairs: bool = False) -> PlanView:
    """The view of a plan document.

    ``pairs`` shows a changed scalar as a removed and an added line (what a markdown ``diff`` block
    colours) instead of one ``before -> after`` line (what a terminal reader expects).
    """
    project, environment, api = (str(doc.get(key, "?")) for key in ("project", "environment", "api"))
    command = "destroy" if doc.get("destroy") else "plan"
    # the document's order, which the planner chose: text, markdown and json list changes alike
    changes = tuple(_views(doc.get("changes") or (), pairs, destroying=command == "destroy"))
    summary = doc.get("summary") or count(doc.get("changes") or ())
    return PlanView(
        title=f"asst-deploy {command}: project {project}, environment {environment}, api {api}",
        project=project,
        environment=environment,
        api=api,
        notes=tuple(str(note) for note in doc.get("notes") or ()),
        changes=changes,
        summary=summary,
        unchanged=unchanged_line(api, len(doc.get("unchanged") or ())),
        closing=closing_line(summary, command) if changes else
        NOTHING["lockfile" if doc.get("lockfile_out_of_step") else command],
        command=command,
        publish=publish_line(doc.get("publish") or (), command),
        checks=tuple(f"{name}: {str(v.get('status', '?')).replace('_', ' ')} ({v.get('detail', '')})"
                     for name, v in (doc.get("checks") or {}).items()),
    )


def publish_line(urls: Any, command: str) -> str | None:
    """Where the apply (or destroy) will publish the ids document, if anywhere."""
    if not urls:
        return None
    verb = "Destroy" if command == "destroy" else "Apply"
    return f"{verb} publishes the ids to {', '.join(str(u) for u in urls)}."


def _views(changes: Sequence[Mapping[str, Any]], pairs: bool, *, destroying: bool = False) -> Iterator[ChangeView]:
    """One view per change, except that many file changes of one assistant become one summary."""
    k = 0
    while k < len(changes):
        end = k
        while (end < len(changes) and changes[end].get("type") == "file"
               and changes[end].get("name") == changes[k].get("name")):
            end += 1
        if end - k > FILE_LIST_LIMIT:
            view = files_summary(changes[k:end])
            k = end
        else:
            view = change_view(changes[k], pairs=pairs)
            k += 1
        yield replace(view, headline=view.headline.replace("will be deleted", "will be destroyed")) if destroying else view


def files_summary(files: Sequence[Mapping[str, Any]]) -> ChangeView:
    """Thousands of documents in one store read as counts, bytes and the first few paths; the JSON
    plan lists every one (a reviewer does not read 2,500 blocks, and GitHub would not post them)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for change in files:
        action = str(change.get("action"))
        reused = action == "create" and _state(change, "after").get("file_id")
        groups.setdefault("attach" if reused else action, []).append(change)
    lines, parts = [], []
    for key, sign, verb in (("create", "+", "to upload"), ("attach", "+", "to attach (already uploaded)"),
                            ("update", "~", "to upload again (content changed)"), ("delete", "-", "to delete"),
                            ("rename", "~", "paths of renamed documents (same content)")):
        members = groups.get(key) or []
        if not members:
            continue
        side = "before" if key == "delete" else "after"
        sizes = [_state(c, side).get("size") for c in members]
        total = sum(size for size in sizes if isinstance(size, int))
        known = "" if any(not isinstance(size, int) for size in sizes) else f", {_total(total)}"
        lines.append(Line(sign, (Span(f"{len(members):,} {verb}{known}"),)))
        parts.append(f"{len(members):,} {verb}")
    shown = files[:FILE_LIST_SHOWN]
    for change in shown:
        sign = SYMBOLS.get(str(change.get("action")), "?")
        lines.append(Line(sign, (Span(str(change.get("path") or change.get("address"))),), depth=1))
    more = len(files) - len(shown)
    lines.append(Line(" ", (Span(f"... and {more:,} more: the JSON plan (--format json) lists every file", DIM),), depth=1))
    actions_seen = {str(c.get("action")) for c in files} & set(FILE_HEADLINES)
    action = next(iter(actions_seen)) if len(actions_seen) == 1 else "update"
    name = str(files[0].get("name"))
    return ChangeView(
        address=f"file.{name}:*",
        action=action,
        symbol=SYMBOLS.get(action, "~"),
        id=None,
        reason=", ".join(parts),
        body=tuple(lines),
        headline=f"{len(files):,} files " + (FILE_HEADLINES[action] if len(actions_seen) == 1 else "will change"),
    )


def count(changes: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Counts when a document has no summary: the plan's own rule (``count_changes``)."""
    return count_changes((str(c.get("type")), str(c.get("action")), _state(c, "after")) for c in changes)


def closing_line(summary: Mapping[str, int], command: str = "plan") -> str:
    if command == "destroy":
        return f"Destroy: {summary.get('delete', 0):,} to destroy."
    extra = [f"{summary[key]:,} {words}" for key, words in (("attach", "already uploaded to attach"),
                                                            ("detach", "to detach (files kept)"),
                                                            ("rename", "renamed in their store"))
             if summary.get(key)]
    return (
        f"Plan: {summary.get('create', 0):,} to create, {summary.get('update', 0):,} to update, "
        f"{summary.get('delete', 0):,} to delete" + "".join(f", {part}" for part in extra) + "."
    )


def unchanged_line(api: str, n: int) -> str | None:
    if not n:
        return None
    noun = "agent" if api == "agents" else "assistant"
    return f"{n} {noun}{'' if n == 1 else 's'} unchanged."


def change_view(change: Mapping[str, Any], *, pairs: bool = False) -> ChangeView:
    action = str(change.get("action"))
    kind = change.get("type")
    before = change.get("before")
    if kind == "file":
        body = _file_lines(change, pairs) or _generic_lines(change, pairs)
    else:
        body = _generic_lines(change, pairs)
    file_id = (before or {}).get("file_id") if isinstance(before, Mapping) else None
    headline = HEADLINES.get(action, f"({action})")
    if kind == "file":
        reused = action == "create" and _state(change, "after").get("file_id")
        kept = action == "delete" and _state(change, "after").get("kept")
        before_id = _state(change, "before").get("file_id")
        retag = action == "update" and before_id is not None and before_id == _state(change, "after").get("file_id")
        headline = (RENAMED_AWAY if _state(change, "after").get("renamed_to")
                    else RENAMED_HERE if _state(change, "after").get("renamed_from")
                    else "will be attached (already uploaded)" if reused else DETACHED if kept
                    else "will get new attributes in place" if retag else FILE_HEADLINES.get(action, headline))
    return ChangeView(
        address=str(change.get("address") or f"{kind}.{change.get('name')}"),
        action=action,
        symbol=SYMBOLS.get(action, "?"),
        id=change.get("id") or file_id,
        reason=str(change.get("reason") or ""),
        body=tuple(body),
        comments=tuple(_comments(str(change.get("reason") or ""))),
        headline=headline,
    )


def _comments(reason: str) -> Iterator[Line]:
    for text in reason.splitlines():
        yield Line("#", (Span(text, DIM),))


def _generic_lines(change: Mapping[str, Any], pairs: bool) -> list[Line]:
    """Assistants, agents, responses settings and vector stores: all set fields on a create, the
    changed fields on an update, what was observed on a delete."""
    action = change.get("action")
    before, after, fields = change.get("before"), change.get("after"), change.get("fields")
    if fields:
        return [line for f in fields for line in _reported_field(f, pairs)]
    if action == "update" and isinstance(before, Mapping) and isinstance(after, Mapping):
        return field_lines("", before, after, pairs=pairs)
    if action == "create" and isinstance(after, Mapping):
        defaulted = [str(key) for key in change.get("defaulted") or () if key in after]
        shown = [(key, value) for key, value in _shown(after, change) if key not in defaulted]
        lines = [line for key, value in shown for line in value_lines(key, value, "+")]
        return lines + _defaults_line(after, defaulted)
    if action == "delete" and isinstance(before, Mapping):
        shown = _shown(before, change)
        return [line for key, value in shown for line in value_lines(key, value, "-", summarize=True)]
    return []


def _shown(values: Mapping[str, Any], change: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Fields worth a line: the object's own id is already in the header."""
    return [(key, value) for key, value in values.items() if not (key == "id" and value == change.get("id"))]


def _defaults_line(after: Mapping[str, Any], defaulted: Sequence[str]) -> list[Line]:
    """Values the manifest did not write (the API's own defaults): one quiet line, not changes."""
    values = [f"{key} {_inline(after[key])}" for key in defaulted if after[key] not in (None, {}, [])]
    if not values:
        return []
    return [Line("#", (Span("API defaults, not set in the manifest: " + ", ".join(values), DIM),))]


def _reported_field(entry: Mapping[str, Any], pairs: bool) -> list[Line]:
    """A field the planner says changed. Shown even if both sides look alike (say ``1`` and ``1.0``
    after JSON), so an update never renders with an empty body."""
    path, before, after = str(entry.get("field")), entry.get("before"), entry.get("after")
    lines = field_lines(path, before, after, pairs=pairs)
    return lines or scalar_lines(path, _inline(before), _inline(after), pairs)


def field_lines(path: str, before: Any, after: Any, *, pairs: bool = False) -> list[Line]:
    """How one changed value reads, down to the changed leaves of nested structures.

    Dicts, and lists whose length did not change, are walked so a reviewer sees
    ``tools[2].parameters.properties.n.type``, not two walls of JSON. Long text and structures that
    cannot be matched leaf by leaf become a line diff.
    """
    if _same(before, after):
        return []
    if _unset(before) and isinstance(after, (Mapping, list)) and after:  # a whole item added: as written
        return value_lines(path, after, "+")
    if _unset(after) and isinstance(before, (Mapping, list)) and before:  # a whole item removed
        return value_lines(path, before, "-")
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        keys = list(after) + [key for key in before if key not in after]
        parts = [(_join(path, key), before.get(key, ABSENT), after.get(key, ABSENT)) for key in keys]
        return [line for sub, old, new in parts for line in field_lines(sub, old, new, pairs=pairs)]
    if (isinstance(before, list) and isinstance(after, list) and len(before) == len(after)
            and any(isinstance(v, (Mapping, list)) for v in before + after)):  # a list of scalars reads whole
        parts = [(f"{path}[{i}]", old, new) for i, (old, new) in enumerate(zip(before, after))]
        return [line for sub, old, new in parts for line in field_lines(sub, old, new, pairs=pairs)]
    if _is_block(before) or _is_block(after):
        return text_lines(path, _block(before), _block(after), _side_note(before, after))
    return scalar_lines(path, _inline(before), _inline(after), pairs)


def scalar_lines(path: str, before: str, after: str, pairs: bool) -> list[Line]:
    """``~ path: before -> after``, or as a removed and an added line."""
    if pairs:
        return [Line("-", (Span(f"{path}: {before}"),)), Line("+", (Span(f"{path}: {after}"),))]
    return [Line("~", (Span(f"{path}: {before} -> {after}"),))]


def text_lines(path: str, before: str, after: str, note: str = "") -> list[Line]:
    """A header, then the unified diff of the two texts one level deeper."""
    head = [Span(f"{path}:")] + ([Span(f" ({note})", DIM)] if note else [])
    return [Line("~", tuple(head))] + [_diff_line(line) for line in diff_text(before, after)]


def _diff_line(line: DiffLine) -> Line:
    if line.sign == "...":
        noun = "line" if line.skipped == 1 else "lines"
        return Line(" ", (Span(f"... {line.skipped} unchanged {noun} ...", DIM),), depth=1)
    return Line(line.sign, line.spans or (Span(""),), depth=1)


def value_lines(path: str, value: Any, sign: str, *, summarize: bool = False) -> list[Line]:
    """A whole value being created (``+``) or deleted (``-``); unset values are left out.

    Long text is shown in full, one line per line, as written. On a delete (``summarize``) long text
    is only counted and structures take one line each: the whole object goes, and its text is not
    what the reviewer decides on.
    """
    if value is None or value == {} or value == [] or value == "":
        return []
    if isinstance(value, str) and "\n" in value.removesuffix("\n"):  # one line reads best as one line
        lines = split_lines(value.removesuffix("\n"))
        if summarize:
            count = Span(f"({len(lines):,} lines, {len(value):,} characters)", DIM)
            return [Line(sign, (Span(f"{path}: "), count))]
        return [Line(sign, (Span(f"{path}: |"),))] + [Line(sign, (Span(text),), depth=1) for text in lines]
    if isinstance(value, str):  # one line, however long, reads best as one line
        return [Line(sign, (Span(f"{path}: {_inline(value)}"),))]
    if _is_block(value) and summarize:  # a deleted structure: what it held, by name, on one line
        if isinstance(value, list):
            return [Line(sign, (Span(f"{path}: {yamlish.flow([_identity(item) for item in value])}"),))]
        return [Line(sign, (Span(f"{path}: {_inline(value)}"),))]
    if _is_block(value):
        return [Line(sign, (Span(f"{path}:"),))] + [Line(sign, (Span(text),), depth=1) for text in yamlish.dump(value)]
    return [Line(sign, (Span(f"{path}: {_inline(value)}"),))]


def _identity(item: Any) -> Any:
    """What a reviewer calls a list item: a function by its name, another tool by its type."""
    if isinstance(item, Mapping) and isinstance(item.get("type"), str):
        return item["name"] if item["type"] == "function" and isinstance(item.get("name"), str) else item["type"]
    return item


def _file_lines(change: Mapping[str, Any], pairs: bool) -> list[Line]:
    """A file is its content: role, a short sha256 and the size. Its ids are in the header."""
    action = change.get("action")
    before, after = _state(change, "before"), _state(change, "after")
    role = change.get("role")
    lines: list[Line] = []
    if action == "rename":  # the same document under another path: the path is all that changes
        path = str(change.get("path"))
        old, new = (path, after.get("renamed_to")) if after.get("renamed_to") else (after.get("renamed_from"), path)
        return scalar_lines("path", _inline(old), _inline(new), pairs)
    if action == "update":
        old_size, new_size = before.get("size"), after.get("size")
        if old_size != new_size or old_size is None:
            lines += scalar_lines("size", _size(old_size), _size(new_size) + _growth(old_size, new_size), pairs)
        if before.get("sha256") != after.get("sha256"):
            lines += scalar_lines("sha256", _short_sha(before.get("sha256")), _short_sha(after.get("sha256")), pairs)
        old_text, new_text = before.get("text"), after.get("text")
        if isinstance(old_text, str) and isinstance(new_text, str):
            lines += text_lines("content", old_text, new_text)
        if not change.get("fields") and (before.get("attributes") or {}) != (after.get("attributes") or {}):
            lines += scalar_lines("attributes", _attributes(before), _attributes(after), pairs)
        return lines
    sign, side = ("+", after) if action == "create" else ("-", before)
    if role:
        lines.append(Line(sign, (Span(f"role: {role}"),)))
    for key, show in (("sha256", _short_sha), ("size", _size)):
        if side.get(key) is not None:
            lines.append(Line(sign, (Span(f"{key}: {show(side.get(key))}"),)))
    if side.get("attributes"):
        lines.append(Line(sign, (Span(f"attributes: {_attributes(side)}"),)))
    return lines


def _attributes(side: Mapping[str, Any]) -> str:
    """A file's own vector-store attributes on one line, keys sorted."""
    return json.dumps(side.get("attributes") or {}, sort_keys=True, ensure_ascii=False)


def _state(change: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """A change's before or after; empty when it has none (a create's before, a delete's after)."""
    value = change.get(key)
    return value if isinstance(value, Mapping) else {}


def _short_sha(value: Any) -> str:
    """The first 12 hex digits, as git shortens commits: enough to tell contents apart at a glance."""
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return value[:SHORT_SHA]
    return "(unknown)" if value is None else _inline(value)


def _growth(old: Any, new: Any) -> str:
    """`` (+18)``: how much a file grew or shrank, when both sizes are known."""
    if not (isinstance(old, int) and isinstance(new, int)) or old == new:
        return ""
    return f" ({new - old:+,})"


def _total(n: int) -> str:
    """Bytes, and in MB when that is easier to take in."""
    return f"{n:,} bytes" + (f" ({n / 1e6:,.1f} MB)" if n >= 1_000_000 else "")


def _size(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,} bytes"
    return "(unknown)" if value is None else _inline(value)


def _unset(value: Any) -> bool:
    return value is None or value is ABSENT


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON, where ``1``, ``1.0`` and ``true`` are three different values."""
    if a is ABSENT or b is ABSENT:
        return a is b
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _join(path: str, key: Any) -> str:
    key = str(key)
    if _IDENTIFIER.match(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _inline(value: Any) -> str:
    """A value on one line: a scalar as a JSON literal (strings quoted, any script as written), a
    structure in YAML flow style (``{team: billing}``), no value as ``(unset)``."""
    if value is ABSENT or value is None:
        return UNSET
    if isinstance(value, (Mapping, list)):
        return yamlish.flow(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def _is_block(value: Any) -> bool:
    """Too long or multi-line to read on one line; any structure with structures inside."""
    if value is ABSENT or value is None:
        return False
    if isinstance(value, str):
        return "\n" in value or len(value) > INLINE_LIMIT
    return isinstance(value, (Mapping, list)) and not yamlish.is_flat(value)


def _block(value: Any) -> str:
    """A value as text to diff by line: strings as written, structures as YAML (as in the manifest)."""
    if value is ABSENT or value is None:
        return ""
    if isinstance(value, str):
        return value
    return "\n".join(yamlish.dump(value))


def _side_note(before: Any, after: Any) -> str:
    """Say so when one side of a line diff has no value: an empty diff side cannot."""
    for side, value in (("was", before), ("now", after)):
        if value is None or value is ABSENT:
            return f"{side} unset"
    return ""


__all__ = ["BOLD", "DIM", "ChangeView", "Line", "PlanView", "walk"]
