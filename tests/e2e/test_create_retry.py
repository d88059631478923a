"""A create whose answer comes after the client's timeout was carried out all the same: it is not
sent again once its object is found by its marker (assistants, agents, vector stores) or its name
(files), so no twin appears. Issue 13, "a create retried after a timeout"."""

from __future__ import annotations

from typing import Any

import pytest

from asst_deploy.backends.agents import AgentsTarget
from asst_deploy.backends.assistants import AssistantsTarget
from asst_deploy.backends.base import Resources
from asst_deploy.backends.client import Connection, open_client
from asst_deploy.backends.storage import Storage
from asst_deploy.ownership import MARKER_KEY, Owner
from asst_deploy.spec import AssistantSpec

OWNER = Owner("proj", "dev")


@pytest.fixture
def slow_client(asst_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Writes are carried out at once and answered after 0.6 s; the client gives up after 0.3 s."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-timeouts-0123")
    asst_emulator.set_faults(write_answer_delay_ms=600)
    conn = Connection(backend="openai", base_url=asst_emulator.base_url, timeout=0.3, max_retries=2)
    with open_client(conn) as client:
        yield client


def _spec() -> AssistantSpec:
    return AssistantSpec(name="bot", display_name="Bot", model="gpt-4o", instructions="Hi.")


@pytest.mark.parametrize("target", [AssistantsTarget, AgentsTarget])
def test_assistant_or_agent_create_after_a_timeout_makes_no_twin(asst_emulator, slow_client, target):
    backend = target(slow_client)
    deployed = backend.create(_spec(), {MARKER_KEY: OWNER.marker("bot")}, Resources())
    listed = [a for a in backend.list() if a.metadata.get(MARKER_KEY) == OWNER.marker("bot")]
    assert [a.id for a in listed] == [deployed.id]
    assert asst_emulator.counter()[f"POST /v1/{'assistants' if target is AssistantsTarget else 'agents'}"] == 1


def test_store_create_and_upload_after_a_timeout_make_no_twin(asst_emulator, slow_client):
    storage = Storage(slow_client)
    store_id = storage.create_store("proj/dev/bot", {MARKER_KEY: OWNER.marker("bot")})
    assert [s.id for s in storage.list_vector_stores()] == [store_id]
    name = OWNER.filename("0" * 64, "docs/a.md")
    file_id = storage.upload(name, b"# A\n")
    assert [f.id for f in storage.list_files()] == [file_id]
    counter = asst_emulator.counter()
    assert counter["POST /v1/vector_stores"] == 1 and counter["POST /v1/files"] == 1


def test_a_create_refused_for_a_definite_reason_is_not_looked_up(asst_emulator, monkeypatch):
    """A 400 is no uncertainty: it surfaces at once, one request, no lookup."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-timeouts-0123")
    conn = Connection(backend="openai", base_url=asst_emulator.base_url, max_retries=2)
    with open_client(conn) as client:
        from asst_deploy.errors import ApiError

        bad = AssistantSpec(name="bot", display_name="Bot", model="no-such-model")
        with pytest.raises(ApiError, match="create assistant bot"):
            AssistantsTarget(client).create(bad, {MARKER_KEY: OWNER.marker("bot")}, Resources())
    assert asst_emulator.counter() == {"POST /v1/assistants": 1}
