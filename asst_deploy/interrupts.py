"""SIGTERM (a CI job cancelled, a pod stopped) and SIGINT (Ctrl-C) end any command within a few
seconds, whatever it waits on: a CI runner kills the job for good seconds after its SIGTERM.

The first signal raises KeyboardInterrupt in the main thread: apply gives its running steps a
moment (``STEP_GRACE``) to finish and record themselves, saves the lockfile and exits 130. Threads
still blocked in a request (a silent server) are not waited for: they end with the process. If the
command has not ended ``GRACE`` seconds after the signal, or a second signal comes, the process
saves the lockfile (``on_stop``) and ends at once. Stdlib only.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from .errors import EXIT_INTERRUPTED

GRACE = 3.5  # seconds from the first signal to the end of the process, at most
STEP_GRACE = 1.5  # seconds running apply steps get to finish and record themselves


class _Stop:
    """This process's signal state: set by the first signal, for the command that runs."""

    def __init__(self) -> None:
        self.signalled = False
        self.savers: list[Callable[[], str]] = []
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()


_STOP = _Stop()


def on_stop(save: Callable[[], str]) -> None:
    """Have ``save`` run if the process must end before the command does; it saves what it holds and
    returns the name of the file it saved. Forgotten when the command ends."""
    with _STOP.lock:
        _STOP.savers.append(save)


def _interrupt(signum: int, frame: Any) -> None:
    if _STOP.signalled:
        _end_now("a second signal")
    _STOP.signalled = True
    _STOP.timer = threading.Timer(GRACE, _end_now, args=(f"still running {GRACE:g} s after the signal",))
    _STOP.timer.daemon = True
    _STOP.timer.start()
    raise KeyboardInterrupt


def _end_now(why: str) -> None:
    """Save what the savers hold and end the process, without waiting for any thread."""
    with _STOP.lock:
        savers = list(_STOP.savers)
    saved = []
    for save in savers:
        try:
            saved.append(save())
        except Exception as exc:  # the process ends anyway; say what could not be saved
            saved.append(f"not saved ({exc})")
    where = f"; every finished step is saved in {', '.join(saved)}: run apply again to finish" if saved else ""
    sys.stderr.write(f"interrupted ({why}): stopped without waiting for requests in flight{where}\n")
    _exit_now(EXIT_INTERRUPTED)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """For the length of the block, SIGTERM and SIGINT interrupt the command as described above (only
    the main thread can install handlers; elsewhere this does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _STOP.signalled, _STOP.timer = False, None
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        with _STOP.lock:
            _STOP.savers.clear()


def leave(code: int) -> None:
    """End the command with ``code``. After a signal, with threads still blocked in a request (the
    interpreter would join them at exit), at once; otherwise as ``sys.exit`` does, so a command run
    in process (tests, click's runner) returns normally."""
    others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
    if _STOP.signalled and others:
        _exit_now(code)
    if _STOP.timer is not None:
        _STOP.timer.cancel()
    sys.exit(code)


def _exit_now(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a closed pipe: nothing more can be said
            pass
    os._exit(code)


@contextmanager
def worker_pool(workers: int, name: str = "") -> Iterator[ThreadPoolExecutor]:
    """A thread pool whose block, when it ends by an exception (an interrupt), does not wait for the
    pool's threads: one blocked on a silent server must not hold the command up."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
