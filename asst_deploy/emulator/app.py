"""The request pipeline: control endpoints, counting, faults, auth, routing, one transaction.

Kept apart from the socket code so the order of these steps is visible in one place. A route
runs inside a store transaction: an error anywhere rolls the whole request back, and anything
unexpected becomes a 500 envelope instead of a dead server or a half-written store.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import control
from .clock import Clock
from .config import EmulatorConfig
from .errors import ApiError, invalid, invalid_url, server_error
from .faults import Faults
from .http import Headers
from .routing import Reply, Request, Router
from .store import Store

MAX_BODY = 64 * 1024 * 1024

_UNAUTHORIZED = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer "
    "auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're "
    "accessing the API from your browser and are prompted for a username and password. You can obtain an API "
    "key from https://platform.openai.com/account/api-keys."
)


def build_router() -> Router:
    from . import (routes_agents, routes_assistants, routes_automations, routes_files, routes_graders, routes_models,
                   routes_responses, routes_runs, routes_sessions, routes_threads, routes_vaults,
                   routes_vector_store_files, routes_vector_stores)

    router = Router()
    # automations and sessions before agents: the first route that matches answers, and
    # /v1/agents/{agent_id} matches them too
    for module in (routes_assistants, routes_files, routes_vector_stores, routes_vector_store_files, routes_models,
                   routes_vaults, routes_automations, routes_sessions, routes_agents, routes_responses, routes_runs,
                   routes_threads, routes_graders):
        router.include(module.router)
    return router


def _dump(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _report_crash(method: str, path: str) -> None:
    """Log a handler's unexpected exception (logging imported only now: it is slow to import)."""
    import logging

    log = logging.getLogger("asst_deploy.emulator")
    if log.isEnabledFor(logging.ERROR) and logging.getLogger().handlers:
        log.exception("emulator: unexpected error on %s %s", method, path)
    else:
        import traceback

        print(f"asst-deploy emulator: unexpected error on {method} {path}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)


class App:
    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.store = Store(config.data)
        self.faults = Faults(config)
        self.clock = Clock()
        self.router = build_router()
        self.bodies: list[tuple[str, Any]] = []  # (counter key, JSON body) when config.record_bodies

    def close(self) -> None:
        self.store.close()

    def too_large(self, size: int) -> tuple[int, dict[str, str], bytes]:
        err = invalid(
            f"Request body too large: {size} bytes, above the limit of {MAX_BODY} bytes.", None, "request_too_large"
        )
        return err.status, {}, _dump(err.body())

    def __call__(self, method: str, target: str, headers: Headers, body: bytes) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(target)
        path = parts.path
        if path.startswith(control.PREFIX):
            status, payload = control.handle(self, method, path, body)
            return status, {}, _dump(payload)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if path.startswith(AZURE_PREFIX):  # Azure OpenAI: {endpoint}/openai/...?api-version=...
            refusal = _azure_refusal(dict(query).get("api-version"))
            if refusal is not None:
                self.faults.count(f"{method} {path}")
                return refusal[0], {}, _dump(refusal[1])
            path = "/v1/" + path[len(AZURE_PREFIX):]
            query = [(k, v) for k, v in query if k != "api-version"]
        match = self.router.match(method, path)
        self.faults.count(match.route.key if match else f"{method} {path}")
        self.faults.enter()
        try:
            return self._answer(method, path, query, headers, body, match)
        finally:
            self.faults.leave()

    def _answer(self, method: str, path: str, query: list[tuple[str, str]], headers: Headers, body: bytes,
                match: Any) -> tuple[int, dict[str, str], bytes]:
        try:
            limit_headers = self.faults.before()
            self._authenticate(headers)
            if match is None or (not self.config.serve_assistants and path.startswith(("/v1/assistants", "/v1/threads"))):
                raise invalid_url(method, path)
            req = Request(self, method, path, match.params, query, headers, body)
            self._record(match.route.key, req)
            with self.store.transaction():
                result = match.route.handler(req)
            reply = result if isinstance(result, Reply) else Reply(200, result, {})
            if limit_headers:
                reply = Reply(reply.status, reply.body, {**limit_headers, **reply.headers})
            if match.route.write and 200 <= reply.status < 300:
                self.faults.after_write()
        except ApiError as err:
            reply = Reply(err.status, err.body(), err.headers)
        except Exception:  # noqa: BLE001 - the server must answer, whatever went wrong
            _report_crash(method, path)
            crash = server_error()
            reply = Reply(crash.status, crash.body(), {})
        content = reply.body if isinstance(reply.body, bytes) else _dump(reply.body)
        return reply.status, {"x-request-id": "req_emulator", **reply.headers}, content

    def _record(self, key: str, req: Request) -> None:
        if self.config.record_bodies and req.method == "POST" and req.body[:1] in (b"{", b"["):
            try:
                self.bodies.append((key, req.json()))
            except ApiError:
                pass

    def _authenticate(self, headers: Headers) -> None:
        if not self.config.api_key_required:
            return
        auth = headers.get("authorization") or ""
        scheme, _, key = auth.partition(" ")
        if (scheme.lower() == "bearer" and key.strip()) or (headers.get("api-key") or "").strip():
            return
        if auth:
            raise ApiError(401, "Incorrect API key provided. The emulator expects 'Authorization: Bearer <any key>'.",
                           code="invalid_api_key")
        raise ApiError(401, _UNAUTHORIZED)


AZURE_PREFIX = "/openai/"
_AZURE_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(-preview)?")


def _azure_refusal(version: str | None) -> tuple[int, dict[str, Any]] | None:
    """What Azure answers without a usable api-version (it routes nothing without one)."""
    if not version:
        return 404, {"error": {"code": "404", "message": "Resource not found"}}
    if not _AZURE_VERSION.fullmatch(version):
        return 400, {"error": {"code": "BadRequest", "message": "API version not supported"}}
    return None
