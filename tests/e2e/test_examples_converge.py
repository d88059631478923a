"""Every bundled example, in every environment and under every API it validates for: apply, then
plan is empty (no perpetual diffs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.cli import Cli
from support.projects import REPO, copy_example

CASES = [
    ("root", "dev", "assistants"), ("root", "prod", "assistants"),
    ("root", "dev", "responses"), ("root", "prod", "responses"),
    ("six-hats", None, "assistants"), ("six-hats", None, "agents"), ("six-hats", None, "responses"),
]


@pytest.mark.parametrize(("example", "env", "api"), CASES)
def test_apply_then_plan_is_empty(example: str, env: str | None, api: str, tmp_path: Path, asst_emulator) -> None:
    if example == "root":
        root = copy_example(tmp_path / "root")
    else:
        root = tmp_path / example
        # not what the README's offline six-hats run leaves in the checkout (its lockfile, the emulator's state)
        shutil.copytree(REPO / "examples" / example, root, ignore=shutil.ignore_patterns(".asst-deploy", "*.lock.json"))
    cli = Cli(project=root, emulator=asst_emulator)
    cli("apply", "--api", api, "--auto-approve", env=env)
    asst_emulator.reset_counter()
    result = cli("plan", "--api", api, "--detailed-exitcode", env=env)
    assert "No changes." in result.stdout
    assert not any(key.startswith(("POST", "DELETE")) for key in asst_emulator.counter())
