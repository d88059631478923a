"""A misbehaving HTTP server for tests: what a broken proxy, a compromised endpoint or an unlucky
rate limiter can send, on a real socket (127.0.0.1, a port from the OS), served by daemon threads.

    with Hostile({"/v1/assistants": "silent"}) as server:
        Cli(project=p, environ={"OPENAI_BASE_URL": server.base_url})("plan", code=1)

``modes`` maps a path prefix, optionally after a method (``"POST /v1/assistants"``), to a mode;
the longest matching prefix wins and ``"/"`` matches everything. A request no mode claims is
served plainly: forwarded to ``upstream`` (an emulator's base URL: the whole API, so an apply
runs), or, without one, answered as an empty account (empty lists, any model exists, 404 else),
which is enough for ``plan`` and ``apply`` to reach the request that misbehaves.

Modes (``MODES``): ``endless`` a chunked JSON body that never ends; ``gzip_bomb`` a few MB of gzip
inflating to ``bomb_mib`` MiB (4 GiB) of zeros (made on the fly, never held whole); ``drip`` headers one
byte every ``drip_seconds``; ``silent`` accepts, reads the request and never answers; ``html`` a
200 that is ``text/html``; ``escapes`` a 400 JSON error whose message carries terminal control
sequences (``ESCAPES``); ``names`` lists holding one object ours for ``owner`` whose name and
marker carry them; ``in_step_429`` refuses the first half of each of ``slots_per_second`` slots
with a ``retry-after-ms`` that points exactly at the next slot's start, so a client that waits
exactly what it is told is refused forever.

Every loop is bounded: it stops when the client goes, when the server stops (the ``with`` block
ends) or after ``linger`` seconds, whichever comes first.
"""

from __future__ import annotations

import http.client
import json
import math
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterator

MODES = ("endless", "gzip_bomb", "drip", "silent", "html", "escapes", "names", "in_step_429")
# What a hostile server writes to a terminal through an error message or a name: set the window
# title (OSC), clear the screen (CSI), a NUL.
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x00"
_MIB = 1 << 20
_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length", "host", "accept-encoding"})


class Hostile:
    """The server; a context manager. ``requests`` counts ``"METHOD /path"`` as served, ``refused``
    and ``passed`` the ``in_step_429`` mode's answers."""

    def __init__(self, modes: dict[str, str] | str = "/", upstream: str | None = None, *,
                 linger: float = 60.0, drip_seconds: float = 0.5, bomb_mib: int = 4096,
                 slots_per_second: float = 4.0, owner: tuple[str, str] = ("acme-support", "dev")) -> None:
        if isinstance(modes, str):
            modes = {"/": modes}
        for mode in modes.values():
            if mode not in MODES:
                raise ValueError(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
        self.modes = modes
        self.upstream = urllib.parse.urlsplit(upstream) if upstream else None
        self.linger = linger
        self.drip_seconds = drip_seconds
        self.bomb_mib = bomb_mib
        self.slot = 1.0 / slots_per_second
        self.owner = owner
        self.requests: Counter[str] = Counter()
        self.refused = 0
        self.passed = 0
        self.stopped = threading.Event()
        self._lock = threading.Lock()
        self._epoch: float | None = None  # the first in_step_429 request starts a closed half-slot
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a silent connection must not hold up the stop
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="hostile-server", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> Hostile:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def mode_for(self, method: str, path: str) -> str | None:
        best: tuple[int, str] | None = None
        for key, mode in self.modes.items():
            want_method, _, prefix = key.rpartition(" ")
            if (not want_method or want_method == method) and path.startswith(prefix):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), mode)
        return best[1] if best else None

    def lingering(self, step: float) -> Iterator[None]:
        """Yields every ``step`` seconds until the server stops or ``linger`` has passed."""
        end = time.monotonic() + self.linger
        while time.monotonic() < end and not self.stopped.is_set():
            yield
            self.stopped.wait(step)

    def slot_refuses(self) -> float | None:
        """``in_step_429``: the milliseconds to the next slot's start if now is in a refused half-slot."""
        now = time.monotonic()
        with self._lock:
            self._epoch = now if self._epoch is None else self._epoch
            phase = (now - self._epoch) % self.slot
            if phase < self.slot / 2:
                self.refused += 1
                return math.ceil((self.slot - phase) * 1000)
            self.passed += 1
            return None


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (what these modes provoke) is no error worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(server: Hostile) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        hostile = server

    return Handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hostile: Hostile

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _serve(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        length = int(self.headers.get("content-length") or 0)
        self.body = self.rfile.read(length) if length else b""
        self.hostile.requests[f"{self.command} {path}"] += 1
        mode = self.hostile.mode_for(self.command, path)
        if mode is None:
            self._plain(path)
            return
        self.close_connection = True
        try:
            MODE_ANSWERS[mode](self, path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up: that is what these modes are for

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = _serve

    # -- plain answers ---------------------------------------------------------------------------
    def _json(self, status: int, document: object, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _plain(self, path: str) -> None:
        if self.hostile.upstream is not None:
            self._forward()
        elif self.command == "GET" and path.startswith("/v1/models/"):
            self._json(200, {"id": path.rsplit("/", 1)[1], "object": "model", "created": 0, "owned_by": "system"})
        elif self.command == "GET":
            self._json(200, _page([]))
        else:
            self._json(404, {"error": {"message": f"no {self.command} {path} here", "type": "invalid_request_error",
                                       "param": None, "code": None}})

    def _forward(self) -> None:
        upstream = self.hostile.upstream
        assert upstream is not None and upstream.hostname is not None
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP}
            connection.request(self.command, self.path, body=self.body, headers=headers)
            answer = connection.getresponse()
            body = answer.read()
        finally:
            connection.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP:
                self.send_header(name, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    # -- the hostile answers ---------------------------------------------------------------------
    def endless(self, path: str) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")
        item = json.dumps({"id": "asst_endless", "object": "assistant", "name": "x" * 200}).encode() + b","
        chunk = item * (256 * 1024 // len(item))
        self.wfile.write(b'1c\r\n{"object": "list", "data": [\r\n')
        for _ in self.hostile.lingering(0):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))

    def gzip_bomb(self, path: str) -> None:
        """A gzip member of ``bomb_mib`` MiB of zeros: one compressed MiB (the same bytes each time
        after a full flush) written over and over, the CRC computed only at the end."""
        block = bytes(_MIB)
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
        again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
        mibs = self.hostile.bomb_mib
        head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
        tail_length = 2 + 8
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-encoding", "gzip")
        self.send_header("content-length", str(len(head) + len(first) + (mibs - 1) * len(again) + tail_length))
        self.end_headers()
        self.wfile.write(head + first)
        sent = 1
        for _ in self.hostile.lingering(0):
            if sent == mibs:
                crc = 0
                for _ in range(mibs):
                    crc = zlib.crc32(block, crc)
                self.wfile.write(b"\x03\x00" + struct.pack("<II", crc, (mibs * _MIB) & 0xFFFFFFFF))
                return
            self.wfile.write(again * 64 if mibs - sent >= 64 else again)
            sent += 64 if mibs - sent >= 64 else 1

    def drip(self, path: str) -> None:
        head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + b"x-drip: " + b"." * 4000 + b"\r\n\r\n"
        sent = 0
        for _ in self.hostile.lingering(self.hostile.drip_seconds):
            if sent == len(head):
                return
            self.wfile.write(head[sent:sent + 1])
            self.wfile.flush()
            sent += 1

    def silent(self, path: str) -> None:
        for _ in self.hostile.lingering(0.05):
            pass

    def html(self, path: str) -> None:
        body = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        self.send_response(200)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def escapes(self, path: str) -> None:
        self._json(400, {"error": {"message": f"bad request {ESCAPES}(see {ESCAPES})", "type": "invalid_request_error",
                                   "param": f"name{ESCAPES}", "code": f"code{ESCAPES}"}})

    def names(self, path: str) -> None:
        if self.command != "GET" or path.startswith("/v1/models/"):
            self._plain(path)
            return
        project, environment = self.hostile.owner
        kind = path.rstrip("/").rsplit("/", 1)[-1].rstrip("s")
        prefix = {"assistant": "asst", "agent": "agent", "vector_store": "vs"}.get(kind, "file")
        item: dict[str, Any] = {
            "id": f"{prefix}_hostile", "object": kind, "created_at": 0, "name": f"evil{ESCAPES}name",
            "model": "gpt-4o", "instructions": None, "tools": [], "tool_resources": {}, "description": None,
            "metadata": {"asst-deploy": f"{project}/{environment}/evil{ESCAPES}"},
        }
        if prefix == "file":
            item = {"id": "file-hostile", "object": "file", "bytes": 1, "created_at": 0, "purpose": "assistants",
                    "filename": f"asst-deploy~{project}~{environment}~{'0' * 64}~evil{ESCAPES}.md"}
        self._json(200, _page([item]))

    def in_step_429(self, path: str) -> None:
        self.close_connection = False
        wait_ms = self.hostile.slot_refuses()
        if wait_ms is None:
            self._plain(path)
            return
        self._json(429, {"error": {"message": "Rate limit reached for requests", "type": "requests",
                                   "param": None, "code": "rate_limit_exceeded"}},
                   {"retry-after-ms": str(wait_ms)})


def _page(data: list[Any]) -> dict[str, Any]:
    return {"object": "list", "data": data, "first_id": None, "last_id": None, "has_more": False}


MODE_ANSWERS: dict[str, Callable[[_Handler, str], None]] = {mode: getattr(_Handler, mode) for mode in MODES}
