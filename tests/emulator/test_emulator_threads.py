"""Assistants v2 threads, messages and runs through the real SDK, answered by the scripted model."""

from __future__ import annotations

import json
import warnings

import openai
import pytest
from emulator_helpers import assert_error

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK marks Assistants deprecated

SEARCH = {"type": "function", "function": {"name": "search", "parameters": {
    "type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}}
HAT = "We hold a Six Thinking Hats discussion. Your role is the white hat."
PRICES = b"# Prices\nThe basic plan costs 10 euros a month.\n"


@pytest.fixture
def assistant(openai_client):
    f = openai_client.files.create(file=("prices.md", PRICES), purpose="assistants")
    store = openai_client.vector_stores.create(name="docs", file_ids=[f.id])
    made = openai_client.beta.assistants.create(model="gpt-4o", instructions=HAT,
                                                tools=[SEARCH, {"type": "file_search"}],
                                                tool_resources={"file_search": {"vector_store_ids": [store.id]}})
    return made, f.id


def _answers(client, thread_id, run_id):
    return [m.content[0].text for m in client.beta.threads.messages.list(thread_id=thread_id, run_id=run_id)]


def test_a_run_answers_in_the_role_of_the_instructions(openai_client, assistant):
    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": "Topic: a four-day week"}])
    run = openai_client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant[0].id)
    assert run.status == "completed" and run.usage.total_tokens > 0
    [text] = _answers(openai_client, thread.id, run.id)
    assert text.value == 'white hat: I read "Topic: a four-day week"' and text.annotations == []
    listed = openai_client.beta.threads.messages.list(thread_id=thread.id, order="asc").data
    assert [m.role for m in listed] == ["user", "assistant"] and listed[1].run_id == run.id


def test_a_named_function_is_called_and_its_output_used(openai_client, assistant):
    run = openai_client.beta.threads.create_and_run(
        assistant_id=assistant[0].id, thread={"messages": [{"role": "user", "content": "search remote work studies"}]})
    assert run.status == "requires_action"
    [call] = run.required_action.submit_tool_outputs.tool_calls
    assert call.function.name == "search"
    assert json.loads(call.function.arguments) == {"query": "search remote work studies"}
    with pytest.raises(openai.BadRequestError):  # the thread takes no message while the run waits
        openai_client.beta.threads.messages.create(thread_id=run.thread_id, role="user", content="more")
    done = openai_client.beta.threads.runs.submit_tool_outputs(
        thread_id=run.thread_id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "3 studies"}])
    assert done.status == "completed" and done.required_action is None
    [text] = _answers(openai_client, run.thread_id, run.id)
    assert text.value == 'white hat: search returned "3 studies". I read "search remote work studies"'
    with pytest.raises(openai.BadRequestError):  # a finished run takes no more outputs
        openai_client.beta.threads.runs.submit_tool_outputs(
            thread_id=run.thread_id, run_id=run.id, tool_outputs=[{"tool_call_id": call.id, "output": "x"}])


def test_a_question_a_stored_file_answers_cites_it(openai_client, assistant):
    made, file_id = assistant
    run = openai_client.beta.threads.create_and_run_poll(
        assistant_id=made.id, thread={"messages": [{"role": "user", "content": "How much is the basic plan?"}]})
    [text] = _answers(openai_client, run.thread_id, run.id)
    assert text.value.endswith('From prices.md: "The basic plan costs 10 euros a month."')
    assert [(a.type, a.file_citation.file_id) for a in text.annotations] == [("file_citation", file_id)]


def test_a_run_on_a_missing_assistant_or_thread_is_refused(openai_client, assistant):
    thread = openai_client.beta.threads.create()
    with pytest.raises(openai.NotFoundError):
        openai_client.beta.threads.runs.create(thread_id=thread.id, assistant_id="asst_missing")
    with pytest.raises(openai.NotFoundError):
        openai_client.beta.threads.runs.create(thread_id="thread_missing", assistant_id=assistant[0].id)
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.threads.create(messages=[{"role": "system", "content": "x"}])
    assert_error(exc.value, param="messages[0].role")


def test_run_and_message_answers_match_the_sdk_types(openai_client, assistant):
    from openai.types.beta.threads import Message, Run

    thread = openai_client.beta.threads.create(messages=[{"role": "user", "content": "search it"}])
    raw = openai_client.beta.threads.runs.with_raw_response.create(thread_id=thread.id, assistant_id=assistant[0].id)
    run = Run.model_validate(json.loads(raw.text))
    assert run.status == "requires_action"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        page = openai_client.beta.threads.messages.with_raw_response.list(thread_id=thread.id)
    assert [Message.model_validate(m).role for m in json.loads(page.text)["data"]] == ["user"]


@pytest.mark.asst_emulator(serve_assistants=False)
def test_threads_are_gone_with_the_assistants_api(openai_client):
    with pytest.raises(openai.NotFoundError):
        openai_client.beta.threads.create()
