"""An apply's events as ``-v`` shows them, through the real CLI."""

from __future__ import annotations


def test_apply_v_says_when_each_step_starts_on_stderr_only(cli, project) -> None:
    result = cli("apply", "--auto-approve", "-v")
    assert "  started assistant:support-bot\n" in result.stderr
    assert "  started upload:" in result.stderr
    assert "started" not in result.stdout
    assert "  created assistant.support-bot (asst_" in result.stdout
    quiet = cli("destroy", "--auto-approve")
    assert "started" not in quiet.stderr and "  deleted assistant.support-bot (asst_" in quiet.stdout


def test_apply_events_json_is_one_json_object_per_line_on_stdout(cli, project) -> None:
    """A program follows an apply by reading stdout: every line is an event; people's text is on stderr."""
    import json

    result = cli("apply", "--auto-approve", "--events", "json")
    events = [json.loads(line) for line in result.stdout.splitlines()]
    done = {e["key"]: e for e in events if e["event"] == "step_done"}
    started = {e["key"] for e in events if e["event"] == "step_started"}
    assert started == set(done) and "assistant:support-bot" in done
    assert done["assistant:support-bot"]["object_id"].startswith("asst_")
    assert done["assistant:support-bot"]["summary"].startswith("created assistant.support-bot (asst_")
    assert "Apply complete! Resources: 8 created" in result.stderr and "will be created" in result.stderr
