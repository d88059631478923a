"""The lockfile in memory during an apply, saved by a writer thread beside the steps."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from ..errors import AsstDeployError
from ..interrupts import on_stop
from .entry import LockDocument, LockEntry, entries_to_dict
from .file import IncrementalDump, write_lock_text

WRITE_INTERVAL = 0.02  # seconds a change may wait for the lockfile write that carries it


class LockState:
    """The lockfile in memory, saved atomically (temp file, fsync, rename) after every change.

    A writer thread saves while the steps go on: each write carries every change made before it
    started, and changes that come in during a write go into the next one. So N steps cost far
    fewer than N full rewrites, and no request waits for a disk. ``close`` saves the last changes
    and returns only when they are on disk; an apply that is killed between a step and its write
    leaves at most that step's object out of the lockfile, and the next plan adopts it by its
    ownership marker (as after a kill between a create and any write).
    """

    def __init__(self, path: Path, lock: LockDocument) -> None:
        self.path = path
        self.lock = lock
        self._raw = lock.to_dict()  # what the file says: entries re-serialized only when changed
        self._mutex = threading.Lock()  # guards self.lock and the counters
        self._changed = threading.Condition(self._mutex)
        self._writing = threading.Lock()
        self._changes = 0  # changes made to self.lock
        self._saved = 0  # changes contained in the file on disk
        self._dumper = IncrementalDump()
        self._dirty: set[str] | None = set()  # entries changed since _raw was made; None: all
        self._closing = False
        self._last_write = 0.0  # seconds the last write took
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None

    def update(self, name: str, change: Callable[[LockEntry], None]) -> None:
        """Apply ``change`` to ``name``'s entry (made if missing, dropped once empty) and have it saved."""
        with self._mutex:
            self._check()
            entry = self.lock.entries.setdefault(name, LockEntry())
            change(entry)
            self._store(name, entry)
        self._saved_soon()

    def update_all(self, change: Callable[[LockEntry], None]) -> None:
        """Apply ``change`` to every entry (a deleted file object leaves whichever names it)."""
        with self._mutex:
            self._check()
            for name, entry in list(self.lock.entries.items()):
                change(entry)
                self._store(name, entry)
            self._dirty = None
        self._saved_soon()

    def move(self, old: str, new: str) -> None:
        """A renamed manifest's entry goes to its new name (unless one is there already)."""
        with self._mutex:
            self._check()
            entry = self.lock.entries.pop(old, None)
            if entry is not None and new not in self.lock.entries:
                self.lock.entries[new] = entry
            self._changes += 1
            self._dirty = None
            self._changed.notify()
        self._saved_soon()

    def get(self, name: str) -> LockEntry:
        """A copy of ``name``'s entry as it is now (an empty one when there is none)."""
        with self._mutex:
            return self.lock.get(name).copy()

    def _check(self) -> None:
        if self._error is not None:
            raise AsstDeployError(f"cannot write {self.path.name}: {self._error}")

    def _store(self, name: str, entry: LockEntry) -> None:
        """Under the mutex: the one rule for empty entries; ``name`` is serialized again at the next
        write, not here (an entry of 5,000 files changed by each of 5,000 uploads made an apply
        quadratic: 12.5 million file records serialized)."""
        if entry.is_empty():
            self.lock.entries.pop(name, None)
        self._changes += 1
        if self._dirty is not None:
            self._dirty.add(name)
        self._changed.notify()

    def _saved_soon(self) -> None:
        if self._thread is None:  # no writer running (direct use): save now
            self._write_pending()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._write_loop, name="lockfile-writer", daemon=True)
        self._thread.start()
        on_stop(self._save_now)

    def _save_now(self) -> str:
        """The process ends (a signal the command could not honour in time): save what is known."""
        self._write_pending()
        return self.path.name

    def close(self) -> None:
        """Save what is left and stop the writer; raises if the lockfile could not be written."""
        if self._thread is not None:
            with self._mutex:
                self._closing = True
                self._changed.notify()
            self._thread.join()
            self._thread = None
        self._write_pending()
        if self._error is not None:
            raise AsstDeployError(f"cannot write {self.path.name}: {self._error}")

    def _write_loop(self) -> None:
        while True:
            with self._mutex:
                while self._saved == self._changes and not self._closing:
                    self._changed.wait()
                if self._saved == self._changes and self._closing:
                    return
                # let a burst of changes gather into one write (closing writes at once); a write
                # that takes long (a huge entry) waits longer, so the writer never hogs the CPU
                self._changed.wait_for(lambda: self._closing, timeout=max(WRITE_INTERVAL, 4 * self._last_write))
            try:
                self._write_pending()
            except OSError as exc:
                with self._mutex:
                    self._error = exc
                return

    def _write_pending(self) -> None:
        with self._writing:  # writes in order: a later rename never carries older content
            started = time.perf_counter()
            with self._mutex:
                if self._saved == self._changes and self._saved:
                    return
                self._serialize(self._dirty)
                text = self._dumper.dump(self._raw, self._dirty)
                self._dirty = set()
                contains = self._changes
            write_lock_text(self.path, text)
            with self._mutex:
                self._saved = contains
            self._last_write = time.perf_counter() - started

    def _serialize(self, names: set[str] | None) -> None:
        """Under the mutex: the file's view of the entries changed since the last write (all: None)."""
        if names is None:
            self._raw["assistants"] = entries_to_dict(self.lock.entries)
            return
        raw = self._raw["assistants"]
        for name in names:
            entry = self.lock.entries.get(name)
            if entry is None or entry.is_empty():
                raw.pop(name, None)
            else:
                raw[name] = entry.to_dict()
