"""An https:// source read by the standard library: TLS with the system's (here: SSL_CERT_FILE's)
trust, the conditional re-check, and the bounds on what a server may send."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from support.hostile import Hostile
from support.json_server import Answer, Seen, json_server
from support.tls import self_signed

import asst_deploy

DOCUMENT = {"format": "asst-deploy/ids", "version": 1, "project": "acme", "environment": "prod",
            "published_at": "2026-12-08T00:00:00Z",
            "assistants": {"support-bot": {"api": "agents", "id": "agent_1", "code_interpreter_file_ids": []}}}


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def test_an_https_source_sends_its_etag_and_keeps_what_a_304_confirms(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def answer(seen: Seen) -> Answer:
        if seen.headers.get("If-None-Match") == '"v1"':
            return Answer(304, None, {"ETag": '"v1"'})
        return Answer(200, DOCUMENT, {"ETag": '"v1"'})

    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    monkeypatch.setenv("ASST_DEPLOY_SOURCE_TTL", "0")
    with json_server(answer, tls=(cert, key)) as server:
        url = f"{server.url}/ids/prod.json"
        assert asst_deploy.agent_id("support-bot", source=url) == "agent_1"
        assert asst_deploy.agent_id("support-bot", source=url) == "agent_1"
    assert [s.headers.get("If-None-Match") for s in server.seen] == [None, '"v1"']


def test_an_answer_over_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with Hostile({"/": "endless"}, linger=30) as server:
        with pytest.raises(LookupError, match=r"the answer is over 8 MB, so not an ids document; and no copy"):
            asst_deploy.assistant_id("support-bot", source=f"{server.base_url}/ids.json")


def test_a_silent_server_times_out_naming_the_source(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASST_DEPLOY_SOURCE_TIMEOUT", "0.5")
    with Hostile({"/": "silent"}, linger=30) as server:
        url = f"{server.base_url}/ids.json"
        with pytest.raises(LookupError, match=f"^{url}: unreachable \\(timed out\\)"):
            asst_deploy.assistant_id("support-bot", source=url)


def test_a_dripping_server_ends_the_lookup_at_the_deadline(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Headers a byte every 0.5 s: each read is quick, the whole never comes. The timeout is a
    deadline for the whole fetch: without a copy the lookup fails saying so, with one the copy serves."""
    import asst_deploy.source

    deadline = 2.0
    monkeypatch.setenv("ASST_DEPLOY_SOURCE_TIMEOUT", str(deadline))
    monkeypatch.setenv("ASST_DEPLOY_SOURCE_TTL", "0")
    with json_server(lambda seen: Answer(200, DOCUMENT, {"ETag": '"v1"'})) as upstream, \
            Hostile({}, upstream=upstream.url, linger=60) as server:
        url = f"{server.base_url}/ids.json"
        server.modes["/"] = "drip"
        began = time.monotonic()
        with pytest.raises(LookupError, match=f"^{url}: unreachable \\(timed out\\); and no copy"):
            asst_deploy.assistant_id("support-bot", source=url)
        no_copy = time.monotonic() - began

        del server.modes["/"]  # answered plainly: a copy is kept
        assert asst_deploy.agent_id("support-bot", source=url) == "agent_1"
        server.modes["/"] = "drip"
        monkeypatch.setattr(asst_deploy.source, "_held", {})  # a new process: only the copy on disk
        began = time.monotonic()
        assert asst_deploy.agent_id("support-bot", source=url) == "agent_1"
        with_copy = time.monotonic() - began
    assert f"{url}: unreachable (timed out); serving the copy last confirmed" in capsys.readouterr().err
    # the server would drip for 60 s; generous margins for a loaded machine
    assert no_copy < 3 * deadline and with_copy < 3 * deadline, (no_copy, with_copy)


def test_a_document_of_another_kind_is_named(tmp_path: Path) -> None:
    other = tmp_path / "assistants.prod.lock.json"
    other.write_text(json.dumps({"version": 1, "project": "p", "environment": "prod", "assistants": {}}))
    with pytest.raises(LookupError, match="is not an asst-deploy ids document"):
        asst_deploy.assistant_id("support-bot", source=str(other))
