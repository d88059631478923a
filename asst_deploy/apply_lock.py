"""The local apply lock: one apply (or import) per project and environment at a time on this
machine, under ``.asst-deploy/locks/``. It cannot see another machine."""

from __future__ import annotations

import json
import os
import socket
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import LockHeld
from .statedir import state_folder


@contextmanager
def apply_lock(project_root: Path, environment: str, timeout: float) -> Iterator[None]:
    """One apply per project and environment at a time; the loser names the holder."""
    from filelock import FileLock, Timeout

    folder = state_folder(project_root) / "locks"
    folder.mkdir(exist_ok=True)
    holder = folder / f"{environment}.holder.json"
    lock = FileLock(str(folder / f"{environment}.lock"))
    try:
        lock.acquire(timeout=timeout)
    except Timeout:
        try:
            info = json.loads(holder.read_text())
            who = f"pid {info['pid']} on {info['host']} since {info['since']}"
        except (OSError, ValueError, KeyError):
            who = "another process"
        raise LockHeld(
            f"another apply is running for environment {environment!r} ({who}); "
            f"waited {timeout:g}s (--lock-timeout)"
        ) from None
    try:
        holder.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                      "since": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
        yield
    finally:
        try:
            holder.unlink()
        except FileNotFoundError:
            pass
        lock.release()
