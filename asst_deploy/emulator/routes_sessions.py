"""``/v1/agents/sessions`` (beta Agents API): a session of a saved agent, its turns and items.

The emulator runs sessions without an execution environment (``environment: {type: none}``,
which the API allows for a conversation). Input submitted (at creation, or as an
``agent.session.input.message`` event) starts a turn the scripted model answers at once: an
assistant message (``phase: final_answer``) ends it and the session is ``idle``; a function
call leaves the turn ``waiting`` and the session ``requires_action`` until an
``agent.session.input.tool_result`` answers it. The real API gets there through
``in_progress``; so that clients are seen to poll, a session shows ``in_progress`` for the
emulator's ``answer_seconds`` after each step (0 by default).
"""

from __future__ import annotations

import json
from typing import Any

from . import ids
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .routes_agents import AGENTS
from .routing import Reply, Request, Router
from .scripted_model import respond, text_of
from .sdk_shapes import Limit, SdkBody
from .shapes import metadata_limits, require_beta
from .store import Row

router = Router()

CREATE = SdkBody("openai.types.beta.agents.session_create_params:SessionCreateParamsNonStreaming",
                 {"agent_id": Limit(min_len=1), **metadata_limits("metadata")})
EVENTS = SdkBody("openai.types.beta.agents.sessions.event_create_params:EventCreateParams",
                 {"events": Limit(min_items=1)})
_AGENT_KEYS = ("id", "instructions", "model", "multi_agent", "name", "reasoning", "service_tier", "text", "tools",
               "compaction", "experimental")


def _render(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    if req.now < doc.get("answer_at", 0):  # still "thinking": the step's outcome is not shown yet
        doc = {**doc, "status": "in_progress", "required_actions": []}
    return {"id": row.id, "object": "agent.session", "created_at": row.created_at, "agent": doc["agent"],
            "environment": doc.get("environment") or {"type": "none"}, "error": None, "last_active_at": doc["last_active_at"],
            "metadata": doc.get("metadata") or {}, "required_actions": doc["required_actions"],
            "spend_control": {"consumed": None, "limit": None}, "status": doc["status"], "usage": doc.get("usage"),
            "vault_ids": []}


def _render_child(req: Request, row: Row) -> dict[str, Any]:
    return {"id": row.id, **row.doc}


SESSIONS = Resource("agent_session", _render, lambda id, _p: not_found(f"No session found with id '{id}'."))
TURNS = Resource("session_turn", _render_child, lambda id, _p: not_found(f"No turn found with id '{id}'."))
ITEMS = Resource("session_item", _render_child, lambda id, _p: not_found(f"No item found with id '{id}'."))


def _usage(counts: dict[str, int]) -> dict[str, Any]:
    return {"input_tokens": counts["input_tokens"], "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": counts["output_tokens"], "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": counts["input_tokens"] + counts["output_tokens"]}


def _add_item(req: Request, session_id: str, item: dict[str, Any]) -> None:
    req.store.insert("session_item", item.pop("id"), item, parent=session_id, created_at=req.created_at,
                     tag=item["turn_id"])


def _script_items(req: Request, session_id: str) -> list[dict[str, Any]]:
    """The session's history as the scripted model reads it (Responses-shaped items)."""
    out: list[dict[str, Any]] = []
    for row in req.store.rows("session_item", session_id):
        item = row.doc
        if item["type"] == "message":
            out.append({"type": "message", "role": item["role"], "content": text_of(item["content"])})
        elif item["type"] == "function_call":
            out.append({"type": "function_call", "call_id": item["call_id"], "name": item["name"],
                        "arguments": json.dumps(item["arguments"])})
        elif item["type"] == "function_call_output":
            out.append({"type": "function_call_output", "call_id": item["call_id"],
                        "output": item.get("output") if item.get("output") is not None else item.get("error") or ""})
    return out


def _advance(req: Request, row: Row, turn_id: str) -> Row:
    """One scripted step of the turn: a function call to wait on, or the final answer."""
    doc = dict(row.doc)
    agent = doc["agent"]
    fmt = (agent.get("text") or {}).get("format") or {"type": "text"}
    tools = [t for t in agent.get("tools") or [] if t.get("type") == "function"]
    output, usage = respond(agent.get("instructions"), _script_items(req, row.id), tools, "auto", fmt)
    item = output[0]
    turn = TURNS.row(req, turn_id, row.id)
    if item["type"] == "function_call":
        arguments = json.loads(item["arguments"])
        _add_item(req, row.id, {"id": item["id"], "type": "function_call", "call_id": item["call_id"],
                                "name": item["name"], "arguments": arguments, "status": "completed",
                                "turn_id": turn_id})
        doc.update(status="requires_action", required_actions=[
            {"type": "function_call", "call_id": item["call_id"], "name": item["name"], "arguments": arguments,
             "turn_id": turn_id}])
        req.store.update(turn, {**turn.doc, "status": "waiting"})
    else:
        text = item["content"][0]["text"]
        _add_item(req, row.id, {"id": item["id"], "type": "message", "role": "assistant", "phase": "final_answer",
                                "status": "completed", "turn_id": turn_id,
                                "content": [{"type": "output_text", "text": text}]})
        doc.update(status="idle", required_actions=[], usage=_usage(usage))
        req.store.update(turn, {**turn.doc, "status": "completed", "completed_at": req.created_at,
                                "usage": _usage(usage)})
    doc["last_active_at"] = req.created_at
    doc["answer_at"] = req.now + req.app.config.answer_seconds
    return req.store.update(row, doc)


def _start_turn(req: Request, row: Row, messages: Any) -> Row:
    if row.doc["status"] != "idle":
        raise invalid(f"Session {row.id} is {row.doc['status']}: input is accepted when it is idle.", "events",
                      "session_not_idle")
    if isinstance(messages, str):
        messages = [{"role": "user", "content": [{"type": "input_text", "text": messages}]}]
    turn_id = "turn_" + ids.random_id("", 24)
    req.store.insert("session_turn", turn_id, {
        "object": "agent.session.turn", "agent_id": row.doc["agent"]["id"], "session_id": row.id,
        "created_at": req.created_at, "started_at": req.created_at, "completed_at": None, "error": None,
        "status": "in_progress", "subagent_id": None, "usage": None}, parent=row.id, created_at=req.created_at)
    for message in messages:
        _add_item(req, row.id, {"id": ids.message_id(), "type": "message", "role": "user", "phase": None,
                                "status": "completed", "turn_id": turn_id, "content": message["content"]})
    return _advance(req, row, turn_id)


def _answer(req: Request, row: Row, event: dict[str, Any]) -> Row:
    waiting = {a["call_id"]: a for a in row.doc["required_actions"] if a["type"] == "function_call"}
    action = waiting.get(event["call_id"])
    if action is None or action["turn_id"] != event["turn_id"]:
        raise invalid(f"No function call {event['call_id']!r} of turn {event['turn_id']!r} is waiting for a result.",
                      "events", "invalid_value")
    _add_item(req, row.id, {"id": ids.random_id("fco_", 24), "type": "function_call_output",
                            "call_id": event["call_id"], "output": event.get("output"), "error": event.get("error"),
                            "status": "completed" if event["success"] else "failed", "turn_id": event["turn_id"]})
    left = [a for a in row.doc["required_actions"] if a is not action]
    row = req.store.update(row, {**row.doc, "required_actions": left})
    return row if left else _advance(req, row, event["turn_id"])


def _cancel(req: Request, row: Row) -> Row:
    for turn in req.store.rows("session_turn", row.id):
        if turn.doc["status"] in ("queued", "in_progress", "waiting"):
            req.store.update(turn, {**turn.doc, "status": "cancelled", "completed_at": req.created_at})
    return req.store.update(row, {**row.doc, "status": "idle", "required_actions": []})


def _agent(req: Request, body: dict[str, Any]) -> dict[str, Any]:
    if "agent_id" not in body:
        raise invalid("The emulator runs sessions of a saved agent: give agent_id.", "agent_id",
                      "missing_required_parameter")
    saved = AGENTS.get(req, body["agent_id"])
    return {key: saved.get(key) for key in _AGENT_KEYS} | {k: v for k, v in (body.get("agent") or {}).items()
                                                            if k in _AGENT_KEYS and k != "id"}


@router.route("POST", "/v1/agents/sessions")
def create_session(req: Request) -> dict[str, Any]:
    require_beta(req, "agents=v1", "Agents")
    body = req.body_as(CREATE)
    if body.get("stream"):
        raise invalid("Streaming is not supported by the asst-deploy emulator; call without stream=true.", "stream",
                      "unsupported_value")
    if not body.get("input"):
        raise invalid("'input' is required when environment.type is 'none' (the asst-deploy emulator, which runs no "
                      "environment, requires it for every session).", "input", "missing_required_parameter")
    sid = "sess_" + ids.random_id("", 32)
    req.store.insert("agent_session", sid, {"agent": _agent(req, body), "status": "idle", "required_actions": [],
                                            "metadata": body.get("metadata") or {}, "last_active_at": req.created_at,
                                            "environment": body["environment"]},
                     created_at=req.created_at)
    return _render(req, _start_turn(req, SESSIONS.row(req, sid), body["input"]))


@router.route("GET", "/v1/agents/sessions/{session_id}")
def retrieve_session(req: Request) -> dict[str, Any]:
    require_beta(req, "agents=v1", "Agents")
    return SESSIONS.get(req, req.params["session_id"])


@router.route("DELETE", "/v1/agents/sessions/{session_id}")
def delete_session(req: Request) -> dict[str, Any]:
    require_beta(req, "agents=v1", "Agents")
    sid = req.params["session_id"]
    SESSIONS.delete(req, sid)
    req.store.delete_children(sid)
    return {"id": sid, "object": "agent.session.deleted", "deleted": True}


@router.route("POST", "/v1/agents/sessions/{session_id}/events")
def submit_events(req: Request) -> Reply:
    require_beta(req, "agents=v1", "Agents")
    row = SESSIONS.row(req, req.params["session_id"])
    for i, event in enumerate(req.body_as(EVENTS)["events"]):
        kind = event["type"]
        if kind == "agent.session.input.message":
            row = _start_turn(req, row, event["input"])
        elif kind == "agent.session.input.tool_result":
            row = _answer(req, row, event)
        elif kind == "agent.session.input.cancel":
            row = _cancel(req, row)
        else:  # approvals answer MCP and computer-use requests, which emulated sessions never make
            raise invalid(f"No request is waiting for a {kind} event.", f"events[{i}].type", "invalid_value")
    return Reply(202, b"", {})


@router.route("GET", "/v1/agents/sessions/{session_id}/items")
def list_items(req: Request) -> dict[str, Any]:
    require_beta(req, "agents=v1", "Agents")
    sid = SESSIONS.row(req, req.params["session_id"]).id
    return ITEMS.page(req, list_params(req, before=False), parent=sid)


@router.route("GET", "/v1/agents/sessions/{session_id}/turns")
def list_turns(req: Request) -> dict[str, Any]:
    require_beta(req, "agents=v1", "Agents")
    sid = SESSIONS.row(req, req.params["session_id"]).id
    return TURNS.page(req, list_params(req, before=False), parent=sid)


@router.route("GET", "/v1/agents/sessions/{session_id}/turns/{turn_id}")
def retrieve_turn(req: Request) -> dict[str, Any]:
    require_beta(req, "agents=v1", "Agents")
    sid = SESSIONS.row(req, req.params["session_id"]).id
    return TURNS.get(req, req.params["turn_id"], sid)
