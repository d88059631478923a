"""Everything the CLI writes passes ``EscapingStream``: text from a server (an error's message, an
object's name or id, in errors, warnings, progress, ``-v`` lines, export lines) never reaches the
terminal as a control sequence (an OSC that sets the window title or the clipboard, a CSI that
clears the screen, a NUL).

Control, bidi-override and zero-width characters are written as escapes, as the plan renderers do;
line breaks and tabs stay. A C0 control becomes ``\\x1b``; the others ``\\u009b``: JSON written
whole (``plan --format json``, ``ids``) never holds a raw C0 character, so what a JSON parser reads
is unchanged. The one thing let through is the plan renderer's own colour codes, and only when
colour is on.
"""

from __future__ import annotations

import io
import re
import sys
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from typing import Iterator, TextIO

from .text import colour_codes
from .textdiff import UNSAFE



def _escape(match: re.Match[str]) -> str:
    text = match.group()
    if len(text) > 1:  # a colour code let through
        return text
    code = ord(text)
    return f"\\x{code:02x}" if code < 0x20 else f"\\u{code:04x}"


class EscapingStream(io.TextIOBase):
    """A text stream that writes to ``stream`` what it is given, unsafe characters escaped."""

    def __init__(self, stream: TextIO, *, colour: bool = False) -> None:
        super().__init__()
        self.stream = stream
        kept = "|".join(re.escape(code) for code in colour_codes()) + "|" if colour else ""
        self._unsafe = re.compile(f"{kept}(?!\n){UNSAFE.pattern}")  # line breaks stay (tabs are not in it)

    def write(self, text: str) -> int:
        self.stream.write(self._unsafe.sub(_escape, text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]  # TextIOBase declares it None
        return self.stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.stream.errors


@contextmanager
def escaping_output() -> Iterator[None]:
    """For the block, ``sys.stdout`` and ``sys.stderr`` escape what they are given; stdout keeps the
    plan's colours when the plan shows them (the same decision: ``use_color``)."""
    from . import use_color

    with redirect_stdout(EscapingStream(sys.stdout, colour=use_color(sys.stdout))), \
            redirect_stderr(EscapingStream(sys.stderr)):
        yield
