"""A self-signed certificate for 127.0.0.1 and a server socket that speaks TLS with it."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest


def self_signed(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) valid for 127.0.0.1 for a day; skips the test without openssl."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def wrap_server_socket(sock: socket.socket, cert: Path, key: Path) -> ssl.SSLSocket:
    """The handshake happens on each connection's first read, in its handler's thread: done in
    ``accept`` (the default), one client that connects and never finishes it would hold up the
    server's only accepting thread, and every later client would time out."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
