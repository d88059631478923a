"""What the API checks beyond the SDK's types in shapes several resources share, and references.

The shapes themselves come from the SDK (``sdk_shapes.py``); these are the limits laid on them at
a path, and the checks that need the store (does this file exist?).
"""

from __future__ import annotations

from typing import Any

from .errors import ApiError, invalid
from .routing import Request
from .sdk_shapes import Limit, Refinement

FUNCTION_NAME_RULES: dict[str, Any] = {
    "max_len": 64, "min_len": 1, "pattern": r"[a-zA-Z0-9_-]+", "pattern_hint": " (letters, digits, underscores and dashes)",
}
JSON_SCHEMA_NAME: dict[str, Any] = {
    "max_len": 64, "min_len": 1, "pattern": r"[a-zA-Z0-9_-]+", "pattern_hint": " (letters, digits, _ and -)",
}


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


def chunking_limits(at: str) -> dict[str, Refinement]:
    """A chunking strategy's static sizes: 100-4096 tokens a chunk, overlapping by at most half."""
    return {
        f"{at}.static": Limit(after=_overlap_check),
        f"{at}.static.max_chunk_size_tokens": Limit(minimum=100, maximum=4096),
        f"{at}.static.chunk_overlap_tokens": Limit(minimum=0),
    }


def metadata_limits(at: str) -> dict[str, Refinement]:
    """Metadata, and a file's attributes (the same limits): at most 16 pairs, keys of 64 characters,
    string values of 512."""
    return {at: Limit(max_props=16, key_max=64), f"{at}[]": Limit(max_len=512)}


def function_name_limits(at: str) -> dict[str, Refinement]:
    return {at: Limit(**FUNCTION_NAME_RULES)}


def assistant_tool_limits(at: str) -> dict[str, Refinement]:
    """An Assistants tool: a function's name, file_search's result count and score threshold."""
    return {
        **function_name_limits(f"{at}.function.name"),
        f"{at}.file_search.max_num_results": Limit(minimum=1, maximum=50),
        f"{at}.file_search.ranking_options.score_threshold": Limit(minimum=0, maximum=1),
    }


def resolved_chunking(strategy: dict[str, Any] | None) -> dict[str, Any]:
    """What the API reports for a file's chunking: ``auto`` is static 800/400."""
    if strategy and strategy.get("type") == "static":
        return {"type": "static", "static": dict(strategy["static"])}
    return {"type": "static", "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400}}


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
