"""Showing a plan: ``render(doc, fmt)`` for text, markdown and json.

Every format renders the plan's JSON document (``Plan.to_json()``), never the Plan object, so what a
terminal shows, what a pull request shows and what ``--format json`` prints can never disagree, and a
saved plan file renders exactly as the plan that made it.
"""

from __future__ import annotations

import json
import os
from typing import Any, Mapping, TextIO

FORMATS = ("text", "markdown", "json")


def render(doc: Mapping[str, Any], fmt: str = "text", *, color: bool = False) -> str:
    """The plan document as ``fmt`` ("text", "markdown" or "json"), ending in a newline.

    ``color`` only affects text: markdown never carries ANSI codes, json is the document itself.
    """
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    if fmt == "text":
        from .text import render_text

        return render_text(doc, color=color)
    if fmt == "markdown":
        from .markdown import render_markdown

        return render_markdown(doc)
    raise ValueError(f"unknown plan format {fmt!r}; use one of: {', '.join(FORMATS)}")


def use_color(stream: TextIO, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour what goes to ``stream``.

    As CPython decides for its own tracebacks: a non-empty ``NO_COLOR`` turns colour off
    (https://no-color.org), then a non-empty ``FORCE_COLOR`` turns it on (for CI logs that render
    ANSI), otherwise colour only on a terminal that is not ``TERM=dumb``.
    """
    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


__all__ = ["FORMATS", "render", "use_color"]
