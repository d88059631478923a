"""``/v1/files``: multipart upload, retrieve, list, delete, content.

The bytes live in the store (so a restart keeps them); the filename is kept verbatim. As on the
real API, the content of a file uploaded for ``assistants`` cannot be downloaded again.
"""

from __future__ import annotations

from typing import Any

from . import ids, multipart
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .routing import Reply, Request, Router
from .store import Row
from .validation import Num, Str

router = Router()

UPLOAD_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
_PURPOSE = Str(enum=UPLOAD_PURPOSES)
_ANCHOR = Str(enum=("created_at",))
_SECONDS = Num(3600, 2592000, integer=True)


def _render(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    out = {
        "id": row.id,
        "object": "file",
        "bytes": row.size,
        "created_at": row.created_at,
        "filename": doc["filename"],
        "purpose": row.tag,
        "status": "processed",
    }
    if doc.get("expires_at") is not None:
        out["expires_at"] = doc["expires_at"]
    return out


FILES = Resource("file", _render, lambda id, _p: not_found(f"No such File object: {id}", "id"))


def file_size(req: Request, file_id: str) -> int:
    row = req.store.get("file", file_id)
    return row.size if row else 0


def _form(req: Request) -> tuple[dict[str, str], multipart.Part | None]:
    fields: dict[str, str] = {}
    upload: multipart.Part | None = None
    for part in multipart.parse(req.headers.get("content-type") or "", req.body):
        if part.name == "file":
            if part.filename is None:
                raise invalid("Invalid 'file': expected a file upload, but got a plain form field.", "file",
                              "invalid_type")
            upload = part
        elif part.name in ("purpose", "expires_after[anchor]", "expires_after[seconds]"):
            try:
                fields[part.name] = part.data.decode("utf-8")
            except UnicodeDecodeError:
                raise invalid(f"Invalid '{part.name}': not UTF-8 text.", part.name, "invalid_value") from None
        else:
            raise invalid(f"Unknown parameter: '{part.name}'.", part.name, "unknown_parameter")
    return fields, upload


@router.route("POST", "/v1/files")
def upload_file(req: Request) -> dict[str, Any]:
    fields, upload = _form(req)
    if "purpose" not in fields:
        raise invalid("Missing required parameter: 'purpose'.", "purpose", "missing_required_parameter")
    if upload is None:
        raise invalid("Missing required parameter: 'file'.", "file", "missing_required_parameter")
    purpose = _PURPOSE.check(fields["purpose"], "purpose")
    filename = upload.filename or ""
    if not filename:
        raise invalid("Invalid 'file': the upload has an empty filename.", "file", "invalid_value")
    expires_at = None
    if "expires_after[anchor]" in fields or "expires_after[seconds]" in fields:
        for key in ("expires_after[anchor]", "expires_after[seconds]"):
            if key not in fields:
                raise invalid(f"Missing required parameter: '{key}'.", key, "missing_required_parameter")
        _ANCHOR.check(fields["expires_after[anchor]"], "expires_after[anchor]")
        try:
            seconds = int(fields["expires_after[seconds]"])
        except ValueError:
            raise invalid("Invalid type for 'expires_after[seconds]': expected an integer.",
                          "expires_after[seconds]", "invalid_type") from None
        expires_at = req.created_at + _SECONDS.check(seconds, "expires_after[seconds]")
    fid = ids.file_id()
    req.store.insert("file", fid, {"filename": filename, "expires_at": expires_at}, created_at=req.created_at,
                     tag=purpose, size=len(upload.data))
    req.store.put_blob(fid, upload.data)
    return FILES.get(req, fid)


@router.route("GET", "/v1/files")
def list_files(req: Request) -> dict[str, Any]:
    params = list_params(req, default_limit=10000, max_limit=10000, before=False, extra=("purpose",))
    return FILES.page(req, params, tag=params.extra.get("purpose"))


@router.route("GET", "/v1/files/{file_id}")
def retrieve_file(req: Request) -> dict[str, Any]:
    return FILES.get(req, req.params["file_id"])


@router.route("DELETE", "/v1/files/{file_id}")
def delete_file(req: Request) -> dict[str, Any]:
    fid = req.params["file_id"]
    FILES.delete(req, fid)
    req.store.delete_blob(fid)
    return {"id": fid, "object": "file", "deleted": True}


@router.route("GET", "/v1/files/{file_id}/content")
def file_content(req: Request) -> Reply:
    row = FILES.row(req, req.params["file_id"])
    if row.tag == "assistants":
        raise invalid("Not allowed to download files of purpose: assistants")
    data = req.store.get_blob(row.id) or b""
    return Reply(200, data, {"content-type": "application/octet-stream"})
