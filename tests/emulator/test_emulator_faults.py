"""Fault injection and counting: 429 + Retry-After, outage after N writes, error rate, latency, counter."""

from __future__ import annotations

import json
import time
import urllib.request

import openai
import pytest
from emulator_helpers import assert_error

from asst_deploy.emulator import Emulator, EmulatorConfig

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.asst_emulator(rate_limit_every=2, retry_after_s=0.05)
def test_429_with_retry_after_is_honoured_by_sdk_retries(asst_emulator, openai_client, raw):
    start = time.perf_counter()
    for i in range(4):
        openai_client.vector_stores.create(name=f"s{i}")  # every 2nd request is refused, the SDK retries it
    assert time.perf_counter() - start < 2  # retries waited ~Retry-After, not the SDK's backoff
    assert asst_emulator.counter()["POST /v1/vector_stores"] == 7  # 4 creates + 3 retried 429s
    assert len(openai_client.vector_stores.list().data) == 4
    asst_emulator.set_faults(rate_limit_every=1, retry_after_s=1.5)
    status, headers, body = raw("GET", "/v1/models")
    assert status == 429 and headers["retry-after"] == "2" and headers["retry-after-ms"] == "1500"
    assert_error(body, code="rate_limit_exceeded")
    assert body["error"]["type"] == "requests"


@pytest.mark.asst_emulator(rate_limit_every=1)
def test_429_surfaces_when_retries_run_out(asst_emulator):
    client = openai.OpenAI(base_url=asst_emulator.base_url, api_key="k", max_retries=1)
    with pytest.raises(openai.RateLimitError):
        client.models.list()
    assert asst_emulator.total_requests() == 2


@pytest.mark.asst_emulator(outage_after_writes=2)
def test_outage_after_writes_then_heal(asst_emulator, openai_client):
    client = openai_client.with_options(max_retries=0)
    client.vector_stores.create(name="one")
    client.vector_stores.list()  # reads do not count
    client.vector_stores.create(name="two")  # the 2nd write succeeds...
    with pytest.raises(openai.InternalServerError) as exc:  # ...and everything after it fails
        client.vector_stores.list()
    assert exc.value.status_code == 503
    with pytest.raises(openai.InternalServerError):
        client.vector_stores.create(name="three")
    asst_emulator.heal()
    assert [v.name for v in client.vector_stores.list()] == ["two", "one"]  # nothing was half-written
    for i in range(3):
        client.vector_stores.create(name=f"after{i}")  # healed: disarmed, writes go through again


@pytest.mark.asst_emulator(outage_after_writes=0)
def test_outage_from_the_start(openai_client):
    with pytest.raises(openai.InternalServerError):
        openai_client.with_options(max_retries=0).models.list()


def test_error_rate_is_seeded_and_retried(asst_emulator):
    client = openai.OpenAI(base_url=asst_emulator.base_url, api_key="k", max_retries=0)

    def run(seed: int) -> list[int]:
        asst_emulator.set_faults(error_rate=0.5, seed=seed)
        outcomes = []
        for _ in range(20):
            try:
                client.models.list()
                outcomes.append(200)
            except openai.APIStatusError as exc:
                outcomes.append(exc.status_code)
        return outcomes

    first, second = run(7), run(7)
    assert first == second  # same seed, same faults
    assert set(first) == {200, 500, 503}
    asst_emulator.set_faults(error_rate=0.3, seed=1)
    retrying = client.with_options(max_retries=5)
    for _ in range(10):
        retrying.models.list()  # the SDK's retries get through


@pytest.mark.asst_emulator(write_answer_delay_ms=3000, write_answer_delay_rate=0.5, seed=3)
def test_only_some_writes_are_answered_late(asst_emulator):
    """write_answer_delay_rate: the seeded coin picks which writes are answered after the client's
    timeout; every write is carried out all the same."""
    from concurrent.futures import ThreadPoolExecutor

    client = openai.OpenAI(base_url=asst_emulator.base_url, api_key="sk-test", max_retries=0, timeout=1.0)

    def create(i: int) -> bool:
        try:
            client.vector_stores.create(name=f"s{i}")
            return True
        except openai.APITimeoutError:
            return False

    with ThreadPoolExecutor(8) as pool:
        answered = list(pool.map(create, range(8)))
    assert 0 < answered.count(False) < 8, answered
    assert asst_emulator.counter()["POST /v1/vector_stores"] == 8
    assert len(client.with_options(timeout=30).vector_stores.list().data) == 8


@pytest.mark.asst_emulator(latency_ms=80)
def test_latency(openai_client):
    start = time.perf_counter()
    openai_client.models.list()
    assert time.perf_counter() - start >= 0.08


def test_counter_normalises_ids_and_resets(asst_emulator, openai_client):
    a = openai_client.beta.assistants.create(model="gpt-4o")
    openai_client.beta.assistants.retrieve(a.id)
    openai_client.beta.assistants.update(a.id, name="x")
    f = openai_client.files.create(file=("a.txt", b"x"), purpose="assistants")
    vs = openai_client.vector_stores.create(name="s")
    openai_client.vector_stores.files.create(vs.id, file_id=f.id)
    openai_client.vector_stores.files.retrieve(f.id, vector_store_id=vs.id)
    with pytest.raises(openai.NotFoundError):
        openai_client.beta.assistants.retrieve("asst_missing")
    assert asst_emulator.counter() == {
        "GET /v1/assistants/{id}": 2,
        "GET /v1/vector_stores/{id}/files/{id}": 1,
        "POST /v1/assistants": 1,
        "POST /v1/assistants/{id}": 1,
        "POST /v1/files": 1,
        "POST /v1/vector_stores": 1,
        "POST /v1/vector_stores/{id}/files": 1,
    }
    assert asst_emulator.total_requests() == 8
    asst_emulator.reset_counter()
    assert asst_emulator.counter() == {} and asst_emulator.total_requests() == 0


def _control(emu: Emulator, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(emu.url + "/__emulator__/" + path, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_control_endpoints(asst_emulator, openai_client):
    openai_client.models.list()
    status, body = _control(asst_emulator, "GET", "counter")
    assert (status, body) == (200, {"counter": {"GET /v1/models": 1}, "total": 1, "rate_limited": 0,
                                    "peak_concurrency": 1})
    status, body = _control(asst_emulator, "POST", "faults", {"outage_after_writes": 0, "latency_ms": 1})
    assert status == 200 and body["outage_after_writes"] == 0 and body["latency_ms"] == 1.0
    with pytest.raises(openai.InternalServerError):
        openai_client.with_options(max_retries=0).models.list()
    assert _control(asst_emulator, "GET", "counter")[0] == 200  # never faulted
    status, body = _control(asst_emulator, "POST", "heal")
    assert status == 200 and body["outage"] is False
    openai_client.models.list()
    assert _control(asst_emulator, "POST", "counter/reset")[1] == {"counter": {}, "total": 0, "rate_limited": 0,
                                                                   "peak_concurrency": 0}
    assert _control(asst_emulator, "GET", "counter")[1]["total"] == 0  # control calls are not counted
    status, body = _control(asst_emulator, "POST", "faults", {"latency": 5})
    assert status == 400 and "unknown fault setting" in body["error"]["message"]
    assert _control(asst_emulator, "GET", "nope")[0] == 404


def test_fault_settings_are_checked():
    with pytest.raises(ValueError):
        EmulatorConfig(error_rate=2)
    with pytest.raises(ValueError):
        EmulatorConfig(rate_limit_every=-1)
    with Emulator() as emu:
        with pytest.raises(ValueError, match="fixed at start"):
            emu.set_faults(data="x.sqlite")
