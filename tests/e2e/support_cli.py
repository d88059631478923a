"""Helpers for the end-to-end tests: a copy of the example project and a CLI runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from asst_deploy.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PARTS = ("asst-deploy.yaml", "assistants", "prompts", "docs", "data", "schemas")


class Cli:
    """Runs asst-deploy against one emulator, as a user would with OPENAI_BASE_URL."""

    def __init__(self, project: Path, emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.project = project
        self.emulator = emulator
        monkeypatch.setenv("OPENAI_BASE_URL", emulator.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-e2e-0123456789")
        monkeypatch.delenv("ASST_DEPLOY_ENV", raising=False)
        monkeypatch.delenv("ASST_DEPLOY_BACKEND", raising=False)

    def __call__(self, *args: str, env: str | None = "dev", code: int | None = 0) -> Any:
        argv = [args[0], "--project-dir", str(self.project), "--backend", "openai", *args[1:]]
        if env:
            argv += ["--env", env]
        result = CliRunner().invoke(main, argv, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, f"exit {result.exit_code}\n{result.output}"
        return result
