"""multipart/form-data parsing for file uploads (the stdlib's ``cgi`` is gone in 3.13).

Filenames are decoded as browsers and httpx encode them (UTF-8, ``%22`` for a quote, ``%0A`` for
control characters, backslash escapes), and RFC 5987 ``filename*=UTF-8''...`` is honoured, so a
filename comes back verbatim.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import unquote

from .errors import invalid


class Part(NamedTuple):
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


_PARAM_RE = re.compile(r';\s*([A-Za-z0-9_*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
_HTML5_ESCAPE_RE = re.compile(r"%(22|[01][0-9A-Fa-f])")


def _params(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, raw in _PARAM_RE.findall(";" + value.split(";", 1)[1] if ";" in value else ""):
        raw = raw.strip()
        if raw.startswith('"') and raw.endswith('"') and len(raw) >= 2:
            raw = re.sub(r"\\(.)", r"\1", raw[1:-1])
        out[key.lower()] = raw
    return out


def boundary_of(content_type: str) -> str:
    if not content_type.lower().startswith("multipart/form-data"):
        raise invalid(
            "Invalid Content-Type header. Expected 'multipart/form-data' for file uploads, "
            f"but got '{content_type or '(none)'}'.",
            None,
            "invalid_content_type",
        )
    boundary = _params(content_type).get("boundary")
    if not boundary:
        raise invalid("Invalid multipart body: the Content-Type header has no boundary.", None, "invalid_multipart")
    return boundary


def parse(content_type: str, body: bytes) -> list[Part]:
    """All parts of a multipart body; a malformed body is a 400 naming no field (there is none)."""
    delimiter = b"--" + boundary_of(content_type).encode("latin-1")
    if delimiter not in body:
        raise invalid("Invalid multipart body: boundary not found.", None, "invalid_multipart")
    chunks = body.split(delimiter)
    if not chunks[-1].startswith(b"--"):
        raise invalid("Invalid multipart body: missing closing boundary.", None, "invalid_multipart")
    parts: list[Part] = []
    for chunk in chunks[1:-1]:
        if chunk.startswith(b"\r\n"):
            chunk = chunk[2:]
        if chunk.endswith(b"\r\n"):
            chunk = chunk[:-2]
        head, sep, data = chunk.partition(b"\r\n\r\n")
        if not sep:
            raise invalid("Invalid multipart body: a part has no header block.", None, "invalid_multipart")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        if not disposition.lower().startswith("form-data"):
            raise invalid("Invalid multipart body: a part is not form-data.", None, "invalid_multipart")
        params = _params(disposition)
        if "name" not in params:
            raise invalid("Invalid multipart body: a part has no name.", None, "invalid_multipart")
        filename = params.get("filename")
        if filename is not None:
            filename = _HTML5_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), filename)
        star = params.get("filename*")
        if star and "''" in star:
            charset, _, encoded = star.partition("''")
            filename = unquote(encoded, encoding=charset or "utf-8", errors="replace")
        parts.append(Part(params["name"], filename, headers.get("content-type"), data))
    return parts
