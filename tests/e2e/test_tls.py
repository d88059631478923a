"""HTTPS through the real CLI and the SDK's client: certificates are verified and ``SSL_CERT_FILE``
is honoured, for every command run in one process."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from support.cli import Cli
from support.json_server import json_server, key_rejected
from support.tls import self_signed


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTPS server with a self-signed certificate for 127.0.0.1: (base URL, certificate).
    It answers as the API answers a bad key: whoever gets this far made a verified TLS connection."""
    cert, key = self_signed(tmp_path)
    with json_server(lambda _: key_rejected(), tls=(cert, key)) as server:
        yield server.url, cert


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
