"""Request shapes shared by several resources (tools, formats, chunking, references)."""

from __future__ import annotations

from typing import Any

from .errors import ApiError, invalid
from .routing import Request
from .validation import FUNCTION_NAME, JSON_SCHEMA, Bool, Num, Obj, OneOf, Str, Tagged

TYPE = Str()

REASONING_EFFORT = Str(enum=("none", "minimal", "low", "medium", "high", "xhigh", "max"), nullable=True)


def _overlap_check(value: dict[str, Any], path: str) -> None:
    size, overlap = value.get("max_chunk_size_tokens"), value.get("chunk_overlap_tokens")
    if isinstance(size, int) and isinstance(overlap, int) and overlap > size // 2:
        where = f"{path}.chunk_overlap_tokens"
        raise invalid(
            f"Invalid '{where}': chunk_overlap_tokens must not exceed half of max_chunk_size_tokens "
            f"({size // 2}), but got {overlap}.",
            where,
            "invalid_value",
        )


STATIC_CHUNKING = Obj(
    {"max_chunk_size_tokens": Num(100, 4096, integer=True), "chunk_overlap_tokens": Num(0, None, integer=True)},
    required=("max_chunk_size_tokens", "chunk_overlap_tokens"),
    after=_overlap_check,
)
CHUNKING_STRATEGY = Tagged(
    {"auto": Obj({"type": TYPE}), "static": Obj({"type": TYPE, "static": STATIC_CHUNKING}, required=("static",))}
)

JSON_SCHEMA_NAME = Str(64, min_len=1, pattern=r"[a-zA-Z0-9_-]+", pattern_hint=" (letters, digits, _ and -)")


def resolved_chunking(strategy: dict[str, Any] | None) -> dict[str, Any]:
    """What the API reports for a file's chunking: ``auto`` is static 800/400."""
    if strategy and strategy.get("type") == "static":
        return {"type": "static", "static": dict(strategy["static"])}
    return {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}


# Assistants v2 -------------------------------------------------------------------------

ASSISTANT_TOOL = Tagged(
    {
        "code_interpreter": Obj({"type": TYPE}),
        "function": Obj(
            {
                "type": TYPE,
                "function": Obj(
                    {"name": FUNCTION_NAME, "description": Str(), "parameters": JSON_SCHEMA, "strict": Bool(nullable=True)},
                    required=("name",),
                ),
            },
            required=("function",),
        ),
        "file_search": Obj(
            {
                "type": TYPE,
                "file_search": Obj(
                    {
                        "max_num_results": Num(1, 50, integer=True),
                        "ranking_options": Obj(
                            {"ranker": Str(enum=("auto", "default_2024_08_21")), "score_threshold": Num(0, 1)},
                            required=("score_threshold",),
                        ),
                    }
                ),
            }
        ),
    }
)

ASSISTANT_RESPONSE_FORMAT = OneOf(
    Str(enum=("auto",)),
    Tagged(
        {
            "text": Obj({"type": TYPE}),
            "json_object": Obj({"type": TYPE}),
            "json_schema": Obj(
                {
                    "type": TYPE,
                    "json_schema": Obj(
                        {"name": JSON_SCHEMA_NAME, "description": Str(), "schema": JSON_SCHEMA,
                         "strict": Bool(nullable=True)},
                        required=("name",),
                    ),
                },
                required=("json_schema",),
            ),
        }
    ),
    nullable=True,
)


# References ----------------------------------------------------------------------------


def require_file(req: Request, file_id: str, param: str) -> None:
    """The id names an uploaded file, else 400 naming the field."""
    if not req.store.exists("file", file_id):
        raise invalid(f"No file found with id '{file_id}'.", param, "invalid_value")


def require_files(req: Request, file_ids: list[str], param: str) -> None:
    """Every id names an uploaded file, else 400 naming the list item."""
    for i, fid in enumerate(file_ids):
        require_file(req, fid, f"{param}[{i}]")


def require_vector_stores(req: Request, ids: list[str], param: str) -> None:
    for i, vid in enumerate(ids):
        if not req.store.exists("vector_store", vid):
            raise invalid(f"No vector store found with id '{vid}'.", f"{param}[{i}]", "invalid_value")


def require_beta(req: Request, value: str, api: str) -> None:
    """The SDK sends ``OpenAI-Beta`` on these APIs; the real API refuses a request without it."""
    sent = [v.strip() for v in (req.headers.get("openai-beta") or "").split(",")]
    if value not in sent:
        raise ApiError(
            400,
            f"You must provide the 'OpenAI-Beta' header to access the {api} API. "
            f"Please try again by setting the header 'OpenAI-Beta: {value}'.",
            code="invalid_beta",
        )
