"""``/v1/assistants``: Assistants v2 create, retrieve, update (partial), delete, list."""

from __future__ import annotations

import re
from typing import Any

from . import ids
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .routes_models import require_model
from .routes_vector_stores import create_vector_store_from
from .routing import Request, Router
from .sdk_shapes import Limit, SdkBody
from .shapes import (
    JSON_SCHEMA_NAME,
    assistant_tool_limits,
    chunking_limits,
    metadata_limits,
    require_beta,
    require_files,
    require_vector_stores,
)
from .store import Row

router = Router()

_LIMITS = {
    "name": Limit(max_len=256),
    "description": Limit(max_len=512),
    "instructions": Limit(max_len=256000),
    "tools": Limit(max_items=128),
    **assistant_tool_limits("tools[]"),
    **metadata_limits("metadata"),
    "temperature": Limit(minimum=0, maximum=2),
    "top_p": Limit(minimum=0, maximum=1),
    "response_format.json_schema.name": Limit(**JSON_SCHEMA_NAME),
    "tool_resources.code_interpreter.file_ids": Limit(max_items=20),
    "tool_resources.file_search.vector_store_ids": Limit(max_items=1),
}
CREATE = SdkBody("openai.types.beta.assistant_create_params:AssistantCreateParams", {
    **_LIMITS,
    "tool_resources.file_search.vector_stores": Limit(max_items=1),
    "tool_resources.file_search.vector_stores[].file_ids": Limit(max_items=10000),
    **chunking_limits("tool_resources.file_search.vector_stores[].chunking_strategy"),
    **metadata_limits("tool_resources.file_search.vector_stores[].metadata"),
})
UPDATE = SdkBody("openai.types.beta.assistant_update_params:AssistantUpdateParams", _LIMITS)

# What a field set to null (or never set) reads back as.
_DEFAULTS: dict[str, Any] = {
    "name": None,
    "description": None,
    "instructions": None,
    "metadata": {},
    "temperature": 1.0,
    "top_p": 1.0,
    "response_format": "auto",
    "tool_resources": {},
    "tools": [],
}


def _render(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    out = {"id": row.id, "object": "assistant", "created_at": row.created_at}
    out.update({k: doc.get(k, _DEFAULTS.get(k)) for k in ("name", "description", "model", "instructions", "tools")})
    out.update({k: doc.get(k, _DEFAULTS[k]) for k in ("top_p", "temperature", "tool_resources", "metadata",
                                                       "response_format")})
    return out  # reasoning_effort is write-only: accepted, remembered, never returned (as the API does)


ASSISTANTS = Resource(
    "assistant", _render, lambda id, _parent: not_found(f"No assistant found with id '{id}'.")
)


def _normalise_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """Fill in the defaults the API echoes: function strict=false, file_search ranking options."""
    tool = dict(tool)
    if tool["type"] == "function":
        fn = dict(tool["function"])
        if fn.get("strict") is None:
            fn["strict"] = False
        tool["function"] = fn
    elif tool["type"] == "file_search":
        fs = dict(tool.get("file_search") or {})
        fs.setdefault("ranking_options", {"ranker": "default_2024_08_21", "score_threshold": 0.0})
        tool["file_search"] = fs
    return tool


def _apply(req: Request, doc: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """Apply given fields (partial update semantics); null resets a field to its default."""
    if "model" in body:
        require_model(req, body["model"])
    model = body.get("model") or doc.get("model") or ""
    for key in ("temperature", "top_p"):
        if body.get(key) is not None and re.match(r"o\d", model):
            raise invalid(f"Unsupported parameter: '{key}' is not supported with this model.", key,
                          "unsupported_parameter")
    for key, value in body.items():
        if key == "tools":
            doc["tools"] = [_normalise_tool(t) for t in value]
        elif key == "tool_resources":
            doc["tool_resources"] = tool_resources(req, doc.get("tool_resources") or {}, value)
        elif key == "reasoning_effort":
            doc["_reasoning_effort"] = value
        elif value is None:
            doc[key] = _DEFAULTS.get(key)
        else:
            doc[key] = value
    return doc


def tool_resources(req: Request, current: dict[str, Any], given: dict[str, Any] | None) -> dict[str, Any]:
    if given is None:
        return {}
    out = dict(current)
    ci = given.get("code_interpreter")
    if ci is not None:
        file_ids = ci.get("file_ids", [])
        require_files(req, file_ids, "tool_resources.code_interpreter.file_ids")
        out["code_interpreter"] = {"file_ids": file_ids}
    fs = given.get("file_search")
    if fs is not None:
        if "vector_store_ids" in fs and "vector_stores" in fs:
            raise invalid(
                "Invalid 'tool_resources.file_search': provide either 'vector_store_ids' or 'vector_stores', not both.",
                "tool_resources.file_search",
                "invalid_value",
            )
        if "vector_stores" in fs:
            created = [
                create_vector_store_from(req, spec, f"tool_resources.file_search.vector_stores[{i}]")
                for i, spec in enumerate(fs["vector_stores"])
            ]
            out["file_search"] = {"vector_store_ids": created}
        else:
            vs_ids = fs.get("vector_store_ids", [])
            require_vector_stores(req, vs_ids, "tool_resources.file_search.vector_store_ids")
            out["file_search"] = {"vector_store_ids": vs_ids}
    return out


def _beta(req: Request) -> None:
    require_beta(req, "assistants=v2", "Assistants")


@router.route("POST", "/v1/assistants")
def create_assistant(req: Request) -> dict[str, Any]:
    _beta(req)
    body = req.body_as(CREATE)
    doc = _apply(req, {}, body)
    aid = ids.assistant_id()
    req.store.insert("assistant", aid, doc, created_at=req.created_at)
    return ASSISTANTS.get(req, aid)


@router.route("GET", "/v1/assistants")
def list_assistants(req: Request) -> dict[str, Any]:
    _beta(req)
    return ASSISTANTS.page(req, list_params(req))


@router.route("GET", "/v1/assistants/{assistant_id}")
def retrieve_assistant(req: Request) -> dict[str, Any]:
    _beta(req)
    return ASSISTANTS.get(req, req.params["assistant_id"])


@router.route("POST", "/v1/assistants/{assistant_id}")
def update_assistant(req: Request) -> dict[str, Any]:
    _beta(req)
    row = ASSISTANTS.row(req, req.params["assistant_id"])
    body = req.body_as(UPDATE)
    row = req.store.update(row, _apply(req, dict(row.doc), body))
    return _render(req, row)


@router.route("DELETE", "/v1/assistants/{assistant_id}")
def delete_assistant(req: Request) -> dict[str, Any]:
    _beta(req)
    aid = req.params["assistant_id"]
    ASSISTANTS.delete(req, aid)
    return {"id": aid, "object": "assistant.deleted", "deleted": True}
