"""Bad input over raw HTTP (what the SDK would never send): always the API's 400 envelope, never a crash."""

from __future__ import annotations

import socket

import pytest
from emulator_helpers import assert_error

BETA = {"OpenAI-Beta": "assistants=v2", "Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ("{not json", None, None),
        ("[1, 2]", None, "invalid_type"),
        ('"a string"', None, "invalid_type"),
        (b"\xff\xfe\x00", None, None),
        ('{"model": "gpt-4o", "temperature": NaN}', None, None),
        ("{}", "model", "missing_required_parameter"),
        ('{"model": 4}', "model", "invalid_type"),
        ('{"model": "gpt-4o", "name": ["x"]}', "name", "invalid_type"),
        ('{"model": "gpt-4o", "tools": {"type": "code_interpreter"}}', "tools", "invalid_type"),
        ('{"model": "gpt-4o", "tools": [{}]}', "tools[0].type", "missing_required_parameter"),
        ('{"model": "gpt-4o", "tools": [{"type": 1}]}', "tools[0].type", "invalid_type"),
        ('{"model": "gpt-4o", "metadata": []}', "metadata", "invalid_type"),
        ('{"model": "gpt-4o", "temperature": "hot"}', "temperature", "invalid_type"),
        ('{"model": "gpt-4o", "temperature": true}', "temperature", "invalid_type"),
        ('{"model": "gpt-4o", "unknown_field": 1}', "unknown_field", "unknown_parameter"),
        ('{"model": "gpt-4o", "tool_resources": {"file_search": {"vector_store_ids": "vs_1"}}}',
         "tool_resources.file_search.vector_store_ids", "invalid_type"),
    ],
)
def test_bad_json_bodies(raw, body, param, code):
    status, _, payload = raw("POST", "/v1/assistants", body, BETA)
    assert status == 400
    err = assert_error(payload, param=param, code=code)
    assert err["type"] == "invalid_request_error"
    assert raw("GET", "/v1/assistants", headers=BETA)[0] == 200


def test_malformed_json_uses_the_api_wording(raw):
    _, _, payload = raw("POST", "/v1/vector_stores", "{", {"Content-Type": "application/json"})
    assert payload["error"]["message"].startswith("We could not parse the JSON body of your request.")


def test_oversized_body_is_refused(raw):
    body = b"{" + b" " * (64 * 1024 * 1024) + b"}"
    status, headers, payload = raw("POST", "/v1/vector_stores", body, {"Content-Type": "application/json"})
    assert status == 400 and headers.get("connection") == "close"
    assert_error(payload, code="request_too_large")
    assert raw("GET", "/v1/vector_stores")[0] == 200


def test_missing_or_empty_key_is_401(raw):
    status, _, payload = raw("GET", "/v1/models", auth=False)
    assert status == 401
    assert_error(payload, contains="You didn't provide an API key")
    status, _, payload = raw("GET", "/v1/models", headers={"Authorization": "Bearer "}, auth=False)
    assert status == 401
    assert_error(payload, code="invalid_api_key")


@pytest.mark.asst_emulator(api_key_required=False)
def test_key_can_be_optional(raw):
    assert raw("GET", "/v1/models", auth=False)[0] == 200


def test_unknown_routes_and_methods(raw):
    for method, path in [("GET", "/v1/threads"), ("PUT", "/v1/assistants"), ("GET", "/v2/models"),
                         ("PATCH", "/v1/files/file-x")]:
        status, _, payload = raw(method, path)
        assert status == 404
        assert_error(payload, contains=f"Invalid URL ({method} {path})")


def test_garbage_on_the_socket_does_not_kill_the_server(asst_emulator, raw):
    for junk in (b"HELLO\r\n\r\n", b"GET /v1/models HTTP/1.1\r\nbad header line\r\n\r\n",
                 b"POST /v1/files HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                 b"POST /v1/files HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"):
        with socket.create_connection((asst_emulator.host, asst_emulator.port), timeout=5) as s:
            s.sendall(junk)
            answer = s.recv(65536)
        assert answer.startswith(b"HTTP/1.1 400"), answer
    assert raw("GET", "/v1/models")[0] == 200


def test_chunked_request_body(asst_emulator):
    body = b'{"name": "chunked"}'
    req = (b"POST /v1/vector_stores HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
           b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n")
    with socket.create_connection((asst_emulator.host, asst_emulator.port), timeout=5) as s:
        s.sendall(req)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b'"name":"chunked"' in answer


def test_handler_crash_is_a_500_and_rolls_back(asst_emulator, raw, monkeypatch, caplog, capsys):
    """A bug in a route answers 500 with the envelope, and nothing it wrote stays.

    (The emulator's own code is patched to fail; the SDK is never patched.)
    """
    from asst_deploy.emulator import routes_vector_stores

    def explode(req, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(routes_vector_stores, "attach_file", explode)
    f = raw("POST", "/v1/files", _upload(), {"Content-Type": "multipart/form-data; boundary=b"})[2]
    status, _, payload = raw("POST", "/v1/vector_stores", {"name": "x", "file_ids": [f["id"]]})
    assert status == 500
    assert_error(payload)
    assert payload["error"]["type"] == "server_error"
    assert raw("GET", "/v1/vector_stores")[2]["data"] == []  # the half-created store was rolled back
    assert "boom" in caplog.text + capsys.readouterr().err  # the traceback is reported, not swallowed


def _upload() -> bytes:
    return (b"--b\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nassistants\r\n"
            b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nhello\r\n--b--\r\n")


def test_expect_100_continue(asst_emulator):
    """curl sends ``Expect: 100-continue`` for big uploads and waits for the go-ahead."""
    body = b'{"name": "big"}'
    head = (b"POST /v1/vector_stores HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nExpect: 100-continue\r\n"
            b"Content-Type: application/json\r\nConnection: close\r\n" + f"Content-Length: {len(body)}\r\n\r\n".encode())
    with socket.create_connection((asst_emulator.host, asst_emulator.port), timeout=5) as s:
        s.sendall(head)
        assert s.recv(64).startswith(b"HTTP/1.1 100 Continue")
        s.sendall(body)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200") and b'"name":"big"' in answer
