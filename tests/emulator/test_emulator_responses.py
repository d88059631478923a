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
    assert r.output_text == 'support agent: I read "Where is invoice 42, please?"'
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
    assert json.loads(r.output_text) == {"answer": f'assistant: I read "{"x" * 100}"'}


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


# ---- the scripted stand-in model -----------------------------------------------------------------

SEARCH = {"type": "function", "name": "search", "description": "search the web",
          "parameters": {"type": "object", "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
                         "required": ["query", "limit"], "additionalProperties": False}, "strict": True}
HAT = "We hold a Six Thinking Hats discussion. Your role is the white hat. You bring facts."


def test_response_matches_the_sdk_type(openai_client):
    from openai.types.responses import Response

    raw = openai_client.responses.with_raw_response.create(model="gpt-4o", instructions=HAT, input="hi",
                                                           tools=[SEARCH], tool_choice="required")
    checked = Response.model_validate(json.loads(raw.text))  # validated, not constructed unchecked
    assert checked.output[0].type == "function_call"
    plain = openai_client.responses.with_raw_response.create(model="gpt-4o", instructions=HAT, input="hi")
    assert Response.model_validate(json.loads(plain.text)).output[0].type == "message"


def test_names_the_role_and_echoes_the_first_and_last_lines(openai_client):
    r = openai_client.responses.create(model="gpt-4o", instructions=HAT,
                                       input="Topic: a four-day week\n\n[start]\nblue hat: let us begin")
    assert r.output_text == 'white hat: I read "Topic: a four-day week" … "blue hat: let us begin"'
    zh = openai_client.responses.create(model="gpt-4o", instructions="按顺序。你的角色是蓝色帽子。你负责总结。", input="话题")
    assert zh.output_text == '蓝色帽子: I read "话题"'
    assert zh.usage.input_tokens > 0 and zh.usage.output_tokens > 0
    assert zh.usage.total_tokens == zh.usage.input_tokens + zh.usage.output_tokens


def test_auto_answers_in_text_and_required_calls_the_function(openai_client):
    auto = openai_client.responses.create(model="gpt-4o", instructions=HAT, input="facts?", tools=[SEARCH])
    assert [item.type for item in auto.output] == ["message"]
    call = openai_client.responses.create(model="gpt-4o", instructions=HAT, input="remote work studies",
                                          tools=[SEARCH], tool_choice="required")
    assert [item.type for item in call.output] == ["function_call"]
    assert call.output[0].name == "search"
    assert json.loads(call.output[0].arguments) == {"query": "remote work studies", "limit": 0}
    named = openai_client.responses.create(model="gpt-4o", input="x", tools=[SEARCH],
                                           tool_choice={"type": "function", "name": "search"})
    assert named.output[0].type == "function_call"


def test_function_output_is_used_on_the_next_turn_by_previous_response_id(openai_client):
    call = openai_client.responses.create(model="gpt-4o", instructions=HAT, input="remote work studies",
                                          tools=[SEARCH], tool_choice="required")
    done = openai_client.responses.create(
        model="gpt-4o", instructions=HAT, tools=[SEARCH], previous_response_id=call.id,
        input=[{"type": "function_call_output", "call_id": call.output[0].call_id, "output": "3 studies found"}],
    )
    assert done.output_text == 'white hat: search returned "3 studies found". I read "remote work studies"'


def test_function_output_is_used_on_the_next_turn_from_input_items(openai_client):
    call = openai_client.responses.create(model="gpt-4o", instructions=HAT, input="q", tools=[SEARCH],
                                          tool_choice="required", store=False)
    items = [{"role": "user", "content": "q"}, call.output[0].model_dump(exclude_none=True),
             {"type": "function_call_output", "call_id": call.output[0].call_id, "output": "found it"}]
    done = openai_client.responses.create(model="gpt-4o", instructions=HAT, tools=[SEARCH], input=items)
    assert done.output_text == 'white hat: search returned "found it". I read "q"'
    with pytest.raises(openai.BadRequestError) as exc:  # store=False: nothing to continue
        openai_client.responses.create(model="gpt-4o", input="again", previous_response_id=call.id)
    assert_error(exc.value, param="previous_response_id", code="previous_response_not_found")


def test_json_schema_format_answers_an_instance_of_the_schema(openai_client):
    schema = {"type": "object", "properties": {"verdict": {"type": "string", "enum": ["go", "stop"]},
                                               "summary": {"type": "string"}},
              "required": ["verdict", "summary"], "additionalProperties": False}
    r = openai_client.responses.create(model="gpt-4o", instructions=HAT, input="decide",
                                       text={"format": {"type": "json_schema", "name": "v", "schema": schema}})
    assert json.loads(r.output_text) == {"verdict": "go", "summary": 'white hat: I read "decide"'}


def test_a_question_a_searched_file_answers_cites_it(openai_client):
    f = openai_client.files.create(file=("prices.md", b"# Prices\nThe basic plan costs 10 euros a month.\n"),
                                   purpose="assistants")
    other = openai_client.files.create(file=("faq.md", b"Ask us anything.\n"), purpose="assistants")
    store = openai_client.vector_stores.create(name="docs", file_ids=[other.id, f.id])
    tools = [{"type": "file_search", "vector_store_ids": [store.id]}]
    r = openai_client.responses.create(model="gpt-4o", instructions=HAT, input="What does the basic plan cost?",
                                       tools=tools)
    assert r.output_text == ('white hat: I read "What does the basic plan cost?" '
                             'From prices.md: "The basic plan costs 10 euros a month."')
    [note] = r.output[0].content[0].annotations
    assert (note.type, note.file_id, note.filename, note.index) == ("file_citation", f.id, "prices.md",
                                                                    len(r.output_text))
    unrelated = openai_client.responses.create(model="gpt-4o", input="Hello there", tools=tools)
    assert unrelated.output[0].content[0].annotations == []
    no_search = openai_client.responses.create(model="gpt-4o", input="What does the basic plan cost?")
    assert no_search.output[0].content[0].annotations == []


def test_auto_calls_a_function_the_input_names(openai_client):
    named = openai_client.responses.create(model="gpt-4o", instructions=HAT, input="Search remote work",
                                           tools=[SEARCH])
    assert [(i.type, i.name) for i in named.output] == [("function_call", "search")]
    never = openai_client.responses.create(model="gpt-4o", instructions=HAT, input="Search remote work",
                                           tools=[SEARCH], tool_choice="none")
    assert [i.type for i in never.output] == ["message"]
