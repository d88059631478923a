"""How each view shows the apply's events: the terminal's lines, ``-v``'s, and JSON lines."""

from __future__ import annotations

import io
import json

from asst_deploy.console import Console
from asst_deploy import events as e

EVENTS = (
    e.StepStarted("assistant:bot", "put_assistant", "bot"),
    e.StepProgress("attach:bot", "vector_store.bot", 200, 500, "files attached"),
    e.WaitingOnProcessing("bot", "vs_1", 3, 5),
    e.WaitingOnRateLimit("429 from the server", 2.0, 4),
    e.WaitingOnLease("acme/dev", "ci pid 7 on build-1 since 2026-01-01T00:00:00Z"),
    e.StepFailed("store:bot", "create_store", "bot", "ApiError: 500"),
    e.StepDone("assistant:bot", "put_assistant", "bot", "created assistant.bot (asst_1)", "asst_1"),
    e.DeadLeaseDeleted("vs_9"),
)


def _shown(view: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    console = Console(out, err, view=view, interactive=False)
    for event in EVENTS:
        console.emit(event)
    return out.getvalue(), err.getvalue()


def test_the_terminal_shows_what_was_done_and_what_is_waited_for() -> None:
    out, err = _shown("text")
    assert out == ("  vector_store.bot: 200/500 files attached\n"
                   "  vector_store.bot: 3/5 files processed, still waiting\n"
                   "  created assistant.bot (asst_1)\n")
    assert err == ("rate limit: 429 from the server; waiting 2.0 s, 4 request(s) at a time\n"
                   "waiting for another apply of acme/dev on this account "
                   "(ci pid 7 on build-1 since 2026-01-01T00:00:00Z)\n"
                   "deleted the account lease vs_9 that a stopped apply left\n")


def test_verbose_adds_starts_and_failures_on_stderr_and_leaves_stdout_alone() -> None:
    out, err = _shown("verbose")
    assert out == _shown("text")[0]
    assert err.splitlines()[0] == "  started assistant:bot"
    assert "  failed store:bot: ApiError: 500\n" in err


def test_json_lines_carry_every_event_and_its_fields() -> None:
    out, err = _shown("json")
    assert err == ""
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["event"] for r in records] == [e.kind for e in EVENTS]
    done = records[-2]
    assert done == {"event": "step_done", "key": "assistant:bot", "op": "put_assistant", "name": "bot",
                    "summary": "created assistant.bot (asst_1)", "object_id": "asst_1"}
    assert records[3] == {"event": "waiting_on_rate_limit", "reason": "429 from the server", "seconds": 2.0,
                          "window": 4}
