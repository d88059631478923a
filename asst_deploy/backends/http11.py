"""HTTP/1.1 for the API client: the standard library's ``http.client`` with keep-alive connections
shared by the threads of a command.

Why not httpx (issue 17): on the 2-core bench machine httpx costs about 170 ms to import and
1.6 ms of CPU a request (its URL, header and connection-pool models); ``http.client`` costs
nothing to import (the standard library loads it anyway) and 0.6 ms a request. An apply of 300
assistants is CPU-bound on those requests once the network is fast, and every command pays the
import. What httpx did for the tool is here, and only that:

- a pool of keep-alive connections per host, shared by threads; one found closed by the server
  while idle is dropped before it is used, and a GET or DELETE that meets one the server closed
  at that very moment is sent again at once on a new connection (a POST is not: it may have been
  carried out, so the client's retries and once.py decide);
- TLS verified as httpx verifies it: ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set, else the
  system's certificate store (certifi's bundle if the system has none), made at the first
  ``https://`` request only;
- proxies from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``, ``NO_PROXY``) as
  ``urllib`` reads them: a CONNECT tunnel for ``https://``, the absolute URL for ``http://``;
- gzip answers decoded, a socket timeout on connect and on every read;
- multipart bodies streamed from disk (``Multipart``), with their length sent, and read again from
  the start when a request is sent again.
"""

from __future__ import annotations

import base64
import http.client
import mimetypes
import os
import re
import select
import ssl
import threading
import time
import urllib.parse
import urllib.request
import uuid
import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Iterator, Mapping

READ_CHUNK = 1 << 20  # bytes of a file read at once while it is sent


@dataclass
class Answer:
    """One HTTP answer, read whole. ``headers`` has lower-case names."""

    status: int
    headers: dict[str, str]
    body: bytes


class Multipart:
    """A ``multipart/form-data`` body: form fields, then files (as the SDK's httpx encodes them).
    Iterating it yields the bytes to send, reading each file from its start again."""

    def __init__(self, data: Mapping[str, str], files: Mapping[str, tuple[str, bytes | BinaryIO]]) -> None:
        self.boundary = uuid.uuid4().hex
        self.parts: list[tuple[bytes, bytes | BinaryIO]] = []
        for name, value in data.items():
            self.parts.append((self._head(name), str(value).encode()))
        for name, (filename, content) in files.items():
            kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            self.parts.append((self._head(name, filename, kind), content))
        self.tail = f"--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def _head(self, name: str, filename: str | None = None, kind: str | None = None) -> bytes:
        disposition = f'form-data; name="{_quoted(name)}"'
        if filename is not None:
            disposition += f'; filename="{_quoted(filename)}"'
        lines = [f"--{self.boundary}", f"Content-Disposition: {disposition}"]
        if kind is not None:
            lines.append(f"Content-Type: {kind}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    def __len__(self) -> int:
        return sum(len(head) + _size(content) + 2 for head, content in self.parts) + len(self.tail)

    def __iter__(self) -> Iterator[bytes]:
        for head, content in self.parts:
            yield head
            if isinstance(content, bytes):
                yield content
            else:
                content.seek(0)
                while chunk := content.read(READ_CHUNK):
                    yield chunk
            yield b"\r\n"
        yield self.tail


# as httpx writes a form parameter (HTML5): a quote and the control characters but ESC escaped
_FORM_ESCAPES = {'"': "%22", "\\": "\\\\", **{chr(c): f"%{c:02X}" for c in range(0x20) if c != 0x1B}}
_FORM_ESCAPE = re.compile("|".join(re.escape(c) for c in _FORM_ESCAPES))


def _quoted(value: str) -> str:
    return _FORM_ESCAPE.sub(lambda match: _FORM_ESCAPES[match.group(0)], value)


def _size(content: bytes | BinaryIO) -> int:
    if isinstance(content, bytes):
        return len(content)
    try:
        return os.fstat(content.fileno()).st_size
    except (AttributeError, OSError, ValueError):
        position = content.tell()
        end = content.seek(0, os.SEEK_END)
        content.seek(position)
        return end


class Undecodable(http.client.HTTPException):
    """An answer whose body cannot be decoded (a broken gzip stream)."""


Key = tuple[str, str, int]  # scheme, host, port
IDEMPOTENT = frozenset({"GET", "HEAD", "DELETE", "OPTIONS"})
# how a kept-alive connection the server has just closed fails when it is used
_CLOSED = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError, ConnectionAbortedError)


class Http11:
    """Sends requests on pooled keep-alive connections; thread-safe."""

    def __init__(self, timeout: float, on_answer: Callable[[str, str, int, float], None] | None = None) -> None:
        self.timeout = timeout
        self.on_answer = on_answer  # (method, path with query, status, ms): the -v lines
        self._idle: dict[Key, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None
        self._proxies = urllib.request.getproxies_environment()

    def send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | Multipart | None) -> Answer:
        """One request and its whole answer. Raises ``TimeoutError`` (no answer in time) or another
        ``OSError`` / ``http.client.HTTPException`` (no connection, it broke, or the answer's body
        cannot be decoded)."""
        parts = urllib.parse.urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        target = shown = parts.path + (f"?{parts.query}" if parts.query else "")
        all_headers = dict(headers)
        all_headers.setdefault("Accept-Encoding", "gzip")
        if isinstance(body, Multipart):
            all_headers["Content-Type"] = body.content_type
            all_headers["Content-Length"] = str(len(body))
        proxy = self._proxy(scheme, host)
        if proxy is not None and scheme == "http":  # a plain proxy takes the absolute URL
            target = url
            if proxy.username:
                all_headers["Proxy-Authorization"] = _basic(proxy)
        key: Key = (scheme, host, port)
        started = time.perf_counter()
        connection, reused = self._take(key, proxy)
        while True:
            try:
                connection.request(method, target, body=body, headers=all_headers)
                response = connection.getresponse()
                data = response.read()
                break
            except _CLOSED:
                connection.close()
                if not (reused and method in IDEMPOTENT):
                    raise
                # the server closed this kept-alive connection as we sent on it: a new one, once
                # (a POST is not sent again here: the client's retries and once.py decide)
                connection, reused = self._connect(key, proxy), False
            except BaseException:
                connection.close()
                raise
        if response.will_close:
            connection.close()
        else:
            self._give_back(key, connection)
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        if answer_headers.get("content-encoding", "").lower() == "gzip":
            try:
                data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
            except zlib.error as exc:  # a broken answer, as httpx's DecodingError: the SDK retries it
                raise Undecodable(f"the answer's gzip body cannot be decoded ({exc})") from exc
        if self.on_answer is not None:
            self.on_answer(method, shown, response.status, (time.perf_counter() - started) * 1000)
        return Answer(response.status, answer_headers, data)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    # -- connections ------------------------------------------------------------------------------
    def _take(self, key: Key, proxy: urllib.parse.SplitResult | None) -> tuple[http.client.HTTPConnection, bool]:
        """An idle connection to ``key`` that is still open (and True), or a new one (and False)."""
        with self._lock:
            pool = self._idle.get(key)
            while pool:
                connection = pool.pop()
                if connection.sock is not None and not _dropped(connection.sock):
                    return connection, True
                connection.close()  # the server closed it while it was idle
        return self._connect(key, proxy), False

    def _give_back(self, key: Key, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._idle.setdefault(key, []).append(connection)

    def _connect(self, key: Key, proxy: urllib.parse.SplitResult | None) -> http.client.HTTPConnection:
        scheme, host, port = key
        if proxy is not None and proxy.scheme != "http":
            raise OSError(f"proxy {proxy.scheme}://{proxy.hostname}: only http:// proxies are supported")
        if scheme == "https":
            if proxy is None:
                return http.client.HTTPSConnection(host, port, timeout=self.timeout, context=self._context())
            tunnel = http.client.HTTPSConnection(proxy.hostname or "", proxy.port or 80, timeout=self.timeout,
                                                 context=self._context())
            tunnel.set_tunnel(host, port, headers={"Proxy-Authorization": _basic(proxy)} if proxy.username else None)
            return tunnel
        if scheme != "http":
            raise OSError(f"unsupported URL scheme {scheme!r}: use https:// or http://")
        if proxy is not None:
            return http.client.HTTPConnection(proxy.hostname or "", proxy.port or 80, timeout=self.timeout)
        return http.client.HTTPConnection(host, port, timeout=self.timeout)

    def _proxy(self, scheme: str, host: str) -> urllib.parse.SplitResult | None:
        url = self._proxies.get(scheme) or self._proxies.get("all")
        if not url or urllib.request.proxy_bypass_environment(host, self._proxies):  # type: ignore[attr-defined]
            return None
        return urllib.parse.urlsplit(url if "://" in url else f"http://{url}")

    def _context(self) -> ssl.SSLContext:
        """Made once, at the first https:// request: loading a CA store costs ~0.1 s of CPU."""
        with self._lock:
            if self._tls is None:
                self._tls = tls_context()
            return self._tls


def tls_context() -> ssl.SSLContext:
    """Certificates verified against ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set (as httpx and
    the SDK honour them), else the system's store, else certifi's bundle."""
    cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    if cafile or capath:
        return ssl.create_default_context(cafile=cafile or None, capath=capath or None)
    context = ssl.create_default_context()
    if not context.cert_store_stats().get("x509_ca"):
        try:
            import certifi

            context.load_verify_locations(certifi.where())
        except ImportError:  # pragma: no cover - no system store and no certifi: verification fails loudly
            pass
    return context


def _dropped(sock: Any) -> bool:
    """An idle keep-alive socket the server closed (or wrote to unasked) reads as ready."""
    try:
        if hasattr(select, "poll"):  # no limit on descriptor numbers, unlike select()
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _basic(proxy: urllib.parse.SplitResult) -> str:
    user = urllib.parse.unquote(proxy.username or "")
    password = urllib.parse.unquote(proxy.password or "")
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
