"""Every request body the tool sends, and every Responses kwargs it writes, has the shape the
installed openai SDK's request types declare: for each example project under each API it
validates for, and for manifests holding every tool form. Bodies are recorded by the emulator
as they arrive over HTTP from the real SDK; then plan right after apply must be empty."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import openai
import pytest
from forms import write_project
from route_bodies import request_problems
from support.cli import Cli
from support.projects import REPO

from asst_deploy.emulator import Emulator, EmulatorConfig
from asst_deploy.emulator.routes_responses import CREATE as RESPONSES_CREATE
from asst_deploy.emulator.sdk_shapes import problems

CASES = [
    ("root", "dev", "assistants"), ("root", "prod", "responses"),
    ("six-hats", None, "assistants"), ("six-hats", None, "agents"), ("six-hats", None, "responses"),
    ("forms", None, "assistants"), ("forms", None, "agents"), ("forms", None, "responses"),
]


def _project(example: str, api: str, tmp_path: Path) -> Path:
    root = tmp_path / example
    if example == "root":
        root.mkdir()
        for part in ("asst-deploy.yaml", "assistants", "prompts", "docs", "data", "schemas"):
            source = REPO / part
            (shutil.copytree if source.is_dir() else shutil.copy)(source, root / part)
        return root
    if example == "forms":
        return write_project(root, api)
    shutil.copytree(REPO / "examples" / example, root)
    return root


def check_responses_kwargs(lock: dict[str, Any], emulator: Emulator) -> int:
    """Each entry's kwargs against the SDK's type, then sent as they are to the emulator's /v1/responses."""
    client = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)
    checked = 0
    for name, entry in lock["assistants"].items():
        kwargs = entry["responses"]
        assert problems(kwargs, RESPONSES_CREATE.spec) == [], name
        client.responses.create(**kwargs, input="hello")
        checked += 1
    return checked


@pytest.mark.parametrize(("example", "env", "api"), CASES)
def test_every_body_and_kwargs_fit_the_sdk_types(example: str, env: str | None, api: str, tmp_path: Path) -> None:
    root = _project(example, api, tmp_path)
    with Emulator(EmulatorConfig(record_bodies=True)) as emulator:
        cli = Cli(project=root, emulator=emulator, env="dev")
        cli("apply", "--api", api, "--auto-approve", env=env)
        bodies = emulator.bodies()
        assert bodies or (api == "responses" and example == "six-hats"), "apply sent nothing"  # no files there
        assert [(key, request_problems(key, body)) for key, body in bodies
                if request_problems(key, body)] == []
        lock = json.loads(next(root.glob("*.lock.json")).read_text())
        if api == "responses":
            assert check_responses_kwargs(lock, emulator) == len(lock["assistants"])
        emulator.reset_counter()
        result = cli("plan", "--api", api, "--detailed-exitcode", env=env, code=None)
        assert result.exit_code == 0, result.output
        assert not any(key.startswith(("POST", "DELETE")) for key in emulator.counter())
