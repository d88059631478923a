"""The CLI finds its project as the runtime lookup does: the nearest ``asst-deploy.yaml`` from the
current folder upward; ``--project-dir`` wins; ``init`` never starts a project inside another one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import Cli
from support.projects import copy_example


def test_every_command_run_in_a_subfolder_finds_the_project(project: Path, asst_emulator, monkeypatch) -> None:
    here = Cli(emulator=asst_emulator, env="dev")  # no --project-dir: the working folder decides
    monkeypatch.chdir(project / "prompts")
    assert json.loads(here("plan", "--format", "json").stdout)["summary"]["create"] > 0
    here("validate")
    here("apply", "--auto-approve")
    deployed = json.loads((project / "assistants.dev.lock.json").read_text())["assistants"]
    assert json.loads(here("ids").stdout)["support-bot"]["id"] == deployed["support-bot"]["id"]
    assert here("plan", "--detailed-exitcode").exit_code == 0
    assert not (project / "prompts" / "asst-deploy.yaml").exists()
    assert not list((project / "prompts").glob("*.lock.json"))


def test_project_dir_wins_over_the_folder_it_is_run_in(project: Path, tmp_path: Path, asst_emulator,
                                                       monkeypatch) -> None:
    other = copy_example(tmp_path / "other")
    (other / "asst-deploy.yaml").write_text(
        (other / "asst-deploy.yaml").read_text().replace("project: ", "project: other-", 1))
    monkeypatch.chdir(project / "assistants")
    Cli(project=other, emulator=asst_emulator, env="dev")("apply", "--auto-approve")
    assert (other / "assistants.dev.lock.json").is_file()
    assert not (project / "assistants.dev.lock.json").exists()


@pytest.mark.parametrize("sub", ["prompts", "new/deeper"])
def test_init_inside_a_project_refuses_naming_the_outer_config(project: Path, monkeypatch, sub: str) -> None:
    folder = project / sub
    folder.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(folder)
    refused = Cli()("init", code=1)
    assert f"is inside the project of {project / 'asst-deploy.yaml'}" in refused.stderr
    assert "asst-deploy init --nested" in refused.stderr
    assert not (folder / "asst-deploy.yaml").exists() and not (folder / "assistants").exists()
    Cli(project=folder)("init", "--nested")  # a separate project, asked for by name
    assert "project: " in (folder / "asst-deploy.yaml").read_text()
