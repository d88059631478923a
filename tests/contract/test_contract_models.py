"""A model the account does not serve is refused by plan and apply with its file:line, before any
write (it used to pass plan; apply uploaded files and created stores, then failed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import Cli

from asst_deploy.emulator import Emulator, EmulatorConfig


def _project(root: Path, manifest: str, config: str = "project: models\n") -> Path:
    (root / "assistants").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "docs" / "a.md").write_text("# A\n")
    (root / "asst-deploy.yaml").write_text(config)
    (root / "assistants" / "a.yaml").write_text(manifest)
    return root


def test_a_misspelt_model_is_refused_with_its_place_before_any_write(tmp_path: Path, asst_emulator: Emulator,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p", "name: a\nmodel: gpt-4o-minii\ntools: [{type: file_search}]\nfiles: [docs/a.md]\n")
    cli = Cli(project=root, emulator=asst_emulator)
    for command in (("plan",), ("apply", "--auto-approve")):
        result = cli(*command, env=None, code=1)
        assert ("assistants/a.yaml:2:8: model: 'gpt-4o-minii' is not a model this account serves; "
                "did you mean 'gpt-4o-mini'?") in result.output
    counter = asst_emulator.counter()
    assert counter["GET /v1/models"] == 2  # asked once per command (apply plans twice: the list is kept)
    assert all(key.startswith("GET ") for key in counter), counter  # nothing written


def test_a_model_from_the_defaults_is_placed_in_the_config(tmp_path: Path, asst_emulator: Emulator,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p", "name: a\n", config="project: models\ndefaults:\n  model: gpt-9-turbo\n")
    result = Cli(project=root, emulator=asst_emulator)("plan", env=None, code=1)
    assert "asst-deploy.yaml:3:10: model: 'gpt-9-turbo' is not a model this account serves" in result.output


def test_a_server_without_a_model_list_is_said_once_and_the_plan_goes_on(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path / "p", "name: a\nmodel: my-deployment\n", config="project: models\napi: responses\n")
    with Emulator(EmulatorConfig(models=())) as emulator:
        result = Cli(project=root, emulator=emulator)("plan", env=None)
    assert result.output.count("model names were not checked") == 1
    assert "+ responses.a" in result.output or "will be created" in result.output


def test_a_plan_that_sends_no_model_does_not_ask_for_the_model_list(tmp_path: Path, asst_emulator: Emulator,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A no-op plan sends no model, so it asks nothing of the model list (issue 17: one request
    fewer); the first apply asks once although it plans twice."""
    root = _project(tmp_path / "p", "name: a\nmodel: gpt-4o-mini\n")
    cli = Cli(project=root, emulator=asst_emulator)
    cli("apply", "--auto-approve", env=None)
    assert asst_emulator.counter()["GET /v1/models"] == 1
    asst_emulator.reset_counter()
    cli("plan", "--detailed-exitcode", env=None)
    assert "GET /v1/models" not in asst_emulator.counter()
