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
from .model_names import sdk_service_tiers
from .pagination import list_params
from .resources import Resource
from .routes_models import is_reasoning_model, require_model
from .routing import Request, Router
from .shapes import REASONING_EFFORT, TYPE, require_beta
from .store import Row
from .validation import FUNCTION_NAME, JSON_SCHEMA, METADATA, AnyValue, Arr, Bool, Map, Num, Obj, Str, Tagged

router = Router()

MAX_TOOLS_BYTES = 3 * 1024 * 1024

_NULLABLE_STR = Str(nullable=True)
TOOL = Tagged(
    {
        "function": Obj(
            {"type": TYPE, "name": FUNCTION_NAME, "description": Str(), "parameters": JSON_SCHEMA,
             "defer_loading": Bool(), "async": Bool()},
            required=("name", "description", "parameters"),
        ),
        "tool_search": Obj({"type": TYPE}),
        "programmatic_tool_calling": Obj({"type": TYPE, "enabled": Bool()}),
        "mcp": Obj(
            {
                "type": TYPE,
                "server_label": Str(min_len=1),
                "transport": Tagged(
                    {
                        "http": Obj({"type": TYPE, "server_url": Str(min_len=1), "headers": Map(Str(), nullable=True)},
                                    required=("server_url",)),
                        "stdio": Obj(
                            {"type": TYPE, "command": Str(min_len=1), "cwd": Str(), "args": Arr(Str(), nullable=True),
                             "env_vars": Arr(Str(), nullable=True)},
                            required=("command", "cwd"),
                        ),
                    }
                ),
                "allowed_tools": Arr(Str(), nullable=True),
                "connection_origin": Str(enum=("service", "environment"), nullable=True),
                "credential_id": _NULLABLE_STR,
                "request_metadata": Map(AnyValue(), nullable=True),
                "required": Bool(),
            },
            required=("server_label", "transport"),
        ),
        "web_search": Obj(
            {
                "type": TYPE,
                "allowed_domains": Arr(Str(), nullable=True),
                "context_size": Str(enum=("low", "medium", "high"), nullable=True),
                "location": Obj({k: _NULLABLE_STR for k in ("city", "country", "region", "timezone")}, nullable=True),
                "mode": Str(enum=("disabled", "cached", "live"), nullable=True),
            }
        ),
        "computer_use": Obj({"type": TYPE, "include_screenshots": Bool()}),
        "automations": Obj({"type": TYPE}),
    }
)
TEXT = Obj(
    {
        "format": Tagged(
            {"text": Obj({"type": TYPE}), "json_schema": Obj({"type": TYPE, "schema": JSON_SCHEMA}, required=("schema",))},
            nullable=True,
        ),
        "verbosity": Str(enum=("low", "medium", "high"), nullable=True),
    },
    nullable=True,
)
_FIELDS = {
    "model": Str(min_len=1),
    "compaction": Obj({"async": Bool(nullable=True)}, nullable=True),
    "experimental": Obj({"time_awareness": Bool()}),
    "instructions": Str(256000, nullable=True),
    "metadata": METADATA,
    "multi_agent": Obj({"enabled": Bool(), "max_concurrent_subagents": Num(1, None, integer=True)},
                       required=("enabled",), nullable=True),
    "name": Str(128, nullable=True),
    "reasoning": Obj({"effort": REASONING_EFFORT, "summary": Str(enum=("concise", "detailed", "auto"), nullable=True)},
                     nullable=True),
    "service_tier": Str(enum=lambda: sdk_service_tiers("agents"), nullable=True),
    "text": TEXT,
    "tools": Arr(TOOL, nullable=True),
}
CREATE = Obj(_FIELDS, required=("model",))
UPDATE = Obj(_FIELDS)


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
