"""The checker that holds request bodies against the openai SDK's request TypedDicts, and the
emulator refusing what those types refuse."""

from __future__ import annotations

import openai
import pytest

from asst_deploy.emulator.sdk_types import RESPONSES_KWARGS, load, problems, request_problems


def test_unknown_missing_literal_and_type_are_each_named() -> None:
    body = {"model": "gpt-5", "name": 3, "reasoning": {"effort": "huge"}, "colour": "red",
            "tools": [{"type": "function", "name": "f", "description": "d"}]}
    assert request_problems("POST /v1/agents", body) == [
        ("name", "expected a string or null, got int"),
        ("reasoning.effort", "'huge' is not one of 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'"),
        ("colour", "unknown key (the SDK's AgentCreateParams has no 'colour')"),
        ("tools[0].parameters", "missing required key"),
    ]


def test_wire_aliases_and_tagged_unions() -> None:
    assert request_problems("POST /v1/agents", {"model": "m", "compaction": {"async": True}}) == []
    assert request_problems("POST /v1/agents", {"model": "m", "compaction": {"async_": True}}) == [
        ("compaction.async_", "unknown key (the SDK's Compaction has no 'async_')")]
    [(param, message)] = request_problems("POST /v1/agents", {"model": "m", "tools": [{"type": "file_search"}]})
    assert param == "tools[0].type" and message.startswith("'file_search' is not one of 'automations'")


def test_path_parameters_are_not_body_keys() -> None:
    assert request_problems("POST /v1/vector_stores/{id}/file_batches", {"file_ids": ["file-1"]},
                            {"vector_store_id"}) == []


def test_the_agents_web_search_shape_is_not_a_responses_tool() -> None:
    kwargs = {"model": "gpt-4o", "tools": [{"type": "web_search", "context_size": "high"}]}
    assert problems(kwargs, load(RESPONSES_KWARGS)) == [
        ("tools[0].context_size", "unknown key (the SDK's WebSearchToolParam has no 'context_size')")]


def test_emulator_refuses_what_the_sdk_types_refuse(openai_client: openai.OpenAI) -> None:
    """Web search and MCP tools were accepted unchecked by the emulator's /v1/responses."""
    with pytest.raises(openai.BadRequestError) as refused:
        openai_client.responses.create(model="gpt-4o", input="hi", tools=[  # type: ignore[list-item]
            {"type": "mcp", "server_label": "s", "transport": {"type": "http", "server_url": "https://x"}}])
    assert refused.value.body["param"] == "tools[0].transport"
    assert "unknown key" in refused.value.body["message"]
    ok = openai_client.responses.create(model="gpt-4o", input="hi", tools=[
        {"type": "web_search", "filters": {"allowed_domains": ["example.com"]}, "search_context_size": "low",
         "user_location": {"type": "approximate", "city": "Paris"}}])
    assert ok.status == "completed"


def test_the_emulators_models_and_service_tiers_are_the_sdks_literals() -> None:
    import typing_extensions as te
    from openai.types.beta.agent_create_params import AgentCreateParams
    from openai.types.responses.response_create_params import ResponseCreateParamsBase
    from openai.types.shared.chat_model import ChatModel
    from openai.types.shared.responses_model import ResponsesModel

    from asst_deploy.emulator import EmulatorConfig
    from asst_deploy.emulator.routes_agents import CREATE as AGENT_CREATE
    from asst_deploy.emulator.routes_responses import CREATE as RESPONSE_CREATE

    def literals(tp: object) -> set[str]:
        found: set[str] = set()
        for arg in te.get_args(tp):
            found |= set(te.get_args(arg)) if te.get_origin(arg) is te.Literal else literals(arg)
        return {x for x in found if isinstance(x, str)}

    assert set(EmulatorConfig().models) == literals(ChatModel) | literals(ResponsesModel)
    tiers = {"responses": te.get_type_hints(ResponseCreateParamsBase)["service_tier"],
             "agents": te.get_type_hints(AgentCreateParams)["service_tier"]}
    assert set(RESPONSE_CREATE.fields["service_tier"].enum) == literals(tiers["responses"])
    assert set(AGENT_CREATE.fields["service_tier"].enum) == literals(tiers["agents"])
