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
