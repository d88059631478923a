"""The emulator's one validator: request shapes read from the openai SDK's request TypedDicts, with
the API's limits laid on them, refusing in the API's own wordings."""

from __future__ import annotations

import openai
import pytest
from route_bodies import request_problems

from asst_deploy.emulator.routes_responses import CREATE as RESPONSES_CREATE
from asst_deploy.emulator.sdk_shapes import Limit, paths, problems, shape_of


@pytest.mark.parametrize(("body", "expected"), [
    ({"model": "gpt-5", "name": 3},
     ("name", "Invalid type for 'name': expected a string, but got an integer instead.")),
    ({"model": "gpt-5", "reasoning": {"effort": "huge"}},
     ("reasoning.effort", "Invalid value: 'huge'. Supported values are: 'none', 'minimal', 'low', 'medium', "
                          "'high', 'xhigh', and 'max'.")),
    ({"model": "gpt-5", "colour": "red"}, ("colour", "Unknown parameter: 'colour'.")),
    ({"model": "gpt-5", "tools": [{"type": "function", "name": "f", "description": "d"}]},
     ("tools[0].parameters", "Missing required parameter: 'tools[0].parameters'.")),
    ({"name": "n"}, ("model", "Missing required parameter: 'model'.")),
])
def test_unknown_missing_literal_and_type_are_each_named(body: dict, expected: tuple[str, str]) -> None:
    assert request_problems("POST /v1/agents", body) == [expected]


def test_wire_aliases_and_tagged_unions() -> None:
    assert request_problems("POST /v1/agents", {"model": "m", "compaction": {"async": True}}) == []
    assert request_problems("POST /v1/agents", {"model": "m", "compaction": {"async_": True}}) == [
        ("compaction.async_", "Unknown parameter: 'compaction.async_'.")]
    [(param, message)] = request_problems("POST /v1/agents", {"model": "m", "tools": [{"type": "file_search"}]})
    assert param == "tools[0].type" and message.startswith("Invalid value: 'file_search'. Supported values are: ")


def test_the_apis_limits_hold_on_the_sdks_shapes() -> None:
    too_long = "x" * 257
    assert request_problems("POST /v1/assistants", {"model": "m", "name": too_long}) == [
        ("name", "Invalid 'name': string too long. Expected a string with maximum length 256, but got a string "
                 "with length 257 instead.")]
    assert request_problems("POST /v1/vector_stores", {"metadata": {f"k{i}": "v" for i in range(17)}})[0][0] == "metadata"
    [(param, _)] = request_problems("POST /v1/vector_stores", {
        "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 300}}})
    assert param == "chunking_strategy.static.chunk_overlap_tokens"
    [(param, _)] = request_problems("POST /v1/responses", {"model": "m", "tools": [
        {"type": "function", "name": "bad name", "parameters": {}, "strict": True}]})
    assert param == "tools[0].name"


def test_path_parameters_are_not_body_keys() -> None:
    assert request_problems("POST /v1/vector_stores/{id}/file_batches", {"file_ids": ["file-1"]}) == []
    assert request_problems("POST /v1/vector_stores/{id}/files/{id}", {"attributes": {"a": 1}}) == []


def test_a_limit_on_a_path_the_sdk_does_not_have_is_refused() -> None:
    """A route's limit that names a field the SDK dropped or renamed must fail loudly, not check nothing."""
    from openai.types.vector_store_update_params import VectorStoreUpdateParams

    with pytest.raises(TypeError, match="colour"):
        shape_of(VectorStoreUpdateParams, {"colour": Limit(max_len=3)})
    with pytest.raises(TypeError, match="has no 'max_items'"):
        shape_of(dict[str, str], {"": Limit(max_items=3)})


def test_every_responses_tool_type_the_sdk_declares_has_a_shape() -> None:
    from openai.types.responses.tool_param import ToolParam
    import typing_extensions as te

    declared = set()
    for option in te.get_args(ToolParam):
        hint = te.get_type_hints(option).get("type")
        declared |= set(te.get_args(te.get_args(hint)[0] if te.get_origin(hint) is te.Required else hint))
    tools = RESPONSES_CREATE.spec.fields["tools"].item
    assert declared and set(tools.variants) == declared
    assert "tools[].server_label" in paths(RESPONSES_CREATE.spec)


def test_the_agents_web_search_shape_is_not_a_responses_tool() -> None:
    kwargs = {"model": "gpt-4o", "tools": [{"type": "web_search", "context_size": "high"}]}
    assert problems(kwargs, RESPONSES_CREATE.spec) == [
        ("tools[0].context_size", "Unknown parameter: 'tools[0].context_size'.")]


def test_emulator_refuses_what_the_sdk_types_refuse(openai_client: openai.OpenAI) -> None:
    """Web search and MCP tools were accepted unchecked by the emulator's /v1/responses."""
    with pytest.raises(openai.BadRequestError) as refused:
        openai_client.responses.create(model="gpt-4o", input="hi", tools=[  # type: ignore[list-item]
            {"type": "mcp", "server_label": "s", "transport": {"type": "http", "server_url": "https://x"}}])
    assert refused.value.body["param"] == "tools[0].transport"
    assert "Unknown parameter" in refused.value.body["message"]
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

    def literals(tp: object) -> set[str]:
        found: set[str] = set()
        for arg in te.get_args(tp):
            found |= set(te.get_args(arg)) if te.get_origin(arg) is te.Literal else literals(arg)
        return {x for x in found if isinstance(x, str)}

    assert set(EmulatorConfig().models) == literals(ChatModel) | literals(ResponsesModel)
    tiers = {"responses": te.get_type_hints(ResponseCreateParamsBase)["service_tier"],
             "agents": te.get_type_hints(AgentCreateParams)["service_tier"]}
    assert set(RESPONSES_CREATE.spec.fields["service_tier"].enum) == literals(tiers["responses"])
    assert set(AGENT_CREATE.spec.fields["service_tier"].enum) == literals(tiers["agents"])


def test_file_attributes_keep_the_apis_limits_on_the_sdks_shape() -> None:
    """Attributes take strings of at most 512 characters, numbers and booleans, as metadata's limits."""
    key = "POST /v1/vector_stores/{id}/files"
    assert request_problems(key, {"file_id": "f", "attributes": {"a": "x" * 512, "n": 3.5, "b": True}}) == []
    [(param, message)] = request_problems(key, {"file_id": "f", "attributes": {"a": "x" * 513}})
    assert param == "attributes.a" and "maximum length 512" in message
    [(param, _)] = request_problems(key, {"file_id": "f", "attributes": {"a": ["x"]}})
    assert param == "attributes.a"
    [(param, _)] = request_problems(key, {"file_id": "f", "attributes": {"k" * 65: "v"}})
    assert param.startswith("attributes.")
