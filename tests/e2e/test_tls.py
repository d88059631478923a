"""HTTPS through the real CLI and the SDK's client: certificates are verified and ``SSL_CERT_FILE``
is honoured, for every command run in one process."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pytest
from support.cli import Cli
from support.tls import self_signed, wrap_server_socket


class _Reject(BaseHTTPRequestHandler):
    """Answers as the API answers a bad key: whoever gets this far made a verified TLS connection."""

    def do_GET(self) -> None:
        body = json.dumps({"error": {"message": "Incorrect API key provided.", "type": "invalid_request_error",
                                     "param": None, "code": "invalid_api_key"}}).encode()
        self.send_response(401)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTPS server with a self-signed certificate for 127.0.0.1: (base URL, certificate)."""
    cert, key = self_signed(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Reject)
    server.socket = wrap_server_socket(server.socket, cert, key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/v1", cert
    finally:
        server.shutdown()
        server.server_close()


def test_certificates_are_verified_and_ssl_cert_file_is_honoured(make_project, https_server) -> None:
    url, cert = https_server
    root = make_project({"assistants/bot.yaml": "name: bot\nmodel: gpt-4o\ninstructions: Hi.\n"}, config="project: p\n")
    cli = Cli(project=root, environ={"OPENAI_BASE_URL": url, "SSL_CERT_FILE": None, "SSL_CERT_DIR": None})
    for _ in range(2):  # two commands in one process: each makes its own verified transport
        refused = cli("plan", "--max-retries", "0", code=1)
        assert "certificate verify failed: self-signed certificate" in refused.output, refused.output
    trusted = cli("plan", "--max-retries", "0", code=1, environ={"SSL_CERT_FILE": str(cert)})
    assert "the API key was rejected (401)" in trusted.output, trusted.output
    again = cli("plan", "--max-retries", "0", code=1)  # and without it, refused again
    assert "certificate verify failed" in again.output, again.output
