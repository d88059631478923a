"""``/v1/agents`` (beta Agents API, header ``OpenAI-Beta: agents=v1``): create, retrieve, update,
delete, list.

The stored document keeps what was *requested*; rendering resolves it the way the API echoes
it: defaults filled into every tool, ``reasoning.effort`` resolved to the model's default,
``service_tier`` "auto", ``text`` {format: text, verbosity: medium}, ``multi_agent`` disabled.
Update is partial: an omitted field stays, ``null`` clears or resets it, ``metadata`` and
``tools`` are replaced wholesale, ``experimental`` merges by key, and even an empty update bumps
``updated_at``.
"""

from __future__ import annotations

import json
from typing import Any

from . import ids
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .routes_models import is_reasoning_model, require_model
from .routing import Request, Router
from .sdk_shapes import Limit, SdkBody
from .shapes import function_name_limits, metadata_limits, require_beta
from .store import Row

router = Router()

MAX_TOOLS_BYTES = 3 * 1024 * 1024

_LIMITS = {
    "model": Limit(min_len=1),
    "name": Limit(max_len=128),
    "instructions": Limit(max_len=256000),
    **metadata_limits("metadata"),
    "multi_agent.max_concurrent_subagents": Limit(minimum=1),
    **function_name_limits("tools[].name"),
    "tools[].server_label": Limit(min_len=1),
    "tools[].transport.server_url": Limit(min_len=1),
    "tools[].transport.command": Limit(min_len=1),
}
CREATE = SdkBody("openai.types.beta.agent_create_params:AgentCreateParams", _LIMITS)
UPDATE = SdkBody("openai.types.beta.agent_update_params:AgentUpdateParams", _LIMITS)


def _tool_defaults(tool: dict[str, Any]) -> dict[str, Any]:
    """A tool as the API echoes it: every optional setting present with its default."""
    kind = tool["type"]
    out = dict(tool)
    if kind == "function":
        out.setdefault("defer_loading", False)
    elif kind == "programmatic_tool_calling":
        out.setdefault("enabled", True)
    elif kind == "mcp":
        transport = dict(out["transport"])
        if transport["type"] == "http":
            transport["headers"] = transport.get("headers") or {}
        else:
            transport["args"] = transport.get("args") or []
            transport["env_vars"] = transport.get("env_vars") or []
        out["transport"] = transport
        out["allowed_tools"] = out.get("allowed_tools")
        out["connection_origin"] = out.get("connection_origin") or "service"
        out["credential_id"] = out.get("credential_id")
        out["request_metadata"] = out.get("request_metadata") or {}
        out.setdefault("required", False)
    elif kind == "web_search":
        out["allowed_domains"] = out.get("allowed_domains")
        out["context_size"] = out.get("context_size") or "medium"
        out["location"] = out.get("location")
        out["mode"] = out.get("mode") or "live"
    elif kind == "computer_use":
        out.setdefault("include_screenshots", False)
    return out


def _render(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    multi = doc.get("multi_agent") or {"enabled": False}
    reasoning = doc.get("reasoning") or {}
    text = doc.get("text") or {}
    default_effort = "medium" if is_reasoning_model(doc["model"]) else None
    return {
        "id": row.id,
        "object": "agent",
        "created_at": row.created_at,
        "updated_at": doc["updated_at"],
        "name": doc.get("name"),
        "model": doc["model"],
        "instructions": doc.get("instructions"),
        "metadata": doc.get("metadata") or {},
        "multi_agent": {
            "enabled": multi["enabled"],
            "max_concurrent_subagents": multi.get("max_concurrent_subagents", 6) if multi["enabled"] else None,
        },
        "reasoning": {"effort": reasoning.get("effort") or default_effort, "summary": reasoning.get("summary")},
        "service_tier": doc.get("service_tier") or "auto",
        "text": {"format": text.get("format") or {"type": "text"}, "verbosity": text.get("verbosity") or "medium"},
        "tools": [_tool_defaults(t) for t in doc.get("tools") or []],
        "compaction": {"async": bool((doc.get("compaction") or {}).get("async"))},
        "experimental": {"time_awareness": bool((doc.get("experimental") or {}).get("time_awareness"))},
    }


AGENTS = Resource("agent", _render, lambda id, _p: not_found(f"No agent found with id '{id}'."))


def _apply(req: Request, doc: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    if "model" in body:
        require_model(req, body["model"])
    tools = body.get("tools")
    if tools and len(json.dumps(tools, separators=(",", ":")).encode("utf-8")) > MAX_TOOLS_BYTES:
        raise invalid("Invalid 'tools': the tool list must fit within 3 MiB (3,145,728 bytes) of compact UTF-8 JSON.",
                      "tools", "invalid_value")
    for key, value in body.items():
        if key == "experimental":
            doc["experimental"] = {**(doc.get("experimental") or {}), **value}
        elif key == "compaction":
            doc["compaction"] = value or None  # null or {} = blocking compaction
        else:
            doc[key] = value
    doc["updated_at"] = req.created_at
    return doc


def _beta(req: Request) -> None:
    require_beta(req, "agents=v1", "Agents")


@router.route("POST", "/v1/agents")
def create_agent(req: Request) -> dict[str, Any]:
    _beta(req)
    doc = _apply(req, {}, req.body_as(CREATE))
    aid = ids.agent_id()
    req.store.insert("agent", aid, doc, created_at=req.created_at)
    return AGENTS.get(req, aid)


@router.route("GET", "/v1/agents")
def list_agents(req: Request) -> dict[str, Any]:
    _beta(req)
    return AGENTS.page(req, list_params(req, before=False))


@router.route("GET", "/v1/agents/{agent_id}")
def retrieve_agent(req: Request) -> dict[str, Any]:
    _beta(req)
    return AGENTS.get(req, req.params["agent_id"])


@router.route("POST", "/v1/agents/{agent_id}")
def update_agent(req: Request) -> dict[str, Any]:
    _beta(req)
    row = AGENTS.row(req, req.params["agent_id"])
    body = req.body_as(UPDATE)
    return _render(req, req.store.update(row, _apply(req, dict(row.doc), body)))


@router.route("DELETE", "/v1/agents/{agent_id}")
def delete_agent(req: Request) -> dict[str, Any]:
    _beta(req)
    aid = req.params["agent_id"]
    AGENTS.delete(req, aid)
    return {"id": aid, "object": "agent.deleted", "deleted": True}
