"""The rate-limit mode: a request bucket like OpenAI's, with its x-ratelimit-* headers and 429s."""

from __future__ import annotations

import pytest
from emulator_helpers import assert_error

from asst_deploy.emulator import EmulatorConfig


@pytest.mark.asst_emulator(rate_limit_requests=3, rate_limit_period_s=60)
def test_bucket_counts_down_then_refuses_with_headers(asst_emulator, raw):
    remaining = []
    for _ in range(3):
        status, headers, _ = raw("GET", "/v1/models")
        assert status == 200
        assert headers["x-ratelimit-limit-requests"] == "3"
        remaining.append(headers["x-ratelimit-remaining-requests"])
    assert remaining == ["2", "1", "0"]
    status, headers, body = raw("GET", "/v1/models")
    assert status == 429
    assert_error(body, code="rate_limit_exceeded")
    assert body["error"]["type"] == "requests"
    assert "Limit 3" in body["error"]["message"]
    # one request refills in 20 s (3 per minute): that is what a refused request is told to wait
    assert 19_000 <= int(headers["retry-after-ms"]) <= 20_000 and headers["retry-after"] == "20"
    assert headers["x-ratelimit-remaining-requests"] == "0"
    assert headers["x-ratelimit-reset-requests"].endswith("s") and headers["x-ratelimit-reset-requests"].startswith("59")
    assert asst_emulator.rate_limited() == 1
    asst_emulator.reset_counter()
    assert asst_emulator.rate_limited() == 0


@pytest.mark.asst_emulator(rate_limit_requests=1, rate_limit_period_s=60, rate_limit_retry_after=False)
def test_without_retry_after_only_the_ratelimit_headers_say_when(raw):
    assert raw("GET", "/v1/models")[0] == 200
    status, headers, _ = raw("GET", "/v1/models")
    assert status == 429
    assert "retry-after" not in headers and "retry-after-ms" not in headers
    assert headers["x-ratelimit-reset-requests"].startswith("59")


@pytest.mark.asst_emulator(rate_limit_requests=2, rate_limit_period_s=0.2)
def test_bucket_refills_over_the_period(asst_emulator, raw):
    import time

    from support.waiting import wait_until

    assert [raw("GET", "/v1/models")[0] for _ in range(3)] == [200, 200, 429]
    emptied = time.monotonic()
    assert wait_until(lambda: raw("GET", "/v1/models")[0] == 200, timeout=5, every=0.02)  # a 429 takes nothing
    assert time.monotonic() - emptied >= 0.05  # one request's worth refilled (0.1 s at 2 per 0.2 s), not sooner
    asst_emulator.set_faults(rate_limit_requests=0)  # off: no headers, no refusals
    status, headers, _ = raw("GET", "/v1/models")
    assert status == 200 and "x-ratelimit-limit-requests" not in headers


def test_rate_limit_settings_are_checked():
    with pytest.raises(ValueError, match="rate_limit_period_s"):
        EmulatorConfig(rate_limit_requests=5, rate_limit_period_s=0)
    with pytest.raises(ValueError, match="rate_limit_retry_after"):
        EmulatorConfig(rate_limit_retry_after=1)  # type: ignore[arg-type]


def test_a_spent_quota_is_a_429_without_retry_after(asst_emulator, raw):
    asst_emulator.set_faults(quota_exhausted=True)
    status, headers, body = raw("GET", "/v1/models")
    assert status == 429
    assert_error(body, code="insufficient_quota")
    assert body["error"]["type"] == "insufficient_quota" and "exceeded your current quota" in body["error"]["message"]
    assert "retry-after" not in headers and "retry-after-ms" not in headers
    assert asst_emulator.rate_limited() == 1
    asst_emulator.set_faults(quota_exhausted=False)
    assert raw("GET", "/v1/models")[0] == 200
