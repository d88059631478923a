"""Helpers for the teams tests: small projects on disk and the real CLI pointed at one emulator."""

from __future__ import annotations

import textwrap
import warnings
from pathlib import Path
from typing import Any

import openai
from click.testing import CliRunner

from asst_deploy.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PARTS = ("asst-deploy.yaml", "assistants", "prompts", "docs", "data", "schemas")
API_KEY = "sk-test-teams-0123456789"


def write_project(root: Path, files: dict[str, str]) -> Path:
    """A project folder holding ``files`` (relative path -> text, dedented)."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


class Cli:
    """``asst-deploy`` as a user runs it with ``--backend openai`` and OPENAI_BASE_URL set."""

    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.env = {"OPENAI_BASE_URL": emulator.base_url, "OPENAI_API_KEY": API_KEY,
                    "ASST_DEPLOY_ENV": None, "ASST_DEPLOY_BACKEND": None, "ASST_DEPLOY_LOCKFILE": None}

    def __call__(self, project: Path, *args: str, env: str | None = None, code: int | None = 0,
                 backend: bool = True) -> Any:
        argv = [args[0], "--project-dir", str(project), *args[1:]]
        if backend:
            argv += ["--backend", "openai"]
        if env:
            argv += ["--env", env]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            result = CliRunner().invoke(main, argv, env=self.env, catch_exceptions=False)
        if code is not None:
            assert result.exit_code == code, (
                f"asst-deploy {' '.join(args)}: exit {result.exit_code}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result


def client(emulator: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0, timeout=30.0)


def assistants(api: openai.OpenAI) -> dict[str, Any]:
    """Every assistant on the account by id (the SDK's objects)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return {a.id: a for a in api.beta.assistants.list(limit=100)}
