"""Every bundled example, in every environment and under every API it validates for: apply, then
plan is empty (no perpetual diffs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support_cli import REPO, Cli

CASES = [
    ("root", "dev", "assistants"), ("root", "prod", "assistants"),
    ("root", "dev", "responses"), ("root", "prod", "responses"),
    ("six-hats", None, "assistants"), ("six-hats", None, "agents"), ("six-hats", None, "responses"),
]


@pytest.mark.parametrize(("example", "env", "api"), CASES)
def test_apply_then_plan_is_empty(example: str, env: str | None, api: str, tmp_path: Path, asst_emulator,
                                  monkeypatch) -> None:
    if example == "root":
        root = tmp_path / "root"
        root.mkdir()
        for part in ("asst-deploy.yaml", "assistants", "prompts", "docs", "data", "schemas"):
            source = REPO / part
            (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
    else:
        root = tmp_path / example
        # not what the README's offline six-hats run leaves in the checkout (its lockfile, the emulator's state)
        shutil.copytree(REPO / "examples" / example, root, ignore=shutil.ignore_patterns(".asst-deploy", "*.lock.json"))
    cli = Cli(root, asst_emulator, monkeypatch)
    cli("apply", "--api", api, "--auto-approve", env=env)
    asst_emulator.reset_counter()
    result = cli("plan", "--api", api, "--detailed-exitcode", env=env)
    assert "No changes." in result.stdout
    assert not any(key.startswith(("POST", "DELETE")) for key in asst_emulator.counter())
