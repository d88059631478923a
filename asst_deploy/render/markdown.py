"""The plan as a pull-request comment (GitHub-flavoured markdown). Never any ANSI colour.

Layout only: the content comes from :mod:`.walk`, the same walk the terminal text uses. A summary
table, a table of changes, then per change its fields in a ```` ```diff ```` block, where GitHub
colours removed and added lines: open when short, folded in a ``<details>`` when long, so a reviewer
sees a small edit without a click and a long one does not bury the rest of the comment.
"""

from __future__ import annotations

import html
import re
from typing import Any, Mapping

from .textdiff import visible
from .walk import ChangeView, Line, PlanView, walk

ACTION_LABELS = {"create": "➕ create", "update": "✏️ update", "delete": "🗑️ delete", "rename": "↪ rename"}
# Summary columns beyond create/update/delete, shown when the plan has one (the closing line's words).
EXTRA_COLUMNS = (("rename", "Renamed in their store"), ("attach", "To attach (already uploaded)"),
                 ("detach", "To detach (files kept)"))
# In a diff block a changed field's header gets "!", which GitHub's diff grammar shows as changed.
_DIFF_SIGNS = {"~": "!"}
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#~])")  # "|" is escaped by cell()
DIFFS_MARKER = "<!-- asst-deploy-plan-diffs -->"  # where the diffs start: a too-long comment is cut here
OPEN_LIMIT = 15  # diff lines shown open; a longer diff is folded


def render_markdown(doc: Mapping[str, Any]) -> str:
    """The whole plan as markdown, ending in a newline."""
    view = walk(doc, pairs=True)
    parts = [_title(view)]
    parts += [f"> **Note:** {text(note)}" for note in view.notes]
    if view.changes:
        parts += [_summary_table(view), _changes_table(view), DIFFS_MARKER]
        parts += [details for change in view.changes if (details := _details(view, change))]
    if view.unchanged:
        parts.append(text(view.unchanged))
    if view.checks:
        parts.append("**Checks**\n\n" + "\n".join(f"- {text(line)}" for line in view.checks))
    parts.append(f"**{text(view.closing)}**")
    if view.publish:
        parts.append(text(view.publish))
    return "\n\n".join(parts) + "\n"


def _title(view: PlanView) -> str:
    return (
        f"### asst-deploy {view.command}: project {code(view.project)}, environment {code(view.environment)}, "
        f"api {code(view.api)}"
    )


def _label(view: PlanView, change: ChangeView) -> str:
    if view.command == "destroy" and change.action == "delete":
        return "🗑️ destroy"
    if change.renamed:  # the same document under a new path: nothing is detached or uploaded
        return "↪ rename"
    if change.detach_only:  # nothing is deleted: a reviewer must not read a delete
        return "➖ detach"
    return ACTION_LABELS.get(change.action, text(change.action))


def _summary_table(view: PlanView) -> str:
    if view.command == "destroy":
        return "\n".join(["| To destroy |", "|---:|", f"| {view.summary.get('delete', 0):,} |"])
    columns = [("create", "To create"), ("update", "To update"), ("delete", "To delete")]
    columns += [(key, title) for key, title in EXTRA_COLUMNS if view.summary.get(key)]
    counts = [view.summary.get(key, 0) for key, _ in columns]
    return "\n".join(["| " + " | ".join(title for _, title in columns) + " |", "|" + "---:|" * len(columns),
                      "| " + " | ".join(f"{n:,}" for n in counts) + " |"])


def _changes_table(view: PlanView) -> str:
    rows = ["| Action | Address | Id | Reason |", "|---|---|---|---|"]
    for change in view.changes:
        cells = [
            _label(view, change),
            code(change.address),
            code(change.id) if change.id else "",
            text(change.reason),
        ]
        rows.append("| " + " | ".join(cell(value) for value in cells) + " |")
    return "\n".join(rows)


def _details(view: PlanView, change: ChangeView) -> str:
    """The diff block of the change's fields, open or folded; nothing when there are no fields."""
    lines = [_diff_line(line) for line in change.body]
    if not lines:
        return ""
    body = "\n".join(lines)
    fence = "`" * max(3, _longest_run(body, "`") + 1)
    block = f"{fence}diff\n{body}\n{fence}"
    if len(lines) <= OPEN_LIMIT:
        return f"{_label(view, change)} {code(change.address)}\n\n{block}"
    summary = html.escape(visible(f"{change.address} ({change.action}, {len(lines)} lines)"))
    return f"<details><summary>{summary}</summary>\n\n{block}\n\n</details>"


def _diff_line(line: Line) -> str:
    """Sign in column one (what a diff block colours by), then the nesting, then the text."""
    sign = _DIFF_SIGNS.get(line.sign, line.sign)
    content = "".join(visible(span.text) for span in line.spans)  # GitHub colours whole lines, not {+words+}
    return f"{sign} {'  ' * line.depth}{content}" if content else sign.rstrip() or " "


def text(value: str) -> str:
    """Plain text safe in markdown and in a table cell: specials backslash-escaped, ``&`` as an entity,
    one line."""
    value = visible(" ".join(value.splitlines())).replace("&", "&amp;")
    return _MARKDOWN_SPECIALS.sub(r"\\\1", value)


def code(value: str) -> str:
    """An inline code span that survives backticks inside ``value`` (CommonMark: a longer fence)."""
    value = visible(value)
    if not value:
        return ""
    fence = "`" * (_longest_run(value, "`") + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def cell(value: str) -> str:
    """A table cell: a ``|`` must be escaped even inside a code span (GFM splits cells first)."""
    return value.replace("|", "\\|")


def _longest_run(value: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", value)), default=0)
