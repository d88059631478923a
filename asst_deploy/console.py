"""The one console of a command (after sqlmesh's ``Console``): where results, errors and events go.

Results (plans, summaries) go to stdout and everything said along the way (errors, warnings,
waits) to stderr, the same for every command. Events (``events.py``) are rendered by a view: the
terminal's lines, ``-v``'s (which adds when each step starts and how it failed), or JSON lines
for a machine. One lock keeps each line whole whatever thread emits it.
"""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import asdict
from typing import Callable, TextIO

from .events import (
    CaseDone,
    DeadLeaseDeleted,
    Event,
    StepDone,
    StepFailed,
    StepProgress,
    StepStarted,
    WaitingOnLease,
    WaitingOnProcessing,
    WaitingOnRateLimit,
    to_json,
)

OUT, ERR = "out", "err"
Line = tuple[str, str]  # (stream, text without its newline)


# How a person at a terminal (or a CI log) sees each kind of event: the stream, and the line as a
# format string over the event's fields. Kinds not listed are not shown.
TERMINAL: dict[type, Line] = {
    StepDone: (OUT, "  {summary}"),
    StepProgress: (OUT, "  {address}: {done}/{total} {unit}"),
    WaitingOnProcessing: (OUT, "  vector_store.{name}: {completed}/{total} files processed, still waiting"),
    WaitingOnRateLimit: (ERR, "rate limit: {reason}; waiting {seconds:.1f} s, {window} request(s) at a time"),
    WaitingOnLease: (ERR, "waiting for another apply of {key} on this account ({holder})"),
    DeadLeaseDeleted: (ERR, "deleted the account lease {store_id} that a stopped apply left"),
    CaseDone: (ERR, "  {result} {assistant}: {case} ({passes}/{repeats})"),
}


def terminal_line(event: Event) -> Line | None:
    shown = TERMINAL.get(type(event))
    return None if shown is None else (shown[0], shown[1].format(**asdict(event)))


def verbose_line(event: Event) -> Line | None:
    """``-v``: the terminal's lines, and on stderr (beside the request lines) when each step starts
    and why one failed."""
    if isinstance(event, StepStarted):
        return ERR, f"  started {event.key}"
    if isinstance(event, StepFailed):
        return ERR, f"  failed {event.key}: {event.error}"
    return terminal_line(event)


def json_line(event: Event) -> Line | None:
    """Every event as one JSON object on stdout, for a program that follows an apply."""
    return OUT, json.dumps(to_json(event), ensure_ascii=False, sort_keys=True)


VIEWS: dict[str, Callable[[Event], Line | None]] = {"text": terminal_line, "verbose": verbose_line,
                                                     "json": json_line}


class Console:
    """stdout, stderr, a view of events, and how to ask for confirmation."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None, *, view: str = "text",
                 ask: Callable[[str], str] = input, interactive: bool | None = None) -> None:
        self.stdout = out or sys.stdout
        self.stderr = err or sys.stderr
        self.view = VIEWS[view]
        # JSON lines own stdout, so a program can read every line of it; the results people read
        # (the plan, the summary) move to stderr
        self.results = self.stderr if view == "json" else self.stdout
        self.ask = ask
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self._lock = threading.Lock()

    def _write(self, stream: TextIO, text: str) -> None:
        with self._lock:
            stream.write(text)
            stream.flush()

    def out(self, text: str) -> None:
        """A result, written as given (plans end their own lines)."""
        self._write(self.results, text)

    def say(self, line: str) -> None:
        """One line said along the way, on stderr."""
        self._write(self.stderr, f"{line}\n")

    def warn(self, line: str) -> None:
        self.say(f"warning: {line}")

    def error(self, line: str) -> None:
        self.say(f"error: {line}")

    def emit(self, event: Event) -> None:
        """Render ``event`` with this console's view (an ``EventSink``)."""
        shown = self.view(event)
        if shown is not None:
            stream, text = shown
            self._write(self.stdout if stream == OUT else self.stderr, f"{text}\n")

    def confirm(self, text: str) -> bool:
        """Show ``text`` and ask; only "yes" is yes, and Ctrl-D is no."""
        self.out(text)
        try:
            answer = self.ask("\nDo you want to perform these actions? Only 'yes' will be accepted: ")
        except EOFError:
            self.out("\n")
            return False
        return answer.strip() == "yes"


__all__ = ["Console", "VIEWS", "json_line", "terminal_line", "verbose_line"]
