"""``/v1/vector_stores/{id}/files`` and ``/file_batches``: attaching files and watching them process.

Every answer carries ``openai-poll-after-ms``, which the SDK's ``poll`` helpers use as their
interval; it scales with ``processing_seconds`` so polling tests stay fast.
"""

from __future__ import annotations

from typing import Any

from . import ids
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .routes_vector_stores import VECTOR_STORES, attach_file
from .routing import Reply, Request, Router
from .sdk_shapes import Limit, SdkBody
from .shapes import chunking_limits, metadata_limits, require_file, require_files, resolved_chunking
from .store import Row, processed_bytes
from .validation import Str

router = Router()

_STATUS_FILTER = Str(enum=("in_progress", "completed", "failed", "cancelled"))
CREATE_FILE = SdkBody("openai.types.vector_stores.file_create_params:FileCreateParams",
                      {**metadata_limits("attributes"), **chunking_limits("chunking_strategy")})
UPDATE_FILE = SdkBody("openai.types.vector_stores.file_update_params:FileUpdateParams",
                      metadata_limits("attributes"), path_params=("vector_store_id",))
CREATE_BATCH = SdkBody("openai.types.vector_stores.file_batch_create_params:FileBatchCreateParams", {
    "file_ids": Limit(max_items=2000, min_items=1),
    "files": Limit(max_items=2000, min_items=1),
    **metadata_limits("files[].attributes"),
    **chunking_limits("files[].chunking_strategy"),
    **metadata_limits("attributes"),
    **chunking_limits("chunking_strategy"),
})


def usage(req: Request, size: int | None) -> int:
    """A completed store file's usage_bytes: processed, as OpenAI reports it (or raw when configured)."""
    return (size or 0) if req.app.config.raw_usage_bytes else processed_bytes(size)


def _render_file(req: Request, row: Row) -> dict[str, Any]:
    status = row.effective_status(req.now)
    return {
        "id": row.id,
        "object": "vector_store.file",
        "usage_bytes": (usage(req, row.size) if status == "completed" else 0),
        "created_at": row.created_at,
        "vector_store_id": row.parent,
        "status": status,
        "last_error": None,
        "chunking_strategy": resolved_chunking(row.doc.get("chunking_strategy")),
        "attributes": row.doc.get("attributes") or {},
    }


def _render_batch(req: Request, row: Row) -> dict[str, Any]:
    counts = req.store.status_counts("vs_file", row.parent, tag=row.id, now=req.now)
    counts.pop("usage_bytes")
    counts["total"] = sum(counts.values())
    status = row.status or ("in_progress" if counts["in_progress"] else "completed")
    return {
        "id": row.id,
        "object": "vector_store.files_batch",
        "created_at": row.created_at,
        "vector_store_id": row.parent,
        "status": status,
        "file_counts": counts,
    }


VS_FILES = Resource(
    "vs_file", _render_file,
    lambda id, parent: not_found(f"No file found with id '{id}' in vector store '{parent}'."),
)
BATCHES = Resource(
    "vs_batch", _render_batch,
    lambda id, parent: not_found(f"No file batch found with id '{id}' in vector store '{parent}'."),
)


def _polled(req: Request, body: dict[str, Any]) -> Reply:
    seconds = req.app.faults.processing_seconds
    interval = 1000 if seconds >= 5 else max(10, int(seconds * 200))
    return Reply(200, body, {"openai-poll-after-ms": str(interval)})


def _store_id(req: Request) -> str:
    return VECTOR_STORES.row(req, req.params["vector_store_id"]).id


def _status_filter(req: Request, params_extra: dict[str, str]) -> str | None:
    raw = params_extra.get("filter")
    return _STATUS_FILTER.check(raw, "filter") if raw is not None else None


# -- files --------------------------------------------------------------------------------


@router.route("POST", "/v1/vector_stores/{vector_store_id}/files")
def create_file(req: Request) -> Reply:
    vid = _store_id(req)
    body = req.body_as(CREATE_FILE)
    require_file(req, body["file_id"], "file_id")
    row = attach_file(req, vid, body["file_id"], attributes=body.get("attributes"),
                      chunking_strategy=body.get("chunking_strategy"))
    return _polled(req, _render_file(req, row))


@router.route("GET", "/v1/vector_stores/{vector_store_id}/files")
def list_files(req: Request) -> Reply:
    vid = _store_id(req)
    params = list_params(req, extra=("filter",))
    return _polled(req, VS_FILES.page(req, params, parent=vid, status=_status_filter(req, params.extra)))


@router.route("GET", "/v1/vector_stores/{vector_store_id}/files/{file_id}")
def retrieve_file(req: Request) -> Reply:
    vid = _store_id(req)
    return _polled(req, VS_FILES.get(req, req.params["file_id"], vid))


@router.route("POST", "/v1/vector_stores/{vector_store_id}/files/{file_id}")
def update_file(req: Request) -> Reply:
    vid = _store_id(req)
    row = VS_FILES.row(req, req.params["file_id"], vid)
    body = req.body_as(UPDATE_FILE)
    row = req.store.update(row, {**row.doc, "attributes": body["attributes"] or {}})
    return _polled(req, _render_file(req, row))


@router.route("DELETE", "/v1/vector_stores/{vector_store_id}/files/{file_id}")
def delete_file(req: Request) -> Reply:
    vid = _store_id(req)
    fid = req.params["file_id"]
    VS_FILES.delete(req, fid, vid)
    return _polled(req, {"id": fid, "object": "vector_store.file.deleted", "deleted": True})


@router.route("GET", "/v1/vector_stores/{vector_store_id}/files/{file_id}/content")
def file_content(req: Request) -> Reply:
    vid = _store_id(req)
    row = VS_FILES.row(req, req.params["file_id"], vid)
    text = (req.store.get_blob(row.id) or b"").decode("utf-8", "replace")
    page = {"object": "vector_store.file_content.page", "data": [{"type": "text", "text": text}],
            "has_more": False, "next_page": None}
    return _polled(req, page)


# -- batches ------------------------------------------------------------------------------


@router.route("POST", "/v1/vector_stores/{vector_store_id}/file_batches")
def create_batch(req: Request) -> Reply:
    vid = _store_id(req)
    body = req.body_as(CREATE_BATCH)
    if ("file_ids" in body) == ("files" in body):
        raise invalid(
            "Invalid request: provide exactly one of 'file_ids' or 'files'.",
            "file_ids" if "file_ids" in body else "files",
            "invalid_value",
        )
    if "file_ids" in body:
        entries = [{"file_id": fid, "attributes": body.get("attributes"),
                    "chunking_strategy": body.get("chunking_strategy")} for fid in body["file_ids"]]
        require_files(req, body["file_ids"], "file_ids")
    else:
        # Per-file settings replace the batch-wide ones (the spec: "will be ignored").
        entries = body["files"]
        for i, entry in enumerate(entries):
            require_file(req, entry["file_id"], f"files[{i}].file_id")
    bid = ids.file_batch_id()
    req.store.insert("vs_batch", bid, {}, parent=vid, created_at=req.created_at)
    for entry in entries:
        attach_file(req, vid, entry["file_id"], attributes=entry.get("attributes"),
                    chunking_strategy=entry.get("chunking_strategy"), batch_id=bid)
    return _polled(req, BATCHES.get(req, bid, vid))


@router.route("GET", "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}")
def retrieve_batch(req: Request) -> Reply:
    vid = _store_id(req)
    return _polled(req, BATCHES.get(req, req.params["batch_id"], vid))


@router.route("POST", "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/cancel")
def cancel_batch(req: Request) -> Reply:
    vid = _store_id(req)
    batch = BATCHES.row(req, req.params["batch_id"], vid)
    cancelled = 0
    for row in req.store.rows("vs_file", vid, tag=batch.id):
        if row.effective_status(req.now) == "in_progress":
            req.store.update(row, status="cancelled", size=0)
            cancelled += 1
    if cancelled:
        batch = req.store.update(batch, status="cancelled")
    return _polled(req, _render_batch(req, batch))


@router.route("GET", "/v1/vector_stores/{vector_store_id}/file_batches/{batch_id}/files")
def list_batch_files(req: Request) -> Reply:
    vid = _store_id(req)
    batch = BATCHES.row(req, req.params["batch_id"], vid)
    params = list_params(req, extra=("filter",))
    return _polled(req, VS_FILES.page(req, params, parent=vid, tag=batch.id,
                                      status=_status_filter(req, params.extra)))
