"""Rate limits: 429s retried within a time budget of the tool's own, pacing to the account's limit,
adaptive concurrency, and a word on stderr while it waits. Real SDK, real HTTP, the emulator's
rate-limit modes; the assertions are on requests counted and retries made, never on wall time."""

from __future__ import annotations

import io
import re
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx2
import pytest

from asst_deploy.backends.client import Connection, open_client
from asst_deploy.backends.api import StatusError
from asst_deploy.backends.ratelimit import Limiter, RateLimited, parse_duration, retry_after


def _connection(emulator: Any, **kw: Any) -> Connection:
    return Connection(backend="openai", base_url=emulator.base_url, **kw)


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-ratelimit-0123")


def test_reset_durations_parse_as_openai_writes_them():
    assert parse_duration("17ms") == pytest.approx(0.017)
    assert parse_duration("1.5s") == 1.5
    assert parse_duration("6m0s") == 360
    assert parse_duration("1h2m3s") == 3723
    assert parse_duration("2") == 2
    assert parse_duration("soon") is None and parse_duration("") is None
    headers = httpx2.Headers({"x-ratelimit-limit-requests": "40", "x-ratelimit-remaining-requests": "0",
                              "x-ratelimit-reset-requests": "1s"})
    assert retry_after(headers) == pytest.approx(0.025)  # one request's share of the refill, not all of it
    assert retry_after(httpx2.Headers({"retry-after-ms": "250", "retry-after": "1"})) == 0.25
    assert retry_after(httpx2.Headers({})) is None


@pytest.mark.asst_emulator(rate_limit_every=2, retry_after_s=0.01)
def test_429_storm_is_ridden_out_whatever_max_retries_says(asst_emulator):
    log = io.StringIO()
    with open_client(_connection(asst_emulator, max_retries=0), log=log) as client:
        with ThreadPoolExecutor(8) as pool:
            ids = list(pool.map(lambda i: client.post("/vector_stores", {"name": f"s{i}"})["id"], range(24)))
    assert len(set(ids)) == 24
    assert asst_emulator.counter()["POST /v1/vector_stores"] == 24 + asst_emulator.rate_limited()
    assert asst_emulator.rate_limited() >= 12  # every 2nd request was refused, and retried by the tool
    summary = log.getvalue().strip().splitlines()[-1]
    match = re.fullmatch(r"rate limit: (\d+) request\(s\) refused \(429\) and retried, .* at least (\d+) request\(s\) at a time",
                         summary)
    assert match, log.getvalue()
    assert int(match.group(1)) == asst_emulator.rate_limited()
    assert int(match.group(2)) < 8  # the concurrency came down when refused


@pytest.mark.asst_emulator(rate_limit_every=1, retry_after_s=0.05)
def test_429s_stop_at_the_budget_and_the_sdk_does_not_start_another(asst_emulator):
    log = io.StringIO()
    with open_client(_connection(asst_emulator, max_retries=2, rate_limit_budget=0.3), log=log) as client:
        with pytest.raises(StatusError) as refused:
            client.get("/models")
    assert refused.value.status_code == 429
    tries = asst_emulator.counter()["GET /v1/models"]
    assert 3 < tries <= 0.3 / 0.05 + 2  # more than the SDK's 2 retries, fewer than a second budget
    assert "rate limit: 429 on GET /v1/models; waiting" in log.getvalue()


@pytest.mark.asst_emulator(rate_limit_requests=5, rate_limit_period_s=0.5, rate_limit_retry_after=False)
def test_pacing_from_the_ratelimit_headers_keeps_429s_few(asst_emulator):
    """Without retry-after: the reset header says how long; pacing keeps most requests from a 429."""
    with open_client(_connection(asst_emulator, max_retries=0, concurrency=4)) as client:
        with ThreadPoolExecutor(4) as pool:
            listed = list(pool.map(lambda _: len(client.get("/models")["data"]), range(20)))
    assert all(listed)
    assert asst_emulator.counter()["GET /v1/models"] == 20 + asst_emulator.rate_limited()
    # a client that only retries would be refused for most of the 15 requests beyond the burst,
    # several times each; pacing to the refill rate leaves a few at the edges
    assert asst_emulator.rate_limited() <= 8


@pytest.mark.asst_emulator(rate_limit_requests=20, rate_limit_period_s=2, rate_limit_retry_after=False)
def test_the_burst_the_bucket_holds_goes_at_once_and_only_then_requests_are_paced(asst_emulator):
    """20 requests from a full bucket of 20 start without waiting (pacing used to begin once fewer
    than --parallelism remained: the last 7 here waited). One after another, so that the server's
    answers arrive in order. (Pacing beyond the burst: the test below.)"""
    limiter = Limiter(8, budget=30)
    http = httpx2.Client()
    send = RateLimited(http.send, limiter)

    def get() -> int:
        return send(http.build_request("GET", f"{asst_emulator.base_url}/models",
                                       headers={"authorization": "Bearer sk-x"})).status_code

    assert {get() for _ in range(20)} == {200}
    http.close()
    assert limiter.waited == 0 and asst_emulator.rate_limited() == 0


def test_the_time_waited_is_wall_time_not_summed_over_requests():
    """Four requests told to wait 0.2 s at the same moment wait 0.2 s, not 0.8 s."""
    limiter = Limiter(4, budget=30)
    told = httpx2.Headers({})

    def refused_then_passed(_: int) -> None:
        limiter.refused_now(limiter.acquire(), told, 0.2)
        limiter.acquire()  # sleeps until the wait is over
        limiter.passed(told)

    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(refused_then_passed, range(4)))
    elapsed = time.monotonic() - started
    assert 0.15 < limiter.waited <= elapsed  # summed, it was 4 x ~0.2 s: more than the time that passed
    assert "s spent waiting" in (limiter.summary() or "")


@pytest.mark.asst_emulator(quota_exhausted=True)
def test_a_spent_quota_is_not_retried_by_the_tool_or_the_sdk(asst_emulator, cli):
    """insufficient_quota is a 429 that waiting does not cure: one request, then the error."""
    with open_client(_connection(asst_emulator, max_retries=2)) as client:
        with pytest.raises(StatusError, match="exceeded your current quota") as refused:
            client.get("/models")
    assert refused.value.status_code == 429
    assert asst_emulator.counter() == {"GET /v1/models": 1}  # the SDK retried it twice more
    result = cli("plan", code=1)
    assert "exceeded your current quota" in result.output and "refused (429) and retried" not in result.output
    counter = asst_emulator.counter()
    assert counter and set(counter.values()) == {1}, counter  # the plan's lists were each asked once


@pytest.mark.asst_emulator(rate_limit_every=2, retry_after_s=0.01)
def test_concurrency_drops_when_refused_and_rises_again_when_requests_pass(asst_emulator):
    limiter = Limiter(8, budget=30)
    http = httpx2.Client()
    send = RateLimited(http.send, limiter)

    def get(_: int) -> int:
        return send(http.build_request("GET", f"{asst_emulator.base_url}/models",
                                       headers={"authorization": "Bearer sk-x"})).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(get, range(32))) == {200}
    assert limiter.lowest <= 4 and limiter.window < 8
    asst_emulator.set_faults(rate_limit_every=0)
    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(get, range(80))) == {200}
    assert limiter.window == 8
    http.close()


@pytest.mark.asst_emulator(rate_limit_every=2, retry_after_s=0.01)
def test_apply_rides_out_a_429_storm_with_no_sdk_retries(cli, asst_emulator):
    result = cli("apply", "--auto-approve", "--max-retries", "0")
    assert "rate limit:" in result.output and "refused (429) and retried" in result.output
    assert asst_emulator.rate_limited() > 5
    cli("plan", "--detailed-exitcode")


@pytest.mark.asst_emulator(rate_limit_every=2, retry_after_s=0.01)
def test_a_wait_for_the_rate_limit_is_an_event_of_the_apply(cli, asst_emulator):
    """``--events json``: the rate limiter's waits reach the apply's event stream as records a
    program can read, not as loose lines on stderr."""
    import json

    result = cli("apply", "--auto-approve", "--events", "json")
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    waits = [r for r in records if r["event"] == "waiting_on_rate_limit"]
    assert waits, result.stdout
    assert waits[0]["reason"].startswith("429 on ") and waits[0]["window"] >= 1 and waits[0]["seconds"] > 0
    assert "; waiting" not in result.stderr  # said once, as the event, not also as a loose line
