"""The tool's HTTP/1.1 sender (backends/http11.py) against small real servers: keep-alive
connections a server closed while idle, gzip answers, and proxies from the environment (the
absolute URL through an http:// proxy, a CONNECT tunnel for https://, NO_PROXY)."""

from __future__ import annotations

import gzip
import json
import select
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator

import pytest
from support.tls import self_signed, wrap_server_socket

from asst_deploy.backends.http11 import Http11

PAGE = {"object": "list", "data": [{"id": "gpt-4o", "object": "model"}], "has_more": False}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    seen: list[dict[str, Any]]
    connections: int


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), handler)
    server.seen, server.connections = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


class _Api(BaseHTTPRequestHandler):
    """Answers every GET with a list page; ``/gzip`` answers gzip-encoded; ``/closing`` closes the
    connection after answering without saying so (an idle keep-alive timeout on the server's side)."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.connections += 1

    def do_POST(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self.server.seen.append({"path": self.path, "proxy_auth": self.headers.get("Proxy-Authorization"),
                                 "accept_encoding": self.headers.get("Accept-Encoding")})
        body = json.dumps(PAGE).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        if self.path.endswith("/gzip"):
            body = gzip.compress(body)
            self.send_header("content-encoding", "gzip")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        if self.path.endswith("/closing"):
            self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api() -> Iterator[_Server]:
    yield from _serve(_Api)


def test_a_connection_the_server_closed_while_idle_is_not_used_again(api: _Server) -> None:
    """The server closes each connection after answering, without saying so: the next request
    finds it closed and opens another (sent on it, a POST would fail: RemoteDisconnected)."""
    http = Http11(5.0)
    url = f"http://127.0.0.1:{api.server_address[1]}/v1/closing"
    try:
        for _ in range(3):
            assert http.send("POST", url, {"Content-Length": "0"}, b"").status == 200
            time.sleep(0.1)  # the server's close arrives
    finally:
        http.close()
    assert len(api.seen) == 3 and api.connections == 3


def test_a_get_that_meets_a_connection_closing_that_moment_is_sent_again_on_a_new_one(api: _Server) -> None:
    """No pause: the close may arrive only as the next request goes out. A GET is sent again at
    once; nothing fails and no retry delay is spent."""
    http = Http11(5.0)
    url = f"http://127.0.0.1:{api.server_address[1]}/v1/closing"
    try:
        for _ in range(5):
            assert http.send("GET", url, {}, None).status == 200
    finally:
        http.close()
    assert len(api.seen) == 5 and api.connections >= 5


def test_a_kept_alive_connection_is_reused(api: _Server) -> None:
    http = Http11(5.0)
    try:
        for _ in range(3):
            assert http.send("GET", f"http://127.0.0.1:{api.server_address[1]}/v1/models", {}, None).status == 200
    finally:
        http.close()
    assert api.connections == 1


def test_gzip_answers_are_decoded(api: _Server) -> None:
    http = Http11(5.0)
    try:
        answer = http.send("GET", f"http://127.0.0.1:{api.server_address[1]}/v1/gzip", {}, None)
    finally:
        http.close()
    assert json.loads(answer.body) == PAGE and api.seen[0]["accept_encoding"] == "gzip"


def test_an_http_proxy_gets_the_absolute_url_and_its_credentials(api: _Server, monkeypatch) -> None:
    """The "proxy" is the test server itself: a proxy is sent the whole URL as the request target."""
    proxy = f"http://alice:s%40cret@127.0.0.1:{api.server_address[1]}"
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy)
    http = Http11(5.0)
    try:
        assert http.send("GET", "http://api.example.invalid/v1/models?limit=1", {}, None).status == 200
    finally:
        http.close()
    (seen,) = api.seen
    assert seen["path"] == "http://api.example.invalid/v1/models?limit=1"
    assert seen["proxy_auth"] == "Basic YWxpY2U6c0BjcmV0"  # alice:s@cret


def test_no_proxy_goes_direct(api: _Server, monkeypatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    http = Http11(5.0)
    try:
        assert http.send("GET", f"http://127.0.0.1:{api.server_address[1]}/v1/models", {}, None).status == 200
    finally:
        http.close()
    assert api.seen[0]["path"] == "/v1/models"


class _Tunnel(BaseHTTPRequestHandler):
    """A CONNECT proxy: opens the tunnel it is asked for and copies bytes both ways."""

    server: _Server

    def do_CONNECT(self) -> None:
        host, port = self.path.rsplit(":", 1)
        self.server.seen.append({"connect": self.path, "proxy_auth": self.headers.get("Proxy-Authorization")})
        upstream = socket.create_connection((host, int(port)), timeout=5)
        self.send_response(200, "Connection established")
        self.end_headers()
        sockets = [self.connection, upstream]
        while True:
            readable, _, _ = select.select(sockets, [], [], 5)
            if not readable:
                break
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if sock is self.connection else self.connection).sendall(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_api(tmp_path: Path) -> Iterator[tuple[_Server, Path]]:
    cert, key = self_signed(tmp_path)
    for server in _serve(_Api):
        server.socket = wrap_server_socket(server.socket, cert, key)
        yield server, cert


def test_https_goes_through_a_connect_tunnel_and_is_still_verified(https_api, monkeypatch) -> None:
    server, cert = https_api
    url = f"https://127.0.0.1:{server.server_address[1]}/v1/models"
    for tunnel in _serve(_Tunnel):
        for name in ("NO_PROXY", "no_proxy", "SSL_CERT_DIR"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTPS_PROXY", f"http://bob:pw@127.0.0.1:{tunnel.server_address[1]}")
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        http = Http11(5.0)
        try:
            assert http.send("GET", url, {}, None).status == 200
        finally:
            http.close()
        assert tunnel.seen == [{"connect": f"127.0.0.1:{server.server_address[1]}", "proxy_auth": "Basic Ym9iOnB3"}]
        assert server.seen[0]["path"] == "/v1/models"
        monkeypatch.delenv("SSL_CERT_FILE")  # the tunnel is no reason to trust the server
        http = Http11(5.0)
        try:
            with pytest.raises(ssl.SSLCertVerificationError):
                http.send("GET", url, {}, None)
        finally:
            http.close()


class _FailsOnce(_Api):
    """Answers 500 to the first request, then as _Api does."""

    def do_GET(self) -> None:
        if not self.server.seen:
            self.server.seen.append({"path": self.path, "failed": True})
            body = b'{"error": {"message": "boom", "type": "server_error"}}'
            self.send_response(500)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


def test_each_retry_is_said_on_the_client_logger_as_the_sdk_says_it():
    """The fault suite counts the faults a run rode out from these lines (it read the SDK's own
    "Retrying request to ..." lines before the tool stopped going through the SDK)."""
    import logging

    from asst_deploy.backends.wire import Wire

    heard: list[str] = []

    class Ear(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record.getMessage())

    logger = logging.getLogger("asst_deploy.wire")
    ear, level = Ear(), logger.level
    logger.addHandler(ear)
    logger.setLevel(logging.INFO)
    try:
        for server in _serve(_FailsOnce):
            http = Http11(5.0)
            try:
                wire = Wire(http.send, f"http://127.0.0.1:{server.server_address[1]}/v1", headers={}, max_retries=2)
                assert wire.get("/models") == PAGE
            finally:
                http.close()
    finally:
        logger.removeHandler(ear)
        logger.setLevel(level)
    assert len(heard) == 1 and heard[0].startswith("Retrying request to GET /v1/models in "), heard
