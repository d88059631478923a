"""The hostile test server (tests/support/hostile.py) misbehaves as it says, and stops by itself."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import time
import urllib.parse
from pathlib import Path

from support.cli import Cli
from support.hostile import ESCAPES, Hostile


def connect(server: Hostile, timeout: float = 5.0) -> http.client.HTTPConnection:
    port = urllib.parse.urlsplit(server.base_url).port
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


def get(server: Hostile, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = connect(server)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


def test_unclaimed_requests_see_an_empty_account():
    with Hostile({"/v1/files": "html"}) as server:
        status, _, body = get(server, "/v1/assistants?limit=100")
        assert status == 200 and json.loads(body)["data"] == []
        assert json.loads(get(server, "/v1/models/gpt-4o")[2])["id"] == "gpt-4o"
        status, headers, body = get(server, "/v1/files?purpose=assistants")
        assert status == 200 and headers["content-type"].startswith("text/html") and body.startswith(b"<!DOCTYPE")
        assert server.requests == {"GET /v1/assistants": 1, "GET /v1/models/gpt-4o": 1, "GET /v1/files": 1}


def test_error_and_names_carry_control_sequences():
    with Hostile({"/v1/assistants": "escapes", "/v1/vector_stores": "names"}) as server:
        status, _, body = get(server, "/v1/assistants")
        assert status == 400 and ESCAPES in json.loads(body)["error"]["message"]
        (store,) = json.loads(get(server, "/v1/vector_stores")[2])["data"]
        assert store["metadata"]["asst-deploy"] == f"acme-support/dev/evil{ESCAPES}"


def test_gzip_bomb_is_small_on_the_wire_and_inflates_to_zeros():
    with Hostile("gzip_bomb", bomb_mib=16) as server:
        connection = connect(server)
        connection.request("GET", "/v1/assistants")
        answer = connection.getresponse()
        wire = answer.read()  # http.client does not inflate
        assert answer.getheader("content-encoding") == "gzip" and len(wire) == int(answer.getheader("content-length"))
        assert len(wire) < 16 * 1024 * 2  # about 1 KB per MiB
        assert gzip.decompress(wire) == bytes(16 << 20)


def test_endless_body_keeps_coming_and_silence_and_drip_end_with_the_server():
    with Hostile({"/v1/assistants": "endless", "/v1/files": "silent", "/v1/vector_stores": "drip"},
                 drip_seconds=0.05) as server:
        connection = connect(server)
        connection.request("GET", "/v1/assistants")
        answer = connection.getresponse()
        assert answer.getheader("transfer-encoding") == "chunked"
        assert answer.read(2).startswith(b'{"')
        got = sum(len(answer.read(1 << 20)) for _ in range(32))
        assert got == 32 << 20  # and more would come
        connection.close()

        silent = socket.create_connection(("127.0.0.1", connect(server).port))
        silent.sendall(b"GET /v1/files HTTP/1.1\r\nhost: x\r\n\r\n")
        silent.settimeout(0.3)
        try:
            assert silent.recv(1) == b"", "a silent server answered"
        except socket.timeout:
            pass
        dripping = socket.create_connection(("127.0.0.1", connect(server).port))
        dripping.sendall(b"GET /v1/vector_stores HTTP/1.1\r\nhost: x\r\n\r\n")
        dripping.settimeout(5)
        started = time.monotonic()
        assert b"".join(dripping.recv(1) for _ in range(4)) == b"HTTP"
        assert time.monotonic() - started >= 3 * 0.05  # one byte at a time
        stopping = time.monotonic()
    assert time.monotonic() - stopping < 2  # the open connections do not hold the stop up
    for sock in (silent, dripping):
        sock.settimeout(2)
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk  # both end: closed by the server once it stopped
        sock.close()


def test_in_step_429_refuses_a_client_that_waits_exactly_what_it_is_told():
    with Hostile("in_step_429", slots_per_second=4) as server:
        connection = connect(server)
        refused = 0
        wait = 0.0
        for _ in range(6):
            time.sleep(wait)  # the client under test: exactly retry-after-ms
            connection.request("GET", "/v1/assistants")
            answer = connection.getresponse()
            answer.read()
            if answer.status == 429:
                refused += 1
                wait = int(answer.getheader("retry-after-ms")) / 1000
        connection.close()
    assert refused >= 5  # the first starts a closed half-slot, and so does every exact retry (one may be late)


def test_plan_through_the_cli_reaches_the_hostile_answer(project: Path):
    with Hostile({"/v1/assistants": "escapes"}) as server:
        result = Cli(project=project, env="dev", environ={"OPENAI_BASE_URL": server.base_url})(
            "plan", "--max-retries", "0", code=1)
    assert server.requests["GET /v1/assistants"] == 1
    assert "bad request" in result.output
