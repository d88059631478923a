"""``client.responses.create`` against the emulator: shape checks and a deterministic answer."""

from __future__ import annotations

import json

import openai
import pytest
from emulator_helpers import assert_error


@pytest.fixture
def store_and_file(openai_client):
    f = openai_client.files.create(file=("prices.csv", b"a,b\n"), purpose="assistants")
    vs = openai_client.vector_stores.create(name="docs", file_ids=[f.id])
    return vs.id, f.id


def kwargs_for(vs_id: str, file_id: str) -> dict:
    """What asst_deploy.responses_kwargs() produces for a manifest using every tool kind."""
    return {
        "model": "gpt-4o",
        "instructions": "You are a support agent.",
        "tools": [
            {"type": "file_search", "vector_store_ids": [vs_id], "max_num_results": 8,
             "ranking_options": {"ranker": "auto", "score_threshold": 0.2}},
            {"type": "function", "name": "lookup_invoice", "description": "Find an invoice",
             "parameters": {"type": "object", "properties": {"n": {"type": "string"}}, "required": ["n"],
                            "additionalProperties": False}, "strict": True},
            {"type": "code_interpreter", "container": {"type": "auto", "file_ids": [file_id]}},
        ],
        "temperature": 0.2,
        "top_p": 1.0,
    }


def test_answers_a_valid_response(openai_client, store_and_file):
    r = openai_client.responses.create(**kwargs_for(*store_and_file), input="Where is invoice 42, please?")
    assert r.object == "response" and r.status == "completed" and r.id.startswith("resp_")
    assert r.output_text == "emulator: Where is invoice 42, please?"
    assert [t.type for t in r.tools] == ["file_search", "function", "code_interpreter"]
    assert r.usage.total_tokens == r.usage.input_tokens + r.usage.output_tokens
    again = openai_client.responses.create(**kwargs_for(*store_and_file), input="Where is invoice 42, please?")
    assert again.output_text == r.output_text  # deterministic


def test_input_as_messages_and_json_format(openai_client):
    r = openai_client.responses.create(
        model="gpt-4.1-mini",
        input=[{"role": "user", "content": [{"type": "input_text", "text": "x" * 100}]}],
        text={"format": {"type": "json_schema", "name": "answer", "schema": {"type": "object"}, "strict": True}},
    )
    assert json.loads(r.output_text) == {"emulator": "x" * 40}


@pytest.mark.parametrize(
    ("change", "param", "code"),
    [
        (lambda k: k["tools"][0].update(vector_store_ids=["vs_missing"]), "tools[0].vector_store_ids[0]",
         "invalid_value"),
        (lambda k: k["tools"][2]["container"].update(file_ids=["file-missing"]), "tools[2].container.file_ids[0]",
         "invalid_value"),
        # the Assistants shape (nested "function") is refused the way the real API refuses it
        (lambda k: k["tools"].append({"type": "function", "function": {"name": "nested"}}), "tools[3].name",
         "missing_required_parameter"),
        (lambda k: k["tools"][0]["ranking_options"].update(ranker="default_2024_08_21"),
         "tools[0].ranking_options.ranker", "invalid_value"),
        (lambda k: k["tools"][0].update(max_num_results=51), "tools[0].max_num_results", "integer_above_max_value"),
        (lambda k: k.update(model="o3"), "temperature", "unsupported_parameter"),
        (lambda k: k.update(model="nope"), "model", "model_not_found"),
        (lambda k: k.update(text={"format": {"type": "json_schema", "schema": {}}}), "text.format.name",
         "missing_required_parameter"),
        (lambda k: k.update(response_format={"type": "json_object"}), "response_format", "unknown_parameter"),
        (lambda k: k["tools"].append({"type": "retrieval"}), "tools[3].type", "invalid_value"),
    ],
)
def test_refuses_what_the_api_would(openai_client, store_and_file, change, param, code):
    kwargs = kwargs_for(*store_and_file)
    change(kwargs)
    extra = {k: kwargs.pop(k) for k in list(kwargs) if k == "response_format"}
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.responses.create(**kwargs, input="hi", extra_body=extra or None)
    assert_error(exc.value, param=param, code=code)


def test_reasoning_model_with_effort_none_accepts_temperature(openai_client):
    r = openai_client.responses.create(model="gpt-5", reasoning={"effort": "none"}, temperature=0.3, input="hi")
    assert r.reasoning.effort == "none"


def test_streaming_is_refused(openai_client):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.responses.create(model="gpt-4o", input="hi", stream=True)
    assert_error(exc.value, param="stream")
