"""Cursor pagination exactly like the API: limit, order, after, before, has_more.

Lists answer ``{"object": "list", "data", "first_id", "last_id", "has_more"}``. An empty page has
``first_id``/``last_id`` null, as the real API answers (the official spec types them as strings;
tests/openapi records that one difference).
"""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple

from .errors import invalid
from .routing import Request
from .validation import Num, Str


class ListParams(NamedTuple):
    limit: int
    order: str
    after: str | None
    before: str | None
    extra: dict[str, str]


_ORDER = Str(enum=("asc", "desc"))


def list_params(
    req: Request,
    *,
    default_limit: int = 20,
    max_limit: int = 100,
    before: bool = True,
    extra: Iterable[str] = (),
) -> ListParams:
    """Read and check the list query; unknown query parameters are refused by name."""
    allowed = {"limit", "order", "after"} | ({"before"} if before else set()) | set(extra)
    for key, _ in req.query_items:
        if key not in allowed:
            raise invalid(f"Unknown parameter: '{key}'.", key, "unknown_parameter")
    raw_limit = req.query.get("limit")
    limit = default_limit
    if raw_limit is not None:
        try:
            limit = int(raw_limit)
        except ValueError:
            raise invalid(
                "Invalid type for 'limit': expected an integer, but got a string instead.", "limit", "invalid_type"
            ) from None
        Num(1, max_limit, integer=True).check(limit, "limit")
    order = _ORDER.check(req.query.get("order", "desc"), "order")
    extras = {k: req.query[k] for k in extra if k in req.query}
    return ListParams(limit, order, req.query.get("after") or None, req.query.get("before") or None, extras)


def envelope(data: list[dict[str, Any]], has_more: bool) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": has_more,
    }
