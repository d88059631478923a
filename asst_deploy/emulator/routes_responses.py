"""``POST /v1/responses``: check a request's shape and references, answer as a scripted model.

Enough for users to test runtime code offline: the tools must be well-formed in the Responses
shape (function tools flat, file_search naming existing vector stores, code_interpreter a
container with existing files), ``text.format`` valid, the model known, sampling settings not
sent to a reasoning model. The answer comes from :mod:`.scripted_model`, a deterministic stand-in
that does not think: it names the instructions' role, echoes the input, calls a function when
``tool_choice`` asks for one (or under ``auto`` when the input names it), quotes the function's
output on the next turn and cites a searched file that holds a word of the question. With ``store``
(the default) the conversation is kept, so ``previous_response_id`` continues it. Streaming is
refused.
"""

from __future__ import annotations

import json
from typing import Any

from . import ids
from .errors import invalid
from .retrieval import documents, searched_stores
from .scripted_model import conversation, respond
from .routes_models import is_reasoning_model, require_model
from .routing import Request, Router
from .sdk_shapes import Limit, SdkBody
from .shapes import JSON_SCHEMA_NAME, function_name_limits, metadata_limits, require_files, require_vector_stores

router = Router()

CREATE = SdkBody("openai.types.responses.response_create_params:ResponseCreateParamsNonStreaming", {
    "model": Limit(min_len=1),
    **function_name_limits("tools[].name"),
    "tools[].max_num_results": Limit(minimum=1, maximum=50),
    "tools[].ranking_options.score_threshold": Limit(minimum=0, maximum=1),
    "tools[].container": Limit(min_len=1),
    "text.format.name": Limit(**JSON_SCHEMA_NAME),
    "temperature": Limit(minimum=0, maximum=2),
    "top_p": Limit(minimum=0, maximum=1),
    **metadata_limits("metadata"),
    "max_output_tokens": Limit(minimum=16),
    "max_tool_calls": Limit(minimum=0),
    "top_logprobs": Limit(minimum=0, maximum=20),
})


def _check_references(req: Request, tools: list[dict[str, Any]]) -> None:
    for i, tool in enumerate(tools):
        if tool["type"] == "file_search":
            require_vector_stores(req, tool["vector_store_ids"], f"tools[{i}].vector_store_ids")
        elif tool["type"] == "code_interpreter" and isinstance(tool["container"], dict):
            require_files(req, tool["container"].get("file_ids", []), f"tools[{i}].container.file_ids")


def _echo_tool(tool: dict[str, Any]) -> dict[str, Any]:
    out = dict(tool)
    if out["type"] == "function":
        out.setdefault("parameters", None)
        out.setdefault("description", None)
        if out.get("strict") is None:
            out["strict"] = True
    elif out["type"] == "code_interpreter" and isinstance(out["container"], dict):
        out["container"] = {"file_ids": [], **out["container"]}
    return out


def _history(req: Request, previous: str | None) -> list[dict[str, Any]]:
    """The items of the conversation ``previous_response_id`` continues (its input and output)."""
    if not previous:
        return []
    row = req.store.get("response", previous)
    if row is None:
        raise invalid(f"Previous response with id '{previous}' not found.", "previous_response_id",
                      "previous_response_not_found")
    return list(row.doc["conversation"])


@router.route("POST", "/v1/responses", write=False)
def create_response(req: Request) -> dict[str, Any]:
    body = req.body_as(CREATE)
    if body.get("stream"):
        raise invalid("Streaming is not supported by the asst-deploy emulator; call without stream=true.", "stream",
                      "unsupported_value")
    model = body["model"]
    require_model(req, model)
    reasoning = body.get("reasoning") or {}
    if is_reasoning_model(model) and reasoning.get("effort") != "none":
        for key in ("temperature", "top_p"):
            if body.get(key) is not None:
                raise invalid(f"Unsupported parameter: '{key}' is not supported with this model.", key,
                              "unsupported_parameter")
    tools = body.get("tools", [])
    _check_references(req, tools)

    text_config = body.get("text") or {}
    fmt = text_config.get("format") or {"type": "text"}
    items = _history(req, body.get("previous_response_id")) + conversation(body.get("input"))
    output, usage = respond(body.get("instructions"), items, tools, body.get("tool_choice", "auto"), fmt,
                            documents(req, searched_stores(tools)))
    input_tokens, output_tokens = usage["input_tokens"], usage["output_tokens"]
    default_effort = "medium" if is_reasoning_model(model) else None
    response = {
        "id": ids.response_id(),
        "object": "response",
        "created_at": req.created_at,
        "status": "completed",
        "completed_at": req.created_at,
        "background": bool(body.get("background")),
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "model": model,
        "output": output,
        "parallel_tool_calls": body.get("parallel_tool_calls", True) is not False,
        "previous_response_id": body.get("previous_response_id"),
        "reasoning": {"effort": reasoning.get("effort") or default_effort, "summary": reasoning.get("summary")},
        "service_tier": "default",
        "store": body.get("store", True) is not False,
        "temperature": body.get("temperature", 1.0),
        "text": {"format": fmt, "verbosity": text_config.get("verbosity") or "medium"},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": [_echo_tool(t) for t in tools],
        "top_logprobs": body.get("top_logprobs") or 0,
        "top_p": body.get("top_p", 1.0),
        "truncation": body.get("truncation") or "disabled",
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        },
        "user": body.get("user"),
        "metadata": body.get("metadata") or {},
    }
    if response["store"]:
        req.store.insert("response", response["id"], {"conversation": items + output}, created_at=req.created_at)
    return response
