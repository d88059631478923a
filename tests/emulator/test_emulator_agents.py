"""The beta Agents API through the real SDK: defaults echoed, partial update semantics, paging."""

from __future__ import annotations


import openai
import pytest
from emulator_helpers import assert_error

FUNCTION = {"type": "function", "name": "lookup", "description": "Find it", "parameters": {"type": "object"}}


def test_create_fills_the_defaults_the_api_echoes(openai_client):
    a = openai_client.beta.agents.create(model="gpt-4.1", name="Support")
    assert a.id.startswith("agent_") and a.object == "agent"
    assert a.name == "Support" and a.instructions is None and a.metadata == {} and a.tools == []
    assert a.service_tier == "auto"
    assert a.text.to_dict() == {"format": {"type": "text"}, "verbosity": "medium"}
    assert a.multi_agent.to_dict() == {"enabled": False, "max_concurrent_subagents": None}
    assert a.reasoning.effort is None  # not a reasoning model
    assert a.created_at == a.updated_at
    assert openai_client.beta.agents.create(model="gpt-5").reasoning.effort == "medium"  # the model's default


def test_tools_are_echoed_with_defaults(openai_client):
    a = openai_client.beta.agents.create(
        model="gpt-5",
        tools=[
            FUNCTION,
            {"type": "web_search"},
            {"type": "mcp", "server_label": "docs", "transport": {"type": "http", "server_url": "https://x.test/mcp"}},
            {"type": "programmatic_tool_calling"},
            {"type": "computer_use"},
            {"type": "tool_search"},
        ],
    )
    fn, web, mcp, ptc, cu, ts = a.to_dict()["tools"]
    assert fn == {**FUNCTION, "defer_loading": False}
    assert web == {"type": "web_search", "allowed_domains": None, "context_size": "medium", "location": None,
                   "mode": "live"}
    assert mcp == {"type": "mcp", "server_label": "docs",
                   "transport": {"type": "http", "server_url": "https://x.test/mcp", "headers": {}},
                   "allowed_tools": None, "connection_origin": "service", "credential_id": None,
                   "request_metadata": {}, "required": False}
    assert ptc == {"type": "programmatic_tool_calling", "enabled": True}
    assert cu == {"type": "computer_use", "include_screenshots": False}
    assert ts == {"type": "tool_search"}


def test_update_semantics(openai_client):
    a = openai_client.beta.agents.create(
        model="gpt-5", name="n", instructions="be brief", metadata={"a": "1", "b": "2"}, tools=[FUNCTION],
        reasoning={"effort": "low"}, text={"verbosity": "high"}, service_tier="flex",
        multi_agent={"enabled": True},
    )
    assert a.multi_agent.max_concurrent_subagents == 6
    b = openai_client.beta.agents.update(a.id, metadata={"c": "3"})
    assert b.metadata == {"c": "3"}  # replaced wholesale
    assert (b.name, b.instructions, b.reasoning.effort, b.text.verbosity, b.service_tier) == (
        "n", "be brief", "low", "high", "flex")  # omitted fields stay
    assert len(b.tools) == 1
    c = openai_client.beta.agents.update(a.id, name=None, reasoning=None, tools=None, metadata=None, text=None,
                                         service_tier=None, multi_agent=None)
    assert c.name is None and c.tools == [] and c.metadata == {}
    assert c.reasoning.effort == "medium"  # reset to the model's default
    assert c.text.verbosity == "medium" and c.service_tier == "auto" and c.multi_agent.enabled is False
    assert c.instructions == "be brief"


def test_empty_update_still_bumps_updated_at(openai_client, asst_emulator):
    a = openai_client.beta.agents.create(model="gpt-4.1")
    asst_emulator.advance_clock(1)
    b = openai_client.beta.agents.update(a.id)
    assert b.updated_at > a.updated_at and b.created_at == a.created_at
    assert asst_emulator.counter()["POST /v1/agents/{id}"] == 1


def test_experimental_merges_and_compaction_resets(openai_client):
    a = openai_client.beta.agents.create(model="gpt-4.1", experimental={"time_awareness": True},
                                         compaction={"async": True})
    assert a.experimental.time_awareness is True and a.compaction.async_ is True
    b = openai_client.beta.agents.update(a.id, experimental={}, compaction=None)
    assert b.experimental.time_awareness is True and b.compaction.async_ is False


def test_list_delete_and_paging(openai_client):
    made = [openai_client.beta.agents.create(model="gpt-4.1", name=f"a{i}") for i in range(5)]
    page = openai_client.beta.agents.list(limit=2)
    assert [a.id for a in page.data] == [made[4].id, made[3].id] and page.has_more
    assert [a.id for a in openai_client.beta.agents.list(limit=2)] == [a.id for a in reversed(made)]
    d = openai_client.beta.agents.delete(made[0].id)
    assert (d.id, d.deleted, d.object) == (made[0].id, True, "agent.deleted")
    with pytest.raises(openai.NotFoundError) as exc:
        openai_client.beta.agents.retrieve(made[0].id)
    assert_error(exc.value, contains=f"No agent found with id '{made[0].id}'.")


@pytest.mark.parametrize(
    ("kwargs", "param", "code"),
    [
        ({"name": "x" * 129}, "name", "string_above_max_length"),
        ({"tools": [{"type": "file_search"}]}, "tools[0].type", "invalid_value"),
        ({"tools": [{"type": "code_interpreter"}]}, "tools[0].type", "invalid_value"),
        ({"tools": [{**FUNCTION, "strict": True}]}, "tools[0].strict", "unknown_parameter"),
        ({"tools": [{"type": "function", "name": "f", "parameters": {}}]}, "tools[0].description",
         "missing_required_parameter"),
        # the Assistants API's nested form: the SDK declares description before name
        ({"tools": [{"type": "function", "function": {"name": "f"}}]}, "tools[0].description",
         "missing_required_parameter"),
        ({"text": {"format": {"type": "json_object"}}}, "text.format.type", "invalid_value"),
        ({"text": {"format": {"type": "json_schema", "name": "x", "schema": {}}}}, "text.format.name",
         "unknown_parameter"),
        ({"extra_body": {"temperature": 0.2}}, "temperature", "unknown_parameter"),
        ({"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata", "object_above_max_properties"),
        ({"reasoning": {"effort": "huge"}}, "reasoning.effort", "invalid_value"),
    ],
)
def test_validation(openai_client, kwargs, param, code):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.agents.create(model="gpt-5", **kwargs)
    assert_error(exc.value, param=param, code=code)


def test_unknown_model_and_missing_beta_header(openai_client, raw):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.agents.create(model="gpt-0")
    assert_error(exc.value, param="model", code="model_not_found")
    status, _, body = raw("GET", "/v1/agents")
    assert status == 400
    assert_error(body, code="invalid_beta", contains="OpenAI-Beta: agents=v1")
