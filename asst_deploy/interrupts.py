"""SIGTERM (a CI job cancelled, a pod stopped) stops a command as Ctrl-C does: running apply steps
finish, the lockfile is saved, and the exit code is 130. Stdlib only."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """For the length of the block, SIGTERM raises KeyboardInterrupt (only the main thread can
    install a handler; elsewhere this does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
