"""A damaged lockfile is one clear line naming the file, for the CLI and for runtime lookups alike:
never an "unexpected" error, never a traceback, and nothing is sent to the account."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from support.cli import Cli
from support.projects import write_project

import asst_deploy
from asst_deploy.lock.file import LockfileError

LOCKFILE = "assistants.lock.json"


def _lock(entries: object) -> bytes:
    return json.dumps({"version": 1, "project": "p", "environment": "default", "assistants": entries}).encode()


DAMAGE: dict[str, bytes] = {
    "random bytes": bytes(range(256)) * 4 + os.urandom(64),
    "latin-1 text": '{"version": 1, "assistants": {"caf\xe9": {}}}'.encode("latin-1"),
    "a 5,000-digit number": b'{"version": 1, "assistants": {}, "n": ' + b"9" * 5000 + b"}",
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "entry not an object": _lock({"bot": "asst_123"}),
    "entry a list": _lock({"bot": ["asst_123"]}),
    "id a number": _lock({"bot": {"id": 5}}),
    "files a list": _lock({"bot": {"id": "asst_1", "files": ["docs/a.md"]}}),
    "file without id": _lock({"bot": {"id": "asst_1", "files": {"docs/a.md": {"sha256": "x"}}}}),
    "responses a string": _lock({"bot": {"responses": "gpt-4o"}}),
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", {"asst-deploy.yaml": "project: p\n",
                                          "assistants/bot.yaml": "name: bot\nmodel: gpt-4o\n"})


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_the_cli_names_the_file_in_one_line_and_sends_nothing(project: Path, asst_emulator, damage: str) -> None:
    (project / LOCKFILE).write_bytes(DAMAGE[damage])
    result = Cli(project=project, emulator=asst_emulator)("plan", code=1)  # the helper refuses "unexpected"
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {project / LOCKFILE}: ") or line.startswith(f"error: {LOCKFILE}: "), line
    assert "restore" in line and "delete it" in line, line
    assert asst_emulator.total_requests() == 0
    assert (project / LOCKFILE).read_bytes() == DAMAGE[damage]  # never overwritten


# Runtime lookups read ids and Responses settings; the file maps are the CLI's to check.
RUNTIME_DAMAGE = [d for d in DAMAGE if d not in ("files a list", "file without id")]


@pytest.mark.parametrize("damage", RUNTIME_DAMAGE)
def test_runtime_lookups_name_the_file_in_one_line(project: Path, damage: str) -> None:
    path = project / LOCKFILE
    path.write_bytes(DAMAGE[damage])
    with pytest.raises(LockfileError) as caught:
        asst_deploy.assistant_id("bot", path=path)
        asst_deploy.vector_store_id("bot", path=path)
        asst_deploy.responses_kwargs("bot", path=path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message and len(message) < 400, message
