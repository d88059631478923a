"""Waiting in tests without guessing a duration: poll a condition until it holds, with a deadline.

A fixed ``time.sleep`` is too short on a loaded machine and too long on a quiet one; a condition
says what the test waits for (a request seen, a lease taken, a bucket refilled)."""

from __future__ import annotations

import subprocess
import time
from typing import Any, Callable

import pytest


def wait_until(condition: Callable[[], Any], *, timeout: float, process: subprocess.Popen[Any] | None = None,
               every: float = 0.005) -> bool:
    """True once ``condition()`` holds; False if ``timeout`` seconds pass or ``process`` ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if (process is not None and process.poll() is not None) or time.monotonic() > deadline:
            return False
        time.sleep(every)
    return True


def finished(proc: subprocess.Popen[str], seconds: float) -> subprocess.CompletedProcess[str]:
    """The process's outcome; killed, and the test failed, if it still runs after ``seconds`` (a
    command that hangs must fail the test, not hang CI)."""
    try:
        out, err = proc.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"{' '.join(map(str, proc.args))} still running after {seconds} s")
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
