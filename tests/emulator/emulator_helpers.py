"""Helpers for the emulator tests: raw HTTP (for what the SDK would never send), error checks."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

RawResponse = tuple[int, dict[str, str], Any]


def raw_request(
    base_url: str,
    method: str,
    path: str,
    body: bytes | str | dict[str, Any] | list[Any] | None = None,
    headers: dict[str, str] | None = None,
    *,
    auth: bool = True,
) -> RawResponse:
    """One request with http.client; returns status, lower-cased headers and parsed JSON (or bytes)."""
    parts = urlsplit(base_url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    sent = dict(headers or {})
    if auth:
        sent.setdefault("Authorization", "Bearer sk-test")
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        sent.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode()
    try:
        conn.request(method, path, body=body, headers=sent)
        resp = conn.getresponse()
        data = resp.read()
        got = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    if got.get("content-type", "").startswith("application/json"):
        return resp.status, got, json.loads(data)
    return resp.status, got, data


def assert_error(exc_or_body: Any, *, param: Any = ..., code: Any = ..., contains: str | None = None) -> dict:
    """Check an SDK exception's (or a raw body's) envelope; return the inner error object."""
    body = getattr(exc_or_body, "body", exc_or_body)
    err = body["error"] if "error" in body else body  # the SDK hands over the inner object
    assert set(err) == {"message", "type", "param", "code"}, err
    if param is not ...:
        assert err["param"] == param, err
    if code is not ...:
        assert err["code"] == code, err
    if contains is not None:
        assert contains in err["message"], err
    return err
