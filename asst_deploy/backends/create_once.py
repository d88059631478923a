"""Creates that are not repeated blindly: before a create is sent again, the object is looked for.

A create is not idempotent. When its request times out or its connection drops, the server may
well have carried it out; a blind retry would then make a twin that only the next apply
removes. So creates go out with the client's retries off, and after an uncertain failure the
object is looked up by what marks it as ours (the ownership marker, or an uploaded file's name)
before the create is sent again. After a timeout the lookup is repeated for up to one more
timeout: the server may still be finishing the create it was sent.
"""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")

FIRST_LOOK = 0.25  # seconds before the first lookup; doubled up to LOOK_EVERY
LOOK_EVERY = 2.0


def create_once(create: Callable[[], T], find: Callable[[], T | None], *, retries: int, timeout: float) -> T:
    """``create()``, sent at most ``retries`` more times, and only while ``find()`` finds nothing."""
    attempt = 0
    while True:
        try:
            return create()
        except Exception as exc:
            uncertain = _uncertain(exc)
            if uncertain is None or attempt >= retries:
                raise
        attempt += 1
        deadline = time.monotonic() + (timeout if uncertain == "timeout" else 0.0)
        delay = FIRST_LOOK
        while True:
            time.sleep(delay)
            found = find()
            if found is not None:
                return found
            if time.monotonic() >= deadline:
                break
            delay = min(delay * 2, LOOK_EVERY)


def _uncertain(exc: BaseException) -> str | None:
    """"timeout" or "maybe" when the server may have carried the create out; None when it did not."""
    from .api import StatusError, TimedOut, Unreachable

    if isinstance(exc, TimedOut):
        return "timeout"
    if isinstance(exc, Unreachable):
        return "maybe"
    if isinstance(exc, StatusError) and (exc.status_code >= 500 or exc.status_code in (408, 409)):
        return "maybe"
    return None
