"""The emulator's clock: wall time plus an offset that tests move forward instead of sleeping.

Every timestamp the emulator hands out (``created_at``, ``updated_at``, ``last_active_at``,
``expires_at``) and the moment a vector-store file finishes processing are read from it, so a test
that needs an hour to pass calls ``Emulator.advance_clock(3600)`` (or
``POST /__emulator__/clock {"advance": 3600}``) and sees it at once.
"""

from __future__ import annotations

import math
import threading
import time


class Clock:
    """Thread-safe: requests read it while a test (or the control endpoint) advances it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0

    def now(self) -> float:
        """Seconds since the epoch, as the emulator sees them."""
        with self._lock:
            return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move time forward by ``seconds`` (never back: ids and pages are ordered by it); returns now."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
                or seconds < 0:
            raise ValueError("advance must be a non-negative number of seconds")
        with self._lock:
            self._offset += float(seconds)
            return time.time() + self._offset

    def snapshot(self) -> dict[str, float]:
        with self._lock:
            return {"now": time.time() + self._offset, "offset": self._offset}
