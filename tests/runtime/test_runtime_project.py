"""Runtime lookups inside a project: asst-deploy.yaml decides the environment and the lockfile,
by the same rule as the CLI, whether or not an apply left its JSON index."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from support.cli import Cli

import asst_deploy
from asst_deploy.config import lockfile_path
from asst_deploy.config_file import load_config
from asst_deploy.lock.locate import INDEX_FILE
from asst_deploy.lock.file import write_lock

STAGING = """\
project: shop
default_environment: staging
environments:
  staging: {lockfile: deploy/locks/staging.json}
  prod:
    lockfile: deploy/locks/prod.json
"""


def write_entries(path: Path, env: str, entries: dict) -> None:
    write_lock(path, {"version": 1, "project": "shop", "environment": env, "assistants": entries})


@pytest.fixture
def staging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "shop"
    (root / "src" / "shop" / "api").mkdir(parents=True)
    (root / "asst-deploy.yaml").write_text(STAGING)
    write_entries(root / "deploy/locks/staging.json", "staging", {"bot": {"id": "asst_staging"}})
    write_entries(root / "deploy/locks/prod.json", "prod", {"bot": {"id": "asst_prod"}})
    monkeypatch.delenv("ASST_DEPLOY_ENV", raising=False)
    monkeypatch.delenv("ASST_DEPLOY_LOCKFILE", raising=False)
    return root


@pytest.mark.parametrize("where", [".", "src", "src/shop/api", "deploy/locks"])
def test_default_environment_and_lockfile_paths_from_anywhere_inside(staging: Path, where: str, monkeypatch) -> None:
    monkeypatch.chdir(staging / where)
    assert asst_deploy.assistant_id("bot") == "asst_staging"
    assert asst_deploy.assistant_id("bot", env="prod") == "asst_prod"
    monkeypatch.setenv("ASST_DEPLOY_ENV", "prod")
    assert asst_deploy.assistant_id("bot") == "asst_prod"
    assert asst_deploy.assistant_id("bot", path=staging / where) == "asst_prod"


def test_the_cli_and_the_runtime_share_one_lockfile_rule(staging: Path) -> None:
    config = load_config(staging)
    for env in ("staging", "prod"):
        expected = lockfile_path(staging, config, env)
        assert asst_deploy.runtime.find_lockfile(env, staging / "src") == str(expected)


def test_an_edited_config_wins_over_the_index_apply_left(staging: Path, monkeypatch) -> None:
    from asst_deploy.session import leave_runtime_index
    from asst_deploy.project import load_project

    (staging / "assistants").mkdir()
    leave_runtime_index(load_project(staging))
    index = json.loads((staging / INDEX_FILE).read_text())
    assert index["lockfiles"] == {"staging": "deploy/locks/staging.json", "prod": "deploy/locks/prod.json"}
    monkeypatch.chdir(staging / "src")
    assert asst_deploy.assistant_id("bot") == "asst_staging"
    (staging / "asst-deploy.yaml").write_text(STAGING.replace("default_environment: staging", "default_environment: prod"))
    assert asst_deploy.assistant_id("bot") == "asst_prod"


def test_environments_without_a_default_ask_for_one(staging: Path, monkeypatch) -> None:
    (staging / "asst-deploy.yaml").write_text(STAGING.replace("default_environment: staging\n", ""))
    monkeypatch.chdir(staging)
    with pytest.raises(asst_deploy.LockfileNotFound, match="declares the environments staging, prod and no default"):
        asst_deploy.assistant_id("bot")
    with pytest.raises(asst_deploy.LockfileNotFound, match="unknown environment 'qa'.*known environments: staging, prod"):
        asst_deploy.assistant_id("bot", env="qa")


def test_a_project_not_yet_applied_says_which_lockfile_and_command(staging: Path, monkeypatch) -> None:
    (staging / "deploy/locks/prod.json").unlink()
    monkeypatch.chdir(staging)
    with pytest.raises(asst_deploy.LockfileNotFound) as caught:
        asst_deploy.assistant_id("bot", env="prod")
    assert "no lockfile deploy/locks/prod.json for environment 'prod'" in str(caught.value)
    assert "asst-deploy apply --env prod" in str(caught.value)


def test_messages_say_what_is_true(tmp_path: Path) -> None:
    path = tmp_path / "assistants.lock.json"
    write_entries(path, "default", {
        "plain": {"api": "assistants", "id": "asst_1"},
        "helper": {"api": "responses", "responses": {"model": "gpt-4o"}},
    })
    with pytest.raises(asst_deploy.UnknownAssistant) as caught:
        asst_deploy.assistant_id("helper", path=path)
    assert "deployed with api: responses" in str(caught.value)
    assert "responses_kwargs('helper')" in str(caught.value)
    with pytest.raises(asst_deploy.UnknownAssistant) as caught:
        asst_deploy.vector_store_id("plain", path=path)
    assert str(caught.value) == (
        "'plain' has no vector store: its manifest lists no retrieval files (files:), "
        "so nothing was uploaded for file_search"
    )
    with pytest.raises(asst_deploy.UnknownAssistant, match="deployed with api: assistants.*assistant_id"):
        asst_deploy.responses_kwargs("plain", path=path)


def test_ids_json_lists_responses_entries(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "asst-deploy.yaml").write_text("project: shop\napi: responses\n")
    (tmp_path / "assistants").mkdir()
    (tmp_path / "assistants" / "helper.yaml").write_text(textwrap.dedent("""\
        name: helper
        model: gpt-4o
    """))
    write_entries(tmp_path / "assistants.lock.json", "default", {
        "helper": {"api": "responses", "vector_store_id": "vs_1", "responses": {"model": "gpt-4o"}},
    })
    monkeypatch.delenv("ASST_DEPLOY_ENV", raising=False)
    result = Cli(project=tmp_path, backend=None)("ids", "--format", "json")
    assert json.loads(result.output) == {"helper": {"api": "responses", "vector_store_id": "vs_1"}}
