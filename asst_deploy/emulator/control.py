"""``/__emulator__/``: the control endpoints that the real API does not have.

For other processes (subprocess tests, benchmarks) to read and reset the request counter, change
faults and end an outage. Never counted, never faulted, no key needed.

- ``GET  /__emulator__/counter``        -> ``{"counter": {...}, "total": N, "rate_limited": 429s}``
- ``POST /__emulator__/counter/reset``  -> the same, zeroed
- ``GET  /__emulator__/faults``         -> current fault settings and outage state
- ``POST /__emulator__/faults``         JSON body of fault fields -> the new settings
- ``POST /__emulator__/heal``           -> ends an outage
- ``GET  /__emulator__/clock``          -> ``{"now": seconds, "offset": seconds}``
- ``POST /__emulator__/clock``          ``{"advance": seconds}`` -> the same, moved forward
"""

from __future__ import annotations

import json
from typing import Any

from .state import AppState

PREFIX = "/__emulator__/"


def _error(status: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


def handle(app: AppState, method: str, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    action = (method, path[len(PREFIX):].rstrip("/"))
    faults = app.faults
    if action == ("GET", "counter"):
        return 200, {"counter": faults.counter(), "total": faults.total(), "rate_limited": faults.refused(),
                     "peak_concurrency": faults.peak()}
    if action == ("POST", "counter/reset"):
        faults.reset_counter()
        return 200, {"counter": {}, "total": 0, "rate_limited": 0, "peak_concurrency": faults.peak()}
    if action == ("GET", "faults"):
        return 200, faults.snapshot()
    if action == ("POST", "faults"):
        try:
            values = json.loads(body or b"{}")
            if not isinstance(values, dict):
                raise ValueError("expected a JSON object of fault settings")
            faults.set(**values)
        except ValueError as exc:
            return _error(400, str(exc))
        return 200, faults.snapshot()
    if action == ("POST", "heal"):
        faults.heal()
        return 200, faults.snapshot()
    if action == ("GET", "clock"):
        return 200, app.clock.snapshot()
    if action == ("POST", "clock"):
        try:
            values = json.loads(body or b"{}")
            if not isinstance(values, dict) or set(values) != {"advance"}:
                raise ValueError('expected {"advance": seconds}')
            app.clock.advance(values["advance"])
        except ValueError as exc:
            return _error(400, str(exc))
        return 200, app.clock.snapshot()
    if action == ("GET", "health"):
        return 200, {"ok": True}
    return _error(404, f"Unknown control endpoint ({method} {path}).")
