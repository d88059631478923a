"""The emulator's clock: tests move time forward instead of sleeping, from Python or over HTTP."""

from __future__ import annotations

import pytest

HOUR = 3600.0


def test_timestamps_follow_the_advanced_clock(openai_client, asst_emulator) -> None:
    before = openai_client.beta.assistants.create(model="gpt-4o")
    asst_emulator.advance_clock(HOUR)
    after = openai_client.beta.assistants.create(model="gpt-4o")
    assert after.created_at - before.created_at >= HOUR
    assert after.created_at >= int(asst_emulator.now()) - 1
    # newest first: the list order follows the emulator's time too
    assert [a.id for a in openai_client.beta.assistants.list()] == [after.id, before.id]


def test_a_store_expires_when_its_days_have_passed(openai_client, asst_emulator) -> None:
    vs = openai_client.vector_stores.create(name="s", expires_after={"anchor": "last_active_at", "days": 1})
    assert vs.status == "completed"
    asst_emulator.advance_clock(24 * HOUR)
    assert openai_client.vector_stores.retrieve(vs.id).status == "expired"


@pytest.mark.asst_emulator(processing_seconds=HOUR)
def test_control_endpoint_reads_and_advances_the_clock(openai_client, asst_emulator, raw) -> None:
    file = openai_client.files.create(file=("a.md", b"alpha"), purpose="assistants")
    vs = openai_client.vector_stores.create(name="s", file_ids=[file.id])
    status, _, start = raw("GET", "/__emulator__/clock", auth=False)
    assert status == 200 and start["offset"] == 0.0
    status, _, moved = raw("POST", "/__emulator__/clock", {"advance": HOUR}, auth=False)
    assert status == 200 and moved["offset"] == HOUR and moved["now"] >= start["now"] + HOUR
    assert openai_client.vector_stores.files.retrieve(file.id, vector_store_id=vs.id).status == "completed"


@pytest.mark.parametrize("body", [{"advance": -1}, {"advance": "1"}, {"advance": True}, {"set": 5}, [1], {}])
def test_the_clock_never_goes_back_or_takes_nonsense(asst_emulator, raw, body) -> None:
    status, _, reply = raw("POST", "/__emulator__/clock", body, auth=False)
    assert status == 400 and "advance" in reply["error"]["message"]
    assert raw("GET", "/__emulator__/clock", auth=False)[2]["offset"] == 0.0
    with pytest.raises(ValueError):
        asst_emulator.advance_clock(-1)
