"""The API key never appears in output, plan files or the lockfile, even when a server echoes it."""

from __future__ import annotations

import threading
from typing import Iterator

import pytest

import faults_harness as h
from support.json_server import Answer, Seen, json_server, key_rejected

KEY = "sk-proj-FAKEKEYfaults0123456789abcdefRECOGNISABLE"


def _echo(request: Seen) -> Answer:
    """As the real API answers a bad key: 401, quoting the key it was sent (in a header too)."""
    sent = (dict((k.lower(), v) for k, v in request.headers.items()).get("authorization") or "").partition(" ")[2]
    refused = key_rejected(f"Incorrect API key provided: {sent}. You can find your API key "
                           "at https://platform.openai.com/account/api-keys.")
    return Answer(refused.status, refused.body, {"x-echo-key": sent})


@pytest.fixture
def echo_server() -> Iterator[str]:
    with json_server(_echo) as server:
        yield server.url


def run(project: h.Project, base_url: str, *args: str) -> tuple[int, str]:
    proc = h.spawn(project, base_url, *args, key=KEY)
    out, err = proc.communicate(timeout=120)
    h.TOTALS.runs += 1
    return proc.returncode, out + err


def assert_no_key(text: str, where: str) -> None:
    assert KEY not in text, f"the API key appears in {where}"
    assert KEY[8:30] not in text, f"part of the API key appears in {where}"


@pytest.mark.heavy(24)
def test_key_echoed_in_a_401_never_shown(project, echo_server):
    seeded = h.Walk(project, 1)
    project.manifests["bot"] = seeded.new_manifest()
    project.write()
    for args in (("plan",), ("plan", "-v", "--format", "json"), ("apply", "--auto-approve", "-v"),
                 ("apply", "--auto-approve", "--debug"), ("destroy", "--auto-approve")):
        code, text = run(project, echo_server, *args)
        assert code == 1, text
        assert "Incorrect API key" in text or "401" in text, text
        assert_no_key(text, " ".join(args))
        h.TOTALS.faults_injected += 1


@pytest.mark.heavy(21)
def test_key_absent_from_plan_files_lockfile_and_verbose_output(project, emu, client):
    w = h.Walk(project, 2)
    for _ in range(3):
        m = w.new_manifest()
        project.manifests[m.name] = m
    project.write()
    plan_file = project.root / "plan.json"
    texts = []
    for args in (("plan", "-v", "--out", str(plan_file)), ("apply", "-v", str(plan_file)),
                 ("plan", "--format", "markdown"), ("ids", "--format", "env"), ("show",)):
        code, text = run(project, emu.base_url, *args)
        assert code == 0, text
        texts.append(text)
    assert_no_key("\n".join(texts), "command output")
    assert_no_key(plan_file.read_text(), "the saved plan")
    assert_no_key(project.lockfile.read_text(), "the lockfile")
    for path in project.root.rglob("*"):
        if path.is_file():
            assert_no_key(path.read_text(errors="replace"), str(path))
    h.check_converged(project, client)


class _Lines:
    """A stderr that keeps each write call apart, to see whether a line was written whole."""

    def __init__(self) -> None:
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        self.writes.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_verbose_lines_are_written_whole_from_parallel_requests():
    """One write per line: two requests answered at once cannot splice their lines together."""
    from asst_deploy.backends.client import verbose_lines

    stream = _Lines()
    on_answer = verbose_lines(stream)  # type: ignore[arg-type]
    paths = [_path(f"https://api.example/v1/assistants/asst_{i}") for i in range(50)]
    threads = [threading.Thread(target=on_answer, args=("GET", path, 200, 12.0)) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(stream.writes) == 50
    assert all(w.startswith("  GET /v1/assistants/asst_") and w.endswith(" ms\n") and w.count("\n") == 1
               for w in stream.writes)


@pytest.mark.parametrize("query", ["api-key", "key", "token", "access_token", "sig", "api_key"])
def test_verbose_lines_hide_credentials_in_query_strings(query):
    from asst_deploy.backends.client import verbose_lines

    stream = _Lines()
    verbose_lines(stream)("GET", _path(f"https://x.example/v1/files?{query}=s3cr3tVALUE&limit=1"), 200, 3.0)  # type: ignore[arg-type]
    (line,) = stream.writes
    assert "s3cr3tVALUE" not in line
    assert f"/v1/files?{query}=***&limit=1 200" in line
