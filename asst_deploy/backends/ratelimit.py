"""Running at the account's rate limit: pacing, adaptive concurrency and 429 retries of our own.

Every attempt of a command goes through one ``RateLimited`` sender inside the SDK client's
transport (transport.py), under the SDK's own retries of other errors, so those are untouched. It

- paces request starts from the ``x-ratelimit-limit/remaining/reset-requests`` headers (and the
  tokens trio): it keeps an estimate of the account's request bucket (what the last answer said
  remains, less the requests in flight, plus the refill since), so the burst the bucket holds is
  spent at full speed and only then do requests start at the refill rate;
- keeps a concurrency window that halves when the API refuses (429) and grows by one per window of
  requests that pass (AIMD), never above ``--parallelism``;
- retries 429s itself, as long as a time budget allows, waiting what ``retry-after-ms``,
  ``retry-after`` or ``x-ratelimit-reset-requests`` say (or backing off when none is sent),
  whatever ``--max-retries`` says for other errors, and says that it waits (an event).

A 429 that means the quota is spent (``insufficient_quota``) is not a rate limit: it is not retried,
here or by the client (which would otherwise retry any 429 ``--max-retries`` times).
"""

from __future__ import annotations

import email.utils
import math
import random
import re
import threading
import time
from typing import TYPE_CHECKING, Callable, Mapping

from ..events import EventSink, WaitingOnRateLimit, ignore

if TYPE_CHECKING:
    import httpx2

Headers = Mapping[str, str]  # a case-insensitive mapping (httpx2.Headers)

DEFAULT_BUDGET = 600.0  # seconds one request may spend waiting for the rate limit
_DURATION = re.compile(r"(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)m(?!s))?(?:(?P<s>\d+(?:\.\d+)?)s)?"
                       r"(?:(?P<ms>\d+(?:\.\d+)?)ms)?")
_SAY_EVERY = 2.0  # seconds between two "waiting" lines


def parse_duration(value: str | None) -> float | None:
    """Seconds in an ``x-ratelimit-reset-*`` value (``20ms``, ``1.5s``, ``6m0s``, ``1h2m3s``)."""
    if not value:
        return None
    text = value.strip()
    try:
        return float(text)  # a bare number is seconds
    except ValueError:
        pass
    match = _DURATION.fullmatch(text)
    if not match or not any(match.groupdict().values()):
        return None
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return parts.get("h", 0) * 3600 + parts.get("m", 0) * 60 + parts.get("s", 0) + parts.get("ms", 0) / 1000


def retry_after(headers: Headers) -> float | None:
    """What the server asks a refused request to wait, in seconds, or None when it does not say."""
    for name, divisor in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        raw = headers.get(name)
        if raw is None:
            continue
        try:
            return max(0.0, float(raw) / divisor)
        except ValueError:
            if name == "retry-after":
                parsed = email.utils.parsedate_tz(raw)
                if parsed is not None:
                    return max(0.0, email.utils.mktime_tz(parsed) - time.time())
    limit, remaining, reset = _bucket(headers, "requests")
    if reset is not None:
        # the reset is when the whole bucket is full again; one request needs only its share
        return reset / (limit - remaining) if limit and remaining is not None and limit > remaining else reset
    return None


def refused_wait(headers: Headers, attempt: int) -> float:
    """How long a refused request waits: what the server says, stretched by a random part of itself,
    or a jittered back-off. Waiting exactly what is said falls into step with a server whose
    refusals follow the clock (and with the other threads told the same), and is refused forever."""
    told = retry_after(headers)
    if told is None:
        return min(0.5 * 2 ** attempt, 8.0) * (1 - 0.25 * random.random())
    return told * (1 + random.random())


def _bucket(headers: Headers, kind: str) -> tuple[int | None, int | None, float | None]:
    def number(name: str) -> int | None:
        raw = headers.get(f"x-ratelimit-{name}-{kind}")
        try:
            return int(float(raw)) if raw is not None else None
        except ValueError:
            return None

    return number("limit"), number("remaining"), parse_duration(headers.get(f"x-ratelimit-reset-{kind}"))


class Limiter:
    """The shared state of every request of one command: window, pacing, counts."""

    def __init__(self, concurrency: int, budget: float = DEFAULT_BUDGET,
                 on_wait: EventSink = ignore) -> None:
        self.ceiling = max(1, concurrency)
        self.window = float(self.ceiling)  # requests allowed in flight
        self.budget = budget
        self.on_wait = on_wait
        self.in_flight = 0
        self.lowest = self.ceiling  # the smallest window so far (tests and the summary read it)
        self.refused = 0  # 429s retried
        self.waited = 0.0  # wall seconds during which some request waited for the limit
        self._epoch = 0  # bumped at each decrease: one burst of 429s halves the window once
        self._next_start = 0.0  # monotonic time before which no request starts (a 429's wait)
        self._interval = 0.0  # seconds between request starts while the token bucket is empty
        # the account's request bucket as last seen: None until an answer carries x-ratelimit-*
        self._tokens: float | None = None  # requests it holds (negative: starts already promised)
        self._capacity = 0.0
        self._rate = 0.0  # requests per second it refills
        self._stamp = 0.0  # monotonic time of _tokens
        self._sleepers = 0  # requests sleeping for the limit now; waited counts while > 0
        self._sleep_began = 0.0
        self._said = -math.inf
        self._cond = threading.Condition()

    # -- one attempt -----------------------------------------------------------------------------
    def acquire(self) -> int:
        """Wait for a place in the window and the next paced start; returns the attempt's epoch."""
        with self._cond:
            while self.in_flight >= int(self.window):
                self._cond.wait()
            self.in_flight += 1
            now = time.monotonic()
            start = max(now, self._next_start, self._take_token(now))
            if self._interval:
                self._next_start = start + self._interval
            epoch = self._epoch
        if start > now:
            if start - now >= 1:
                self.waiting("pacing to the account's request limit (x-ratelimit-*)", start - now)
            self._sleep(start - now)
        return epoch

    def _take_token(self, now: float) -> float:
        """When this request may start by the bucket estimate: now while the burst lasts, then one
        refill interval after the previous start (the lock is held)."""
        if self._tokens is None:
            return now
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        self._tokens -= 1
        if self._tokens >= 0 or self._rate <= 0:
            return now
        return now - self._tokens / self._rate

    def passed(self, headers: Headers) -> None:
        with self._cond:
            self.window = min(float(self.ceiling), self.window + 1.0 / self.window)
            self._release()
            self._pace(headers)

    def refused_now(self, epoch: int, headers: Headers, wait: float) -> None:
        with self._cond:
            self.refused += 1
            if epoch == self._epoch:  # the first refusal of this window: halve it
                self.window = max(1.0, self.window / 2)
                self.lowest = min(self.lowest, int(self.window))
                self._epoch += 1
            self._release()
            self._pace(headers)
            self._next_start = max(self._next_start, time.monotonic() + wait)

    def done(self) -> None:
        """An attempt that ended without an answer (a timeout, a dropped connection)."""
        with self._cond:
            self._release()

    def _release(self) -> None:
        self.in_flight -= 1
        self._cond.notify_all()

    def _pace(self, headers: Headers) -> None:
        """Take in what an answer says of the account's buckets (the lock is held, this request
        released). Requests: the estimate becomes what remains less the requests still in flight
        (they may not have been counted yet: the estimate errs low, so the bucket is never
        overdrawn by our own requests). Tokens: starts are spaced at its refill once it is empty."""
        limit, remaining, reset = _bucket(headers, "requests")
        if limit and remaining is not None:
            if reset and limit > remaining:
                self._rate = (limit - remaining) / reset
            self._capacity = float(limit)
            self._stamp = time.monotonic()
            self._tokens = float(remaining - self.in_flight)
        interval = 0.0
        limit, remaining, reset = _bucket(headers, "tokens")
        if limit and remaining == 0 and reset is not None:
            interval = reset / limit
        self._interval = interval

    def _sleep(self, seconds: float) -> None:
        with self._cond:
            if not self._sleepers:
                self._sleep_began = time.monotonic()
            self._sleepers += 1
        try:
            time.sleep(seconds)
        finally:
            with self._cond:
                self._sleepers -= 1
                if not self._sleepers:
                    self.waited += time.monotonic() - self._sleep_began

    # -- reporting -------------------------------------------------------------------------------
    def waiting(self, what: str, seconds: float) -> None:
        now = time.monotonic()
        with self._cond:
            if seconds < 5 and now - self._said < _SAY_EVERY:
                return
            self._said = now
            window = int(self.window)
        self.on_wait(WaitingOnRateLimit(what, seconds, window))

    def summary(self) -> str | None:
        if not self.refused:
            return None
        return (f"rate limit: {self.refused} request(s) refused (429) and retried, {self.waited:.1f} s spent "
                f"waiting, at most {self.ceiling} and at least {self.lowest} request(s) at a time")


class RateLimited:
    """An attempt sender behind the limiter: every attempt passes it; 429s are retried here."""

    def __init__(self, send: Callable[[httpx2.Request], httpx2.Response], limiter: Limiter) -> None:
        self.send = send
        self.limiter = limiter

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        deadline: float | None = None
        attempt = 0
        while True:
            epoch = self.limiter.acquire()
            try:
                answer = self.send(request)
            except BaseException:
                self.limiter.done()
                raise
            if answer.status_code != 429:
                self.limiter.passed(answer.headers)
                return answer
            if _quota_spent(answer.content):  # not a rate limit: no retry, here or by the client
                self.limiter.done()
                answer.headers["x-should-retry"] = "false"
                return answer
            now = time.monotonic()
            deadline = deadline if deadline is not None else now + self.limiter.budget
            wait = refused_wait(answer.headers, attempt)
            attempt += 1
            self.limiter.refused_now(epoch, answer.headers, wait)
            if now + wait > deadline:
                # spent: the client must not start another budget of its own on top of this one
                answer.headers["x-should-retry"] = "false"
                return answer
            self.limiter.waiting(f"429 on {request.method} {request.url.path}", wait)


def _quota_spent(body: bytes) -> bool:
    return b"insufficient_quota" in body  # the answer is already decoded (transport.py)
