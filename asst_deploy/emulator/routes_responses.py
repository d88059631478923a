"""``POST /v1/responses``: check a request's shape and references, answer as a scripted model.

Enough for users to test runtime code offline: the tools must be well-formed in the Responses
shape (function tools flat, file_search naming existing vector stores, code_interpreter a
container with existing files), ``text.format`` valid, the model known, sampling settings not
sent to a reasoning model. The answer comes from :mod:`.scripted_model`, a deterministic stand-in
that does not think: it names the instructions' role, echoes the input, calls a function when
``tool_choice`` asks for one and quotes the function's output on the next turn. With ``store``
(the default) the conversation is kept, so ``previous_response_id`` continues it. Streaming is
refused.
"""

from __future__ import annotations

import json
from typing import Any

from . import ids
from .errors import invalid
from .model_names import sdk_service_tiers
from .scripted_model import conversation, respond
from .routes_models import is_reasoning_model, require_model
from .routing import Request, Router
from .shapes import JSON_SCHEMA_NAME, REASONING_EFFORT, TYPE, require_files, require_vector_stores
from .validation import FUNCTION_NAME, JSON_SCHEMA, METADATA, AnyValue, Arr, Bool, Map, Num, Obj, OneOf, Str, Tagged

router = Router()

# The SDK's ServiceTier literal for the Responses API (the Agents API's lacks `scale`).

_LOOSE = Obj({"type": TYPE}, extra=True)  # tools the emulator accepts without checking their settings
_ANY = AnyValue()
_CALLERS = Arr(Str(enum=("direct", "programmatic")), nullable=True)

TOOL = Tagged(
    {
        "function": Obj(
            {
                "type": TYPE,
                "name": FUNCTION_NAME,
                "parameters": Map(_ANY, nullable=True),
                "strict": Bool(nullable=True),
                "description": Str(nullable=True),
                "defer_loading": Bool(),
                "allowed_callers": _CALLERS,
                "output_schema": Map(_ANY, nullable=True),
                "async": Bool(),
            },
            required=("name",),
        ),
        "file_search": Obj(
            {
                "type": TYPE,
                "vector_store_ids": Arr(Str()),
                "filters": _ANY,
                "max_num_results": Num(1, 50, integer=True),
                "ranking_options": Obj(
                    {
                        "ranker": Str(enum=("auto", "default-2024-11-15")),
                        "score_threshold": Num(0, 1),
                        "hybrid_search": Obj({"embedding_weight": Num(), "text_weight": Num()},
                                             required=("embedding_weight", "text_weight")),
                    }
                ),
            },
            required=("vector_store_ids",),
        ),
        "code_interpreter": Obj(
            {
                "type": TYPE,
                "container": OneOf(
                    Str(min_len=1),
                    Tagged(
                        {
                            "auto": Obj(
                                {"type": TYPE, "file_ids": Arr(Str()),
                                 "memory_limit": Str(enum=("1g", "4g", "16g", "64g"), nullable=True),
                                 "network_policy": _ANY}
                            )
                        }
                    ),
                ),
                "allowed_callers": _CALLERS,
            },
            required=("container",),
        ),
        **{
            kind: _LOOSE
            for kind in (
                "web_search", "web_search_preview", "web_search_2025_08_26", "web_search_preview_2025_03_11", "mcp",
                "image_generation", "computer", "computer_use_preview", "local_shell", "shell", "custom",
                "apply_patch", "tool_search", "programmatic_tool_calling",
            )
        },
    }
)
TEXT = Obj(
    {
        "format": Tagged(
            {
                "text": Obj({"type": TYPE}),
                "json_object": Obj({"type": TYPE}),
                "json_schema": Obj(
                    {"type": TYPE, "name": JSON_SCHEMA_NAME, "schema": JSON_SCHEMA, "strict": Bool(nullable=True),
                     "description": Str()},
                    required=("name", "schema"),
                ),
            }
        ),
        "verbosity": Str(enum=("low", "medium", "high"), nullable=True),
    }
)
_NULLABLE_INT = Num(0, None, integer=True, nullable=True)
CREATE = Obj(
    {
        "model": Str(min_len=1),
        "input": OneOf(Str(), Arr(_ANY)),
        "instructions": Str(nullable=True),
        "tools": Arr(TOOL),
        "text": TEXT,
        "reasoning": Obj(
            {"effort": REASONING_EFFORT, "summary": Str(enum=("auto", "concise", "detailed"), nullable=True),
             "generate_summary": Str(enum=("auto", "concise", "detailed"), nullable=True)},
            nullable=True,
        ),
        "temperature": Num(0, 2, nullable=True),
        "top_p": Num(0, 1, nullable=True),
        "metadata": METADATA,
        "max_output_tokens": Num(16, None, integer=True, nullable=True),
        "max_tool_calls": _NULLABLE_INT,
        "top_logprobs": Num(0, 20, integer=True, nullable=True),
        "parallel_tool_calls": Bool(nullable=True),
        "store": Bool(nullable=True),
        "stream": Bool(nullable=True),
        "background": Bool(nullable=True),
        "truncation": Str(enum=("auto", "disabled"), nullable=True),
        "service_tier": Str(enum=lambda: sdk_service_tiers("responses"), nullable=True),
        "user": Str(),
        "safety_identifier": Str(nullable=True),
        "prompt_cache_key": Str(nullable=True),
        "previous_response_id": Str(nullable=True),
        "include": Arr(Str(), nullable=True),
        **{key: _ANY for key in ("tool_choice", "conversation", "prompt", "stream_options", "context_management",
                                 "access_programs", "background_options", "image", "moderation",
                                 "prompt_cache_options", "prompt_cache_retention")},
    },
    required=("model",),
)


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
    output, usage = respond(body.get("instructions"), items, tools, body.get("tool_choice", "auto"), fmt)
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
