"""The plan for a terminal: Terraform-like ``+ ~ -`` blocks, colour when asked.

Layout only: the content comes from :mod:`.walk`. Without colour, changed words read
``[-old-]{+new+}``; with colour they are highlighted (reverse video in the line's red or green),
which reads on dark and light terminals alike.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from .textdiff import DELETE, INSERT, PLAIN, Span, plain, visible
from .walk import BOLD, DIM, ChangeView, Line, walk

INDENT = "    "  # body lines, under a change's header
RESET = "\x1b[0m"
_CODES = {
    BOLD: "1",
    DIM: "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    DELETE: "31;7",
    INSERT: "32;7",
}
_SIGN_COLOURS = {"+": "green", "-": "red", "~": "yellow", "#": DIM, "-/+": "yellow"}


def colour_codes() -> frozenset[str]:
    """The escape sequences a coloured plan holds: the only ones the CLI writes itself."""
    return frozenset({RESET, *(f"\x1b[{code}m" for code in _CODES.values())})


def render_text(doc: Mapping[str, Any], *, color: bool = False) -> str:
    """The whole plan as terminal text, ending in a newline."""
    view = walk(doc)
    paint = _Painter(color)
    out = [paint.spans((Span(view.title, BOLD),)), ""]
    if view.notes:
        out += [line for note in view.notes for line in _note_lines(note, paint)]
        out.append("")
    for change in view.changes:
        out.append(_header(change, paint))
        out += [_body_line(line, paint) for line in change.comments + change.body]
        out.append("")
    if view.unchanged:
        out.append(view.unchanged)
    if view.checks:
        out += [paint.spans((Span("Checks: ", BOLD), Span(line))) for line in view.checks]
    out.append(view.closing)
    if view.publish:
        out.append(view.publish)
    return "\n".join(out) + "\n"


def _note_lines(note: str, paint: "_Painter") -> list[str]:
    """``Note: first line``, further lines indented under the first."""
    first, *rest = note.splitlines() or [""]
    return [paint.spans((Span("Note: ", BOLD), Span(first)))] + [paint.spans((Span(" " * 6 + line),)) for line in rest]


def _header(change: ChangeView, paint: "_Painter") -> str:
    """``~ assistant.support-bot (asst_abc) will be updated in place``"""
    symbol = paint.symbol(change.symbol)
    ident = paint.spans((Span(f" ({change.id})", DIM),)) if change.id else ""
    return f"{symbol} {paint.spans((Span(change.address, BOLD),))}{ident} {change.headline}"


def _body_line(line: Line, paint: "_Painter") -> str:
    prefix = INDENT + "  " * line.depth + line.sign + " "
    content = paint.spans(line.spans, _SIGN_COLOURS.get(line.sign, PLAIN))
    if not content:
        return prefix.rstrip()
    return paint.spans((Span(prefix),), _SIGN_COLOURS.get(line.sign, PLAIN)) + content


class _Painter:
    """Spans to text, with ANSI colour or without."""

    def __init__(self, color: bool) -> None:
        self.color = color

    def spans(self, spans: Iterable[Span], line_style: str = PLAIN) -> str:
        return "".join(self._span(span, line_style) for span in spans)

    def _span(self, span: Span, line_style: str) -> str:
        if not self.color:
            return plain(span)
        code = _CODES.get(span.style if span.style != PLAIN else line_style, "")
        text = visible(span.text)
        return f"\x1b[{code}m{text}{RESET}" if code and text else text

    def symbol(self, symbol: str) -> str:
        """``-/+`` is half red, half green, as in Terraform."""
        if symbol == "-/+":
            return self.spans((Span("-", "red"), Span("/"), Span("+", "green")))
        return self.spans((Span(symbol, _SIGN_COLOURS.get(symbol, PLAIN)),))
