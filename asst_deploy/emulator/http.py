"""A minimal threaded HTTP/1.1 server on ``socketserver``.

Why not ``http.server``: it reads no chunked request body, and answers keep-alive requests at about
half the rate (docs/decisions/0002-emulator-on-libraries.md). This module parses just what API clients
send (request line, headers, Content-Length or chunked bodies), keeps connections alive, and hands
each request to one callable: ``handle(method, target, headers, body) -> (status, headers, body)``.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from typing import Callable

REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

MAX_HEADER_BYTES = 64 * 1024


class Headers(dict):
    """Request headers with lower-cased names (last one wins, as clients never repeat ours)."""

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(key.lower(), default)


class BodyTooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class BadRequest(Exception):
    """The bytes on the wire are not HTTP: answer 400 and close."""


Handler = Callable[[str, str, Headers, bytes], tuple[int, dict[str, str], bytes]]
TooLarge = Callable[[int], tuple[int, dict[str, str], bytes]]


class _Connection(socketserver.StreamRequestHandler):
    server: Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        self.server.track(self.connection, False)

    def handle(self) -> None:
        while not self.server.stopping:
            try:
                keep = self._one_request()
            except (OSError, ConnectionError):
                return
            if not keep:
                return

    def _one_request(self) -> bool:
        line = self.rfile.readline(MAX_HEADER_BYTES + 1)
        if not line:
            return False
        if line in (b"\r\n", b"\n"):  # tolerate a stray blank line between requests
            return True
        try:
            method, target, version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
            headers = self._read_headers()
        except (ValueError, BadRequest):
            self._send(400, {}, b'{"error":{"message":"Malformed HTTP request.","type":"invalid_request_error",'
                                b'"param":null,"code":null}}', close=True)
            return False
        keep_alive = version == "HTTP/1.1" and (headers.get("connection") or "").lower() != "close"
        if (headers.get("expect") or "").lower() == "100-continue":  # curl, for bodies over 1 MB
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            self.wfile.flush()
        try:
            body = self._read_body(headers)
        except BodyTooLarge as exc:
            status, extra, payload = self.server.too_large(exc.size)
            self._send(status, extra, payload, close=True)
            return False
        except (ValueError, BadRequest):
            self._send(400, {}, b'{"error":{"message":"Malformed request body framing.",'
                                b'"type":"invalid_request_error","param":null,"code":null}}', close=True)
            return False
        status, extra, payload = self.server.app(method, target, headers, body)
        self._send(status, extra, payload, close=not keep_alive, head=method == "HEAD")
        return keep_alive

    def _read_headers(self) -> Headers:
        headers = Headers()
        total = 0
        while True:
            line = self.rfile.readline(MAX_HEADER_BYTES + 1)
            total += len(line)
            if total > MAX_HEADER_BYTES or not line:
                raise BadRequest("headers too large or connection closed")
            if line in (b"\r\n", b"\n"):
                return headers
            name, sep, value = line.decode("latin-1").partition(":")
            if not sep:
                raise BadRequest("header without colon")
            headers[name.strip().lower()] = value.strip()

    def _read_body(self, headers: Headers) -> bytes:
        limit = self.server.max_body
        if (headers.get("transfer-encoding") or "").lower() == "chunked":
            chunks: list[bytes] = []
            size_total = 0
            while True:
                size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"x", 16)
                if size == 0:
                    while self.rfile.readline(MAX_HEADER_BYTES) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    break
                size_total += size
                if size_total > limit:
                    raise BodyTooLarge(size_total)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(8)
            return b"".join(chunks)
        length = int(headers.get("content-length") or 0)
        if length < 0:
            raise BadRequest("negative content-length")
        if length > limit:
            self._discard(length)
            raise BodyTooLarge(length)
        return self.rfile.read(length) if length else b""

    def _discard(self, length: int) -> None:
        """Read and drop an oversized body so the client gets our answer instead of a reset."""
        remaining = length
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                return
            remaining -= len(chunk)

    def _send(self, status: int, headers: dict[str, str], body: bytes, *, close: bool, head: bool = False) -> None:
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}"]
        merged = {"content-type": "application/json", **{k.lower(): v for k, v in headers.items()}}
        merged["content-length"] = str(len(body))
        if close:
            merged["connection"] = "close"
        lines.extend(f"{k}: {v}" for k, v in merged.items())
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (b"" if head else body))
        self.wfile.flush()


class Server(socketserver.ThreadingTCPServer):
    """Threaded TCP server that remembers its open connections so ``stop`` can close them."""

    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], app: Handler, too_large: TooLarge, max_body: int) -> None:
        self.app = app
        self.too_large = too_large
        self.max_body = max_body
        self.stopping = False
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Connection)

    def track(self, conn: socket.socket, opened: bool) -> None:
        with self._open_lock:
            if opened:
                self._open.add(conn)
            else:
                self._open.discard(conn)

    def close_connections(self) -> None:
        """Unblock keep-alive threads waiting for a next request that will never come."""
        self.stopping = True
        with self._open_lock:
            conns = list(self._open)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
