"""``/v1/vector_stores``: create, retrieve, update, delete, list, search.

A store's ``file_counts``, ``status`` and ``usage_bytes`` are computed from its files at read
time; a file is ``in_progress`` until ``processing_seconds`` after it was attached (no threads).
"""

from __future__ import annotations

import re
from typing import Any

from . import ids
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .routing import Request, Router
from .sdk_shapes import Limit, SdkBody
from .shapes import chunking_limits, metadata_limits, require_files
from .store import Row

router = Router()

_EXPIRY = {"expires_after.days": Limit(minimum=1, maximum=365)}
CREATE = SdkBody("openai.types.vector_store_create_params:VectorStoreCreateParams", {
    "file_ids": Limit(max_items=500),
    "description": Limit(max_len=512),
    **_EXPIRY,
    **chunking_limits("chunking_strategy"),
    **metadata_limits("metadata"),
})
UPDATE = SdkBody("openai.types.vector_store_update_params:VectorStoreUpdateParams",
                 {**_EXPIRY, **metadata_limits("metadata")})
SEARCH = SdkBody("openai.types.vector_store_search_params:VectorStoreSearchParams", {
    "query": Limit(min_items=1),
    "max_num_results": Limit(minimum=1, maximum=50),
    "ranking_options.score_threshold": Limit(minimum=0, maximum=1),
})


def _render(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    counts = req.store.status_counts("vs_file", row.id, now=req.now, raw_bytes=req.app.config.raw_usage_bytes)
    usage = counts.pop("usage_bytes")
    counts["total"] = sum(counts.values())
    expires_at = doc.get("expires_at")
    if expires_at is not None and expires_at <= req.now:
        status = "expired"
    else:
        status = "in_progress" if counts["in_progress"] else "completed"
    out: dict[str, Any] = {
        "id": row.id,
        "object": "vector_store",
        "created_at": row.created_at,
        "name": doc.get("name") or "",
        "usage_bytes": usage,
        "file_counts": counts,
        "status": status,
        "last_active_at": doc.get("last_active_at", row.created_at),
        "metadata": doc.get("metadata") or {},
        "expires_at": expires_at,
    }
    if doc.get("expires_after") is not None:
        out["expires_after"] = doc["expires_after"]
    return out


VECTOR_STORES = Resource(
    "vector_store", _render, lambda id, _p: not_found(f"No vector store found with id '{id}'.")
)


def _expiry(doc: dict[str, Any]) -> None:
    after = doc.get("expires_after")
    doc["expires_at"] = doc["last_active_at"] + after["days"] * 86400 if after else None


def attach_file(
    req: Request,
    vector_store_id: str,
    file_id: str,
    *,
    attributes: dict[str, Any] | None = None,
    chunking_strategy: dict[str, Any] | None = None,
    batch_id: str | None = None,
) -> Row:
    """Attach (or re-attach) a file: it starts processing now and completes after processing_seconds."""
    file_row = req.store.get("file", file_id)
    size = file_row.size if file_row else 0
    doc = {"attributes": attributes or {}, "chunking_strategy": chunking_strategy}
    ready_at = req.now + req.app.faults.processing_seconds
    existing = req.store.get("vs_file", file_id, vector_store_id)
    if existing is not None:
        return req.store.update(existing, doc, tag=batch_id, status=None, ready_at=ready_at, size=size)
    req.store.insert("vs_file", file_id, doc, parent=vector_store_id, created_at=req.created_at, tag=batch_id,
                     ready_at=ready_at, size=size)
    row = req.store.get("vs_file", file_id, vector_store_id)
    assert row is not None
    return row


def _create(req: Request, body: dict[str, Any], param_prefix: str = "") -> str:
    file_ids = body.get("file_ids", [])
    require_files(req, file_ids, param_prefix + "file_ids")
    vid = ids.vector_store_id()
    doc = {
        "name": body.get("name") or "",
        "description": body.get("description"),
        "metadata": body.get("metadata") or {},
        "expires_after": body.get("expires_after"),
        "last_active_at": req.created_at,
    }
    _expiry(doc)
    req.store.insert("vector_store", vid, doc, created_at=req.created_at)
    for fid in file_ids:
        attach_file(req, vid, fid, chunking_strategy=body.get("chunking_strategy"))
    return vid


def create_vector_store_from(req: Request, spec: dict[str, Any], param: str) -> str:
    """The helper store an assistant's ``tool_resources.file_search.vector_stores`` asks for."""
    return _create(req, spec, param + ".")


@router.route("POST", "/v1/vector_stores")
def create_vector_store(req: Request) -> dict[str, Any]:
    return VECTOR_STORES.get(req, _create(req, req.body_as(CREATE)))


@router.route("GET", "/v1/vector_stores")
def list_vector_stores(req: Request) -> dict[str, Any]:
    return VECTOR_STORES.page(req, list_params(req))


@router.route("GET", "/v1/vector_stores/{vector_store_id}")
def retrieve_vector_store(req: Request) -> dict[str, Any]:
    return VECTOR_STORES.get(req, req.params["vector_store_id"])


@router.route("POST", "/v1/vector_stores/{vector_store_id}")
def update_vector_store(req: Request) -> dict[str, Any]:
    row = VECTOR_STORES.row(req, req.params["vector_store_id"])
    body = req.body_as(UPDATE)
    doc = dict(row.doc)
    for key, value in body.items():
        doc[key] = value if value is not None or key == "expires_after" else ({} if key == "metadata" else "")
    doc["last_active_at"] = req.created_at
    _expiry(doc)
    return _render(req, req.store.update(row, doc))


@router.route("DELETE", "/v1/vector_stores/{vector_store_id}")
def delete_vector_store(req: Request) -> dict[str, Any]:
    vid = req.params["vector_store_id"]
    VECTOR_STORES.delete(req, vid)
    req.store.delete_children(vid)
    return {"id": vid, "object": "vector_store.deleted", "deleted": True}


# -- search: a naive word match over completed files, enough to exercise client code ------

_WORD = re.compile(r"\w+", re.UNICODE)
_COMPARE = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
    "in": lambda a, b: a in b,
    "nin": lambda a, b: a not in b,
}


def _matches(flt: Any, attributes: dict[str, Any], path: str = "filters") -> bool:
    if not isinstance(flt, dict) or "type" not in flt:
        raise invalid(f"Invalid '{path}': expected a comparison or compound filter.", path, "invalid_value")
    kind = flt["type"]
    if kind in ("and", "or"):
        subs = flt.get("filters")
        if not isinstance(subs, list):
            raise invalid(f"Missing required parameter: '{path}.filters'.", f"{path}.filters",
                          "missing_required_parameter")
        results = [_matches(s, attributes, f"{path}.filters[{i}]") for i, s in enumerate(subs)]
        return all(results) if kind == "and" else any(results)
    if kind not in _COMPARE or "key" not in flt or "value" not in flt:
        raise invalid(f"Invalid '{path}': expected a comparison or compound filter.", path, "invalid_value")
    if flt["key"] not in attributes:
        return kind in ("ne", "nin")
    try:
        return bool(_COMPARE[kind](attributes[flt["key"]], flt["value"]))
    except TypeError:
        return False


@router.route("POST", "/v1/vector_stores/{vector_store_id}/search", write=False)
def search_vector_store(req: Request) -> dict[str, Any]:
    vid = VECTOR_STORES.row(req, req.params["vector_store_id"]).id
    body = req.body_as(SEARCH)
    queries = [body["query"]] if isinstance(body["query"], str) else body["query"]
    terms = {w.lower() for q in queries for w in _WORD.findall(q)}
    threshold = (body.get("ranking_options") or {}).get("score_threshold", 0.0)
    results: list[dict[str, Any]] = []
    for row in req.store.rows("vs_file", vid):
        if row.effective_status(req.now) != "completed":
            continue
        attributes = row.doc.get("attributes") or {}
        if "filters" in body and not _matches(body["filters"], attributes):
            continue
        file_row = req.store.get("file", row.id)
        text = (req.store.get_blob(row.id) or b"").decode("utf-8", "replace")
        words = {w.lower() for w in _WORD.findall(text)}
        score = len(terms & words) / len(terms) if terms else 0.0
        if score <= 0 or score < threshold:
            continue
        results.append(
            {
                "file_id": row.id,
                "filename": file_row.doc["filename"] if file_row else "",
                "score": round(score, 4),
                "attributes": attributes,
                "content": [{"type": "text", "text": text[:800]}],
            }
        )
    results.sort(key=lambda r: -r["score"])
    return {
        "object": "vector_store.search_results.page",
        "search_query": queries,
        "data": results[: body.get("max_num_results", 10)],
        "has_more": False,
        "next_page": None,
    }
