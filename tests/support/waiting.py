"""Waiting in tests without guessing a duration: poll a condition until it holds, with a deadline.

A fixed ``time.sleep`` is too short on a loaded machine and too long on a quiet one; a condition
says what the test waits for (a request seen, a lease taken, a bucket refilled)."""

from __future__ import annotations

import subprocess
import time
from typing import Any, Callable


def wait_until(condition: Callable[[], Any], *, timeout: float, process: subprocess.Popen[Any] | None = None,
               every: float = 0.005) -> bool:
    """True once ``condition()`` holds; False if ``timeout`` seconds pass or ``process`` ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True
