"""asst-deploy.yaml: defaults, environment resolution, lockfile paths, api and settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from asst_deploy.config import (
    ProjectConfig,
    api_for,
    default_project_name,
    environment_settings,
    lockfile_path,
    resolve_environment,
)
from asst_deploy.config_file import load_config
from asst_deploy.errors import AsstDeployError, ValidationFailed
from asst_deploy.assemble import validate_project


def config(**data) -> ProjectConfig:
    return ProjectConfig.model_validate({"project": "p", **data})


def test_missing_file_means_defaults_and_no_identity(tmp_path: Path) -> None:
    """No project name is guessed from the folder (issue 13): commands refuse, see test_identity."""
    folder = tmp_path / "My Project!"
    folder.mkdir()
    loaded = load_config(folder)
    assert (loaded.project, loaded.manifests, loaded.api, loaded.environments) == (
        None, "assistants/", "assistants", {}
    )


def test_default_project_name_is_an_identifier() -> None:
    assert default_project_name(Path("/x/__Weird Name")) == "weird-name"


def test_no_environments_means_default() -> None:
    assert resolve_environment(config(), None) == "default"
    assert resolve_environment(config(), "default") == "default"
    with pytest.raises(AsstDeployError, match="declares no environments"):
        resolve_environment(config(), "prod")


def test_environment_choice() -> None:
    c = config(environments={"dev": {}, "prod": {}}, default_environment="dev")
    assert resolve_environment(c, None) == "dev"
    assert resolve_environment(c, "prod") == "prod"
    with pytest.raises(AsstDeployError, match="unknown environment 'qa'; known environments: dev, prod"):
        resolve_environment(c, "qa")


def test_environments_without_a_choice_list_them() -> None:
    with pytest.raises(AsstDeployError, match="choose an environment: dev, prod") as caught:
        resolve_environment(config(environments={"dev": {}, "prod": {}}), None)
    assert "--env" in str(caught.value)


def test_lockfile_paths(tmp_path: Path) -> None:
    assert lockfile_path(tmp_path, config(), "default") == tmp_path / "assistants.lock.json"
    assert lockfile_path(tmp_path, config(lockfile="state/x.json"), "default") == tmp_path / "state/x.json"
    c = config(environments={"dev": {}, "prod": {"lockfile": "locks/prod.json"}})
    assert lockfile_path(tmp_path, c, "dev") == tmp_path / "assistants.dev.lock.json"
    assert lockfile_path(tmp_path, c, "prod") == tmp_path / "locks/prod.json"


def test_api_and_settings_per_environment() -> None:
    c = config(api="responses", backend="openai", parallelism=4,
               environments={"dev": {"api": "agents", "backend": "local"}, "prod": {"timeout": 30}})
    assert api_for(c, "dev") == "agents"
    assert api_for(c, "prod") == "responses"
    assert api_for(c, "prod", "assistants") == "assistants"
    assert environment_settings(c, "dev") == {
        "backend": "local", "base_url": None, "azure_endpoint": None, "api_version": None,
        "parallelism": 4, "max_retries": None, "timeout": None, "rate_limit_wait": None,
    }
    assert environment_settings(c, "prod")["timeout"] == 30


def test_environment_overrides_are_kept(tmp_path: Path) -> None:
    (tmp_path / "asst-deploy.yaml").write_text(
        "environments:\n  dev:\n    model: gpt-4o-mini\n    name_prefix: '[dev] '\n"
    )
    dev = load_config(tmp_path).environments["dev"]
    assert (dev.overrides, dev.name_prefix) == ({"model": "gpt-4o-mini"}, "[dev] ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("enviroments: {}\n", "asst-deploy.yaml:1:1: enviroments: unknown key; did you mean 'environments'?"),
        ("api: assistant\n", "asst-deploy.yaml:1:6: api: must be one of 'assistants', 'agents' or 'responses', "
         "got 'assistant'; did you mean 'assistants'?"),
        ("project: 'acme support'\n", "asst-deploy.yaml:1:10: project: 'acme support' must start with a letter "
         "or digit and hold only letters, digits, . _ and - (at most 64)"),
        ("default_environment: qa\nenvironments: {dev: {}}\n",
         "asst-deploy.yaml:1:22: default_environment: no environment 'qa' under environments: (known: dev)"),
        ("environments:\n  dev:\n    modle: x\n",
         "asst-deploy.yaml:3:5: environments.dev.modle: unknown key; did you mean 'model'?"),
        ("defaults:\n  name: x\n", "asst-deploy.yaml:2:3: defaults.name: each manifest names itself: "
         "name cannot be set here"),
        ("environments:\n  'my env': {}\n", "asst-deploy.yaml:2:3: environments.my env: 'my env' must start "
         "with a letter or digit and hold only letters, digits, . _ and - (at most 64)"),
        ("parallelism: '8'\n", "asst-deploy.yaml:1:14: parallelism: expected an integer, got string '8'; "
         "remove the quotes"),
        ("a: 1\na: 2\n", "asst-deploy.yaml:2:1: a: duplicate key (first at line 1); keep only one"),
        ("[1, 2]\n", "asst-deploy.yaml:1:1: asst-deploy.yaml must be a mapping of settings"),
    ],
)
def test_config_errors(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "asst-deploy.yaml").write_text(text)
    with pytest.raises(ValidationFailed) as caught:
        load_config(tmp_path)
    assert str(caught.value.problems[0]) == expected


def test_validate_checks_every_environment_under_its_api(make_project) -> None:
    root = make_project(
        {"assistants/a.yaml": "name: a\nmodel: m\ntemperature: 0.5\n"},
        config="environments:\n  dev: {}\n  edge: {api: agents}\n",
    )
    assert [str(p) for p in validate_project(root)] == [
        "assistants/a.yaml:3:14: temperature: not available with api: agents; "
        "api: responses or api: assistants support it"
    ]
    assert validate_project(root, env="dev") == []
