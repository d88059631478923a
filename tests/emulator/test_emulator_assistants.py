"""Assistants v2 through the real SDK: CRUD, partial update, defaults, references, limits."""

from __future__ import annotations

import openai
import pytest

from emulator_helpers import assert_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

FUNCTION = {"type": "function", "function": {"name": "lookup_invoice", "description": "Find an invoice",
                                             "parameters": {"type": "object", "properties": {}}}}


def test_create_retrieve_delete_shapes(openai_client):
    a = openai_client.beta.assistants.create(model="gpt-4o", name="Support")
    assert a.id.startswith("asst_") and len(a.id) == 29
    assert a.object == "assistant" and a.model == "gpt-4o" and a.name == "Support"
    # nullable fields present as null, defaults as the API echoes them
    assert a.description is None and a.instructions is None
    assert a.tools == [] and a.metadata == {} and a.temperature == 1.0 and a.top_p == 1.0
    assert a.response_format == "auto"
    got = openai_client.beta.assistants.retrieve(a.id)
    assert got.to_dict() == a.to_dict()
    deleted = openai_client.beta.assistants.delete(a.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (a.id, True, "assistant.deleted")
    with pytest.raises(openai.NotFoundError) as exc:
        openai_client.beta.assistants.retrieve(a.id)
    assert_error(exc.value, contains=f"No assistant found with id '{a.id}'.")


def test_raw_json_has_every_nullable_key(raw):
    status, _, body = raw("POST", "/v1/assistants", {"model": "gpt-4o"}, {"OpenAI-Beta": "assistants=v2"})
    assert status == 200
    for key in ("name", "description", "instructions", "tool_resources", "metadata", "temperature", "top_p",
                "response_format"):
        assert key in body
    assert body["name"] is None and "reasoning_effort" not in body


def test_tools_echo_with_api_defaults(openai_client):
    a = openai_client.beta.assistants.create(
        model="gpt-4o", tools=[{"type": "code_interpreter"}, {"type": "file_search"}, FUNCTION]
    )
    raw = a.to_dict()["tools"]
    assert raw[0] == {"type": "code_interpreter"}
    assert raw[1] == {"type": "file_search", "file_search": {
        "ranking_options": {"ranker": "default_2024_08_21", "score_threshold": 0.0}}}
    assert raw[2]["function"]["strict"] is False


def test_update_is_partial_and_replaces_tools_and_metadata(openai_client):
    a = openai_client.beta.assistants.create(
        model="gpt-4o", name="n", description="d", instructions="i", tools=[FUNCTION], metadata={"a": "1", "b": "2"},
        temperature=0.3,
    )
    b = openai_client.beta.assistants.update(a.id, metadata={"c": "3"}, tools=[{"type": "code_interpreter"}])
    assert (b.name, b.description, b.instructions, b.temperature) == ("n", "d", "i", 0.3)
    assert b.metadata == {"c": "3"}
    assert [t.type for t in b.tools] == ["code_interpreter"]
    c = openai_client.beta.assistants.update(a.id, description=None, temperature=None, model="gpt-4o-mini")
    assert c.description is None and c.temperature == 1.0 and c.model == "gpt-4o-mini" and c.name == "n"
    assert c.created_at == a.created_at


def test_reasoning_effort_is_write_only(openai_client, raw):
    a = openai_client.beta.assistants.create(model="o3", reasoning_effort="high")
    _, _, body = raw("GET", f"/v1/assistants/{a.id}", headers={"OpenAI-Beta": "assistants=v2"})
    assert "reasoning_effort" not in body
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.assistants.update(a.id, reasoning_effort="extreme")
    assert_error(exc.value, param="reasoning_effort", code="invalid_value")


def test_tool_resources_must_exist(openai_client):
    f = openai_client.files.create(file=("a.csv", b"x,y\n"), purpose="assistants")
    vs = openai_client.vector_stores.create(name="docs")
    a = openai_client.beta.assistants.create(
        model="gpt-4o", tools=[{"type": "code_interpreter"}, {"type": "file_search"}],
        tool_resources={"code_interpreter": {"file_ids": [f.id]}, "file_search": {"vector_store_ids": [vs.id]}},
    )
    assert a.tool_resources.code_interpreter.file_ids == [f.id]
    assert a.tool_resources.file_search.vector_store_ids == [vs.id]
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.assistants.update(a.id, tool_resources={"code_interpreter": {"file_ids": ["file-nope"]}})
    assert_error(exc.value, param="tool_resources.code_interpreter.file_ids[0]")
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.assistants.update(a.id, tool_resources={"file_search": {"vector_store_ids": ["vs_nope"]}})
    assert_error(exc.value, param="tool_resources.file_search.vector_store_ids[0]")
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.assistants.update(a.id, tool_resources={"file_search": {"vector_store_ids": [vs.id, vs.id]}})
    assert_error(exc.value, param="tool_resources.file_search.vector_store_ids", code="array_above_max_length")
    # updating one tool's resources keeps the other's
    b = openai_client.beta.assistants.update(a.id, tool_resources={"code_interpreter": {"file_ids": []}})
    assert b.tool_resources.file_search.vector_store_ids == [vs.id]
    assert b.tool_resources.code_interpreter.file_ids == []


def test_inline_vector_store_is_created(openai_client):
    f = openai_client.files.create(file=("a.md", b"# doc"), purpose="assistants")
    a = openai_client.beta.assistants.create(
        model="gpt-4o", tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_stores": [{"file_ids": [f.id]}]}},
    )
    (vs_id,) = a.tool_resources.file_search.vector_store_ids
    assert openai_client.vector_stores.retrieve(vs_id).file_counts.total == 1


LONG = "x" * 300


@pytest.mark.parametrize(
    ("kwargs", "param", "code"),
    [
        ({"name": "x" * 257}, "name", "string_above_max_length"),
        ({"description": "x" * 513}, "description", "string_above_max_length"),
        ({"instructions": "x" * 256001}, "instructions", "string_above_max_length"),
        ({"tools": [{"type": "code_interpreter"}] * 129}, "tools", "array_above_max_length"),
        ({"metadata": {f"k{i}": "v" for i in range(17)}}, "metadata", "object_above_max_properties"),
        ({"metadata": {"k" * 65: "v"}}, "metadata." + "k" * 65, "string_above_max_length"),
        ({"metadata": {"k": "v" * 513}}, "metadata.k", "string_above_max_length"),
        ({"metadata": {"k": 1}}, "metadata.k", "invalid_type"),
        ({"temperature": 2.5}, "temperature", "decimal_above_max_value"),
        ({"temperature": -0.1}, "temperature", "decimal_below_min_value"),
        ({"top_p": 1.5}, "top_p", "decimal_above_max_value"),
        ({"tools": [{"type": "function", "function": {"name": "bad name!"}}]}, "tools[0].function.name",
         "invalid_value"),
        ({"tools": [{"type": "function", "function": {"name": "f" * 65}}]}, "tools[0].function.name",
         "string_above_max_length"),
        ({"tools": [{"type": "function"}]}, "tools[0].function", "missing_required_parameter"),
        ({"tools": [{"type": "browser"}]}, "tools[0].type", "invalid_value"),
        ({"tools": [{"type": "file_search", "file_search": {"max_num_results": 51}}]},
         "tools[0].file_search.max_num_results", "integer_above_max_value"),
        ({"tool_resources": {"code_interpreter": {"file_ids": [f"file-{i}" for i in range(21)]}}},
         "tool_resources.code_interpreter.file_ids", "array_above_max_length"),
        ({"response_format": {"type": "json_schema", "json_schema": {"schema": {}}}},
         "response_format.json_schema.name", "missing_required_parameter"),
        ({"response_format": "json"}, "response_format", "invalid_value"),
        ({"name": 5}, "name", "invalid_type"),
    ],
)
def test_limits_are_enforced(openai_client, kwargs, param, code):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.assistants.create(model="gpt-4o", **kwargs)
    assert exc.value.status_code == 400
    assert_error(exc.value, param=param, code=code)


def test_limits_at_the_edge_pass(openai_client):
    a = openai_client.beta.assistants.create(
        model="gpt-4o", name="x" * 256, description="x" * 512, instructions="x" * 256000,
        metadata={f"{i:064d}": "v" * 512 for i in range(16)}, tools=[{"type": "code_interpreter"}] * 128,
        temperature=2, top_p=0,
    )
    assert len(a.tools) == 128 and len(a.metadata) == 16


def test_unknown_model_is_refused_with_the_api_wording(openai_client):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.assistants.create(model="gpt-9-ultra")
    assert_error(exc.value, param="model", code="model_not_found",
                 contains="The requested model 'gpt-9-ultra' does not exist.")


def test_unknown_field_and_missing_model(openai_client):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.assistants.create(model="gpt-4o", extra_body={"colour": "blue"})
    assert_error(exc.value, param="colour", code="unknown_parameter")
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.assistants.create(model="gpt-4o", tools=[{"type": "code_interpreter", "x": 1}])
    assert_error(exc.value, param="tools[0].x", code="unknown_parameter")


def test_beta_header_is_required(raw):
    status, _, body = raw("POST", "/v1/assistants", {"model": "gpt-4o"})
    assert status == 400
    assert_error(body, code="invalid_beta", contains="OpenAI-Beta: assistants=v2")


@pytest.mark.asst_emulator(serve_assistants=False)
def test_sunset_mode_answers_404_for_assistants_only(openai_client):
    with pytest.raises(openai.NotFoundError) as exc:
        openai_client.beta.assistants.create(model="gpt-4o")
    assert_error(exc.value, contains="Invalid URL (POST /v1/assistants)")
    with pytest.raises(openai.NotFoundError):
        openai_client.beta.assistants.list()
    assert openai_client.vector_stores.create(name="still here").object == "vector_store"
