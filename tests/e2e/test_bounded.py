"""Bounded, whatever the server does: the real CLI against the hostile server (tests/support/hostile.py)
or the emulator behind it. Each case failed before its fix."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from support.cli import Cli
from support.hostile import Hostile

CONFIG = "project: bounded\nmanifests: assistants/\n"
TWO = {f"assistants/{name}.yaml": f"name: {name}\nmodel: gpt-4o\ninstructions: Be brief.\n" for name in ("a", "b")}


def test_apply_finishes_against_429s_in_step_with_exact_waits(make_project: Any, asst_emulator: Any) -> None:
    """Every retry of a client that waits exactly ``retry-after-ms`` lands in a refused half-slot: the
    apply was refused until its budget ran out. Jittered waits land anywhere in the slot."""
    project: Path = make_project(TWO, config=CONFIG)
    with Hostile("in_step_429", upstream=asst_emulator.base_url, slots_per_second=10) as server:
        cli = Cli(project=project, environ={"OPENAI_BASE_URL": server.base_url})
        cli("apply", "--auto-approve", "--max-retries", "0", "--rate-limit-wait", "10")
        assert server.requests["POST /v1/assistants"] >= 2 and server.passed >= 5
    assert asst_emulator.counter()["POST /v1/assistants"] == 2
    cli("plan", "--detailed-exitcode", environ={"OPENAI_BASE_URL": asst_emulator.base_url})
