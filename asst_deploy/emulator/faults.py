"""Fault injection and request counting: what tests and benchmarks turn on to see the tool cope.

Decided per request before any route runs, so an injected failure never touches the store.
Injected failures carry ``Retry-After`` (whole seconds, at least 1, as the spec requires) and
``retry-after-ms`` (which the SDK reads first), so retries in tests cost ``retry_after_s``, not the
SDK's 0.5 s+ exponential backoff.

The rate-limit mode (``rate_limit_requests`` per ``rate_limit_period_s``) behaves like OpenAI's
request limit: a bucket that refills evenly, ``x-ratelimit-limit/remaining/reset-requests`` on
every answer, and a 429 when it is empty (with ``retry-after`` only if ``rate_limit_retry_after``).
The bucket refills in real (monotonic) time, not on the emulator's clock (clock.py): clients pace
and retry with real sleeps, so the bucket must refill in the time they wait; and a test that
moves the clock an hour forward to expire objects should not also hand out an hour of requests.
``quota_exhausted`` answers every request 429 ``insufficient_quota``, without retry-after, as
OpenAI does when an account's credit is spent.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import random

from .config import FAULT_FIELDS, EmulatorConfig, check_faults
from .errors import ApiError


class Faults:
    """Thread-safe fault settings, the outage state and the request counter."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._lock = threading.Lock()
        self.settings: dict[str, Any] = {name: getattr(config, name) for name in FAULT_FIELDS}
        self._rng: random.Random | None = None  # made on first use: random is slow to import
        self._requests = 0  # requests seen by the fault logic (for rate_limit_every)
        self._writes = 0
        self._outage = False
        self._counter: Counter[str] = Counter()
        self._bucket: float | None = None  # requests left in the rate-limit bucket; None: full
        self._refilled = 0.0
        self._refused = 0  # 429s answered (rate_limit_every and the bucket)
        self._in_flight = 0  # API requests being answered now
        self._peak = 0  # the most at once since the counter was reset

    # -- settings ------------------------------------------------------------------------

    def set(self, **values: Any) -> dict[str, Any]:
        checked = check_faults(values)
        with self._lock:
            self.settings.update(checked)
            if "seed" in checked:
                self._rng = None
            if "outage_after_writes" in checked:  # re-arming starts a fresh count
                self._writes = 0
                self._outage = False
            if "rate_limit_every" in checked:
                self._requests = 0
            if {"rate_limit_requests", "rate_limit_period_s"} & checked.keys():
                self._bucket = None
            return dict(self.settings)

    def heal(self) -> None:
        """End an outage and disarm it: the outage is one event, not a recurring one."""
        with self._lock:
            self._outage = False
            self._writes = 0
            self.settings["outage_after_writes"] = None

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {**self.settings, "outage": self._outage, "writes": self._writes}

    @property
    def processing_seconds(self) -> float:
        return float(self.settings["processing_seconds"])

    # -- counting ------------------------------------------------------------------------

    def count(self, key: str) -> None:
        with self._lock:
            self._counter[key] += 1

    def counter(self) -> dict[str, int]:
        with self._lock:
            return dict(sorted(self._counter.items()))

    def total(self) -> int:
        with self._lock:
            return sum(self._counter.values())

    def refused(self) -> int:
        """How many requests were answered 429 since the counter was last reset."""
        with self._lock:
            return self._refused

    def reset_counter(self) -> None:
        with self._lock:
            self._counter.clear()
            self._refused = 0
            self._peak = self._in_flight

    def enter(self) -> None:
        """A request starts being answered (for the peak concurrency tests and benchmarks read)."""
        with self._lock:
            self._in_flight += 1
            self._peak = max(self._peak, self._in_flight)

    def leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def in_flight(self) -> int:
        """API requests being answered now (a killed client's among them: the server finishes them)."""
        with self._lock:
            return self._in_flight

    def peak(self) -> int:
        """The most API requests answered at the same time since the counter was last reset."""
        with self._lock:
            return self._peak

    # -- per request ---------------------------------------------------------------------

    def before(self) -> dict[str, str]:
        """Sleep the configured latency, then raise the injected failure if this request gets one;
        returns the headers a successful answer carries (the rate-limit mode's)."""
        latency = self.settings["latency_ms"]
        if latency:
            time.sleep(latency / 1000.0)
        with self._lock:
            s = self.settings
            limit = s["outage_after_writes"]
            if self._outage or (limit is not None and self._writes >= limit):
                self._outage = True
                raise self._error(503, "The server is temporarily unavailable (emulated outage).", "service_unavailable")
            if s["quota_exhausted"]:
                self._refused += 1
                raise ApiError(429, "You exceeded your current quota, please check your plan and billing details. "
                               "For more information on this error, read the docs: "
                               "https://platform.openai.com/docs/guides/error-codes/api-errors.",
                               type="insufficient_quota", code="insufficient_quota")
            self._requests += 1
            every = s["rate_limit_every"]
            if every and self._requests % every == 0:
                self._refused += 1
                raise self._error(
                    429,
                    "Rate limit reached for requests (emulated). Please try again in "
                    f"{max(s['retry_after_s'], 0.001):g}s.",
                    "rate_limit_exceeded",
                    type="requests",
                )
            if s["error_rate"] and self._coin() < s["error_rate"]:
                if self._coin() < 0.5:
                    raise self._error(
                        500,
                        "The server had an error while processing your request. Sorry about that!",
                        None,
                        type="server_error",
                    )
                raise self._error(503, "The engine is currently overloaded, please try again later.", None)
            return self._take_request()

    def _take_request(self) -> dict[str, str]:
        """One request from the bucket (the lock is held), or a 429 like OpenAI's when it is empty."""
        limit = self.settings["rate_limit_requests"]
        if not limit:
            return {}
        rate = limit / self.settings["rate_limit_period_s"]  # requests per second
        now = time.monotonic()
        bucket = float(limit) if self._bucket is None else min(limit, self._bucket + (now - self._refilled) * rate)
        self._refilled = now
        if bucket >= 1:
            self._bucket = bucket - 1
            return _limit_headers(limit, self._bucket, rate)
        self._bucket = bucket
        self._refused += 1
        wait = (1 - bucket) / rate
        headers = _limit_headers(limit, bucket, rate)
        if self.settings["rate_limit_retry_after"]:
            headers.update({"retry-after": str(max(1, math.ceil(wait))), "retry-after-ms": str(max(1, math.ceil(wait * 1000)))})
        per = "min (RPM)" if self.settings["rate_limit_period_s"] == 60 else f"{self.settings['rate_limit_period_s']:g}s"
        raise ApiError(
            429,
            f"Rate limit reached for requests per {per}: Limit {limit}, Used {limit}, Requested 1. "
            f"Please try again in {_duration(wait)}. Visit https://platform.openai.com/account/rate-limits "
            "to learn more.",
            type="requests",
            code="rate_limit_exceeded",
            headers=headers,
        )

    def _coin(self) -> float:
        if self._rng is None:
            import random

            self._rng = random.Random(self.settings["seed"])
        return self._rng.random()

    def after_write(self) -> None:
        """Count a successful write; once N have succeeded, every later request fails."""
        with self._lock:
            if self.settings["outage_after_writes"] is not None:
                self._writes += 1
            delay = self.settings["write_answer_delay_ms"]
            rate = self.settings["write_answer_delay_rate"]
            if delay and rate < 1 and self._coin() >= rate:
                delay = 0.0
        if delay:
            time.sleep(delay / 1000.0)

    def _error(self, status: int, message: str, code: str | None, *, type: str = "server_error") -> ApiError:
        wait = float(self.settings["retry_after_s"])
        headers = {"Retry-After": str(max(1, math.ceil(wait))), "retry-after-ms": str(max(1, round(wait * 1000)))}
        return ApiError(status, message, type=type, code=code, headers=headers)


def _limit_headers(limit: int, bucket: float, rate: float) -> dict[str, str]:
    return {
        "x-ratelimit-limit-requests": str(limit),
        "x-ratelimit-remaining-requests": str(int(bucket)),
        "x-ratelimit-reset-requests": _duration((limit - bucket) / rate),
    }


def _duration(seconds: float) -> str:
    """A duration as OpenAI writes it in x-ratelimit-reset-*: ``17ms``, ``1.5s``, ``6m0s``."""
    if seconds < 1:
        return f"{max(0, math.ceil(seconds * 1000))}ms"
    minutes, rest = divmod(seconds, 60)
    text = f"{round(rest, 3):g}s"
    return f"{int(minutes)}m{text}" if minutes else text
