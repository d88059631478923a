"""A small JSON API server that is not the project's emulator, for tests that need a server to
answer one thing (an empty account, a refused key, a malformed object) over a real socket.

``with json_server(answer) as server:`` serves ``answer(request)`` for every request on
127.0.0.1 (a port from the OS), over TLS when given a certificate and key; ``server.url`` is the
base URL an SDK takes (``.../v1``) and ``server.seen`` every request it answered.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass
class JsonServer:
    url: str
    seen: list[Seen]


def empty_list(_: Seen) -> Answer:
    """An account with nothing on it."""
    return Answer(200, {"object": "list", "data": [], "has_more": False})


def key_rejected(message: str = "Incorrect API key provided.") -> Answer:
    """What the API answers a bad key."""
    return Answer(401, {"error": {"message": message, "type": "invalid_request_error", "param": None,
                                  "code": "invalid_api_key"}})


@contextmanager
def json_server(answer: Callable[[Seen], Answer], *, tls: tuple[Path, Path] | None = None) -> Iterator[JsonServer]:
    """Serve ``answer`` until the block ends; ``tls``: (certificate, key) to serve HTTPS."""
    seen: list[Seen] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            request = Seen(self.command, self.path, dict(self.headers))
            seen.append(request)
            reply = answer(request)
            body = json.dumps(reply.body).encode()
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        from .tls import wrap_server_socket

        server.socket = wrap_server_socket(server.socket, *tls)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    scheme = "https" if tls is not None else "http"
    try:
        yield JsonServer(f"{scheme}://127.0.0.1:{server.server_address[1]}/v1", seen)
    finally:
        server.shutdown()
        server.server_close()
