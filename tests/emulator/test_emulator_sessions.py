"""Agents API sessions, events, turns and items through the real SDK, answered by the scripted model."""

from __future__ import annotations

import json

import openai
import pytest
from emulator_helpers import assert_error

SEARCH = {"type": "function", "name": "search", "description": "Search the web",
          "parameters": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]}}
HAT = "We hold a Six Thinking Hats discussion. Your role is the red hat."


@pytest.fixture
def agent(openai_client):
    return openai_client.beta.agents.create(model="gpt-4o", instructions=HAT, tools=[SEARCH])


def _final(client, session_id):
    items = client.beta.agents.sessions.items.list(session_id, order="asc").data
    return [i for i in items if i.type == "message" and i.role == "assistant"][-1]


def test_a_session_answers_its_input_in_the_agents_role(openai_client, agent):
    session = openai_client.beta.agents.sessions.create(agent_id=agent.id, environment={"type": "none"},
                                                        input="Topic: a four-day week")
    assert session.object == "agent.session" and session.status == "idle" and session.required_actions == []
    assert session.agent.id == agent.id and session.environment.type == "none"
    final = _final(openai_client, session.id)
    assert final.output_text == 'red hat: I read "Topic: a four-day week"' and final.phase == "final_answer"
    [turn] = openai_client.beta.agents.sessions.turns.list(session.id).data
    assert turn.status == "completed" and turn.usage.total_tokens > 0
    assert openai_client.beta.agents.sessions.turns.retrieve(turn.id, session_id=session.id).id == turn.id


def test_a_function_call_waits_for_its_result(openai_client, agent):
    session = openai_client.beta.agents.sessions.create(agent_id=agent.id, environment={"type": "none"},
                                                        input="search remote work studies")
    assert session.status == "requires_action"
    [action] = session.required_actions
    assert (action.type, action.name, action.arguments) == ("function_call", "search",
                                                            {"query": "search remote work studies"})
    with pytest.raises(openai.BadRequestError):  # no new input while the call waits
        openai_client.beta.agents.sessions.events.create(session.id, events=[
            {"type": "agent.session.input.message", "input": [{"role": "user", "content": [
                {"type": "input_text", "text": "more"}]}]}])
    openai_client.beta.agents.sessions.events.create(session.id, events=[
        {"type": "agent.session.input.tool_result", "call_id": action.call_id, "turn_id": action.turn_id,
         "success": True, "output": "3 studies"}])
    assert openai_client.beta.agents.sessions.retrieve(session.id).status == "idle"
    final = _final(openai_client, session.id)
    assert final.output_text == 'red hat: search returned "3 studies". I read "search remote work studies"'
    kinds = [i.type for i in openai_client.beta.agents.sessions.items.list(session.id, order="asc")]
    assert kinds == ["message", "function_call", "function_call_output", "message"]


def test_a_second_message_starts_a_second_turn(openai_client, agent):
    session = openai_client.beta.agents.sessions.create(agent_id=agent.id, environment={"type": "none"},
                                                        input="first")
    openai_client.beta.agents.sessions.events.create(session.id, events=[
        {"type": "agent.session.input.message", "input": [{"role": "user", "content": [
            {"type": "input_text", "text": "second"}]}]}])
    assert _final(openai_client, session.id).output_text == 'red hat: I read "second"'
    assert len(openai_client.beta.agents.sessions.turns.list(session.id).data) == 2


def test_a_session_answer_matches_the_sdk_type(openai_client, agent):
    from openai.types.beta import AgentSession

    raw = openai_client.beta.agents.sessions.with_raw_response.create(
        agent_id=agent.id, environment={"type": "none"}, input="search it")
    assert AgentSession.model_validate(json.loads(raw.text)).status == "requires_action"


def test_bad_sessions_are_refused(openai_client, agent):
    with pytest.raises(openai.NotFoundError):
        openai_client.beta.agents.sessions.create(agent_id="agent_missing", environment={"type": "none"}, input="x")
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.beta.agents.sessions.create(agent_id=agent.id, environment={"type": "none"})
    assert_error(exc.value, param="input")
    with pytest.raises(openai.BadRequestError) as exc:  # the SDK's EnvironmentParam has no such type
        openai_client.beta.agents.sessions.create(agent_id=agent.id, environment={"type": "docker"}, input="x")
    assert_error(exc.value, param="environment.type")
    hosted = {"type": "openai_hosted", "container_size": "small", "packages": {"python": ["pandas"]}}
    made = openai_client.beta.agents.sessions.create(agent_id=agent.id, environment=hosted, input="x")
    assert openai_client.beta.agents.sessions.retrieve(made.id).environment.model_dump(exclude_none=True) == hosted
    session = openai_client.beta.agents.sessions.create(agent_id=agent.id, environment={"type": "none"}, input="x")
    with pytest.raises(openai.BadRequestError):  # nothing waits for this call
        openai_client.beta.agents.sessions.events.create(session.id, events=[
            {"type": "agent.session.input.tool_result", "call_id": "call_x", "turn_id": "turn_x", "success": True}])
