"""The stream every command writes through (render/terminal.py): server text escaped, JSON intact,
the plan's own colours kept only when colour is on."""

from __future__ import annotations

import io
import json

from asst_deploy.render import render
from asst_deploy.render.terminal import EscapingStream


def through(text: str, *, colour: bool = False) -> str:
    out = io.StringIO()
    EscapingStream(out, colour=colour).write(text)
    return out.getvalue()


def test_json_written_through_it_parses_to_the_same_values() -> None:
    doc = {"name": "a\x9bb\u202ec\x1bd\x00", "tab": "x\ty"}
    shown = through(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    assert "\x9b" not in shown and "\u202e" not in shown
    assert json.loads(shown) == doc


def test_controls_are_escaped_and_line_breaks_and_tabs_stay() -> None:
    assert through("a\x1b]0;t\x07\tb\r\nc\x9b\u200b\n") == "a\\x1b]0;t\\x07\tb\\x0d\nc\\u009b\\u200b\n"


def test_only_the_plans_own_colours_pass_and_only_with_colour_on() -> None:
    doc = {"format_version": 1, "project": "p", "environment": "dev", "api": "assistants", "changes": [],
           "summary": {"create": 0, "update": 0, "delete": 0}}
    coloured = render(doc, "text", color=True)
    assert "\x1b[" in coloured
    assert through(coloured, colour=True) == coloured
    assert "\x1b" not in through(coloured)
    assert through("\x1b[2J\x1b[8mhidden\x1b[0m", colour=True) == "\\x1b[2J\\x1b[8mhidden\x1b[0m"
