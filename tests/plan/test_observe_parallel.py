"""A plan's list chains (assistants, files, vector stores, then the stores' own files) run at the
same time: the emulator sees them in flight together, and the result is the same as listed one
after another."""

from __future__ import annotations

import pytest

from asst_deploy.backends.assistants import AssistantsTarget
from asst_deploy.backends.storage import Storage
from asst_deploy.lock.entry import LockDocument
from asst_deploy.account.observe import observe
from asst_deploy.ownership import MARKER_KEY, Owner


@pytest.mark.asst_emulator(latency_ms=100)
def test_the_list_chains_of_a_plan_run_at_the_same_time(asst_emulator, openai_client, api_client):
    owner = Owner("proj", "dev")
    store = openai_client.vector_stores.create(name="s", metadata={MARKER_KEY: owner.marker("bot")})
    openai_client.post("/assistants", body={"model": "gpt-4o", "metadata": {MARKER_KEY: owner.marker("bot")}},
                       cast_to=object, options={"headers": {"OpenAI-Beta": "assistants=v2"}})
    asst_emulator.reset_counter()
    # the lock does not know the store: its files are listed too (a chain of two)
    lock = LockDocument.from_dict({"project": "proj", "environment": "dev", "assistants": {}})
    observed = observe([AssistantsTarget(api_client)], Storage(api_client), owner, lock)
    assert [a.name for a in observed.assistants] == ["bot"]
    assert [s.id for s in observed.vector_stores] == [store.id] and observed.vector_stores[0].files == ()
    assert asst_emulator.total_requests() == 4  # assistants, files, stores, the store's files
    assert asst_emulator.peak_concurrency() == 3  # the first three at once; the store's files after its list


def test_a_store_deleted_between_the_two_lists_is_gone_not_an_error(asst_emulator, openai_client, api_client):
    """Regression (found by the slow two-clones walk, seed 93): another clone deleted a store after
    this plan listed the stores and before it listed that store's files; the 404 stopped the apply.
    Its files' list now says the store is gone (observe then plans it as absent)."""
    storage = Storage(api_client)
    kept = openai_client.vector_stores.create(name="kept")
    gone = openai_client.vector_stores.create(name="gone")
    openai_client.vector_stores.delete(gone.id)
    assert storage.list_store_files(gone.id) is None
    assert storage.list_store_files(kept.id) == ()


def test_only_this_projects_objects_are_read_into_specs(asst_emulator, openai_client, api_client, monkeypatch):
    """Teams share an organisation: a plan maps only the assistants its marker names, not the
    thousands other teams hold (each mapped object costs a spec; before, all were mapped)."""
    owner = Owner("proj", "dev")
    for metadata in ({MARKER_KEY: owner.marker("bot")}, {MARKER_KEY: Owner("other", "dev").marker("bot")},
                     {MARKER_KEY: Owner("proj", "prod").marker("bot")}, {"team": "search"}, {}):
        openai_client.post("/assistants", body={"model": "gpt-4o", "metadata": metadata}, cast_to=object,
                           options={"headers": {"OpenAI-Beta": "assistants=v2"}})
    mapped = []
    remote = AssistantsTarget._remote
    monkeypatch.setattr(AssistantsTarget, "_remote", staticmethod(lambda item: mapped.append(item["id"]) or remote(item)))
    lock = LockDocument.from_dict({"project": "proj", "environment": "dev", "assistants": {}})
    observed = observe([AssistantsTarget(api_client)], Storage(api_client), owner, lock)
    assert [a.name for a in observed.assistants] == ["bot"]
    assert mapped == [observed.assistants[0].id]
