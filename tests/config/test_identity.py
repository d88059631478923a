"""A project's identity is never guessed (issue 13, ownership): plan/apply/validate refuse without
``project:``, and ``init`` writes a name that another folder of the same name does not share."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from asst_deploy.cli import main

MANIFEST = "name: bot\nmodel: gpt-4o\n"


def _cli(*argv: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(argv), env={"ASST_DEPLOY_ENV": None, "ASST_DEPLOY_BACKEND": None})
    return result.exit_code, result.output


def _folder(root: Path, config: str | None) -> Path:
    (root / "assistants").mkdir(parents=True)
    (root / "assistants/bot.yaml").write_text(MANIFEST)
    if config is not None:
        (root / "asst-deploy.yaml").write_text(config)
    return root


def test_no_config_refuses_plan_apply_destroy_and_says_how_to_create_one(tmp_path: Path) -> None:
    root = _folder(tmp_path / "support", None)
    for command in (("plan",), ("apply", "--auto-approve"), ("destroy", "--auto-approve"), ("show",), ("ids",)):
        extra = () if command[0] == "ids" else ("--backend", "local")
        code, out = _cli(*command, "--project-dir", str(root), *extra)
        assert code == 1, out
        assert f"no asst-deploy.yaml in {root}: the project's config is missing" in out
        assert "run `asst-deploy init`" in out
    assert not (root / ".asst-deploy").exists() and not list(root.glob("*.lock.json"))  # nothing was started


def test_config_without_project_refuses_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    root = _folder(tmp_path / "support", "manifests: assistants/\n")
    code, out = _cli("plan", "--project-dir", str(root), "--backend", "local")
    assert code == 1
    assert "asst-deploy.yaml has no `project:`" in out
    assert "add `project: support-" in out and "`project: support` keeps those objects" in out
    code, out = _cli("validate", "--project-dir", str(root))
    assert code == 1
    assert out.startswith("asst-deploy.yaml: project: missing (it marks every object this project owns")


def test_existing_lockfile_names_the_project_to_keep(tmp_path: Path) -> None:
    root = _folder(tmp_path / "support", "manifests: assistants/\n")
    (root / "assistants.lock.json").write_text(json.dumps(
        {"version": 1, "project": "support", "environment": "default", "assistants": {}}))
    code, out = _cli("plan", "--project-dir", str(root), "--backend", "local")
    assert code == 1 and "add `project: support` to asst-deploy.yaml: that is the name assistants.lock.json records" in out
    (root / "asst-deploy.yaml").unlink()
    code, out = _cli("init", "--project-dir", str(root))
    assert code == 0, out
    assert yaml.safe_load((root / "asst-deploy.yaml").read_text())["project"] == "support"
    assert "assistants.lock.json records" in out


def test_validate_without_config_names_it(tmp_path: Path) -> None:
    root = _folder(tmp_path / "support", None)
    code, out = _cli("validate", "--project-dir", str(root))
    assert code == 1
    assert f"asst-deploy.yaml: not found in {root}: run `asst-deploy init`" in out


def test_init_names_two_same_named_folders_apart_and_then_plan_works(tmp_path: Path) -> None:
    one = _folder(tmp_path / "team1/support", None)
    two = _folder(tmp_path / "team2/Support", None)
    names = []
    for root in (one, two):
        code, out = _cli("init", "--project-dir", str(root))
        assert code == 0, out
        name = yaml.safe_load((root / "asst-deploy.yaml").read_text())["project"]
        assert name.startswith("support-") and len(name) == len("support-") + 6
        assert f"Wrote {root / 'asst-deploy.yaml'} with project: {name}" in out
        names.append(name)
    assert names[0] != names[1]
    code, out = _cli("validate", "--project-dir", str(one))
    assert code == 0, out
    code, out = _cli("plan", "--project-dir", str(one), "--backend", "local")
    assert code == 0, out
    assert "bot" in out


def test_init_never_overwrites_and_creates_the_manifests_folder(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    root.mkdir()
    code, out = _cli("init", "--project-dir", str(root), "--project", "acme-bots")
    assert code == 0 and (root / "assistants").is_dir(), out
    before = (root / "asst-deploy.yaml").read_text()
    assert "project: acme-bots\n" in before
    code, out = _cli("init", "--project-dir", str(root))
    assert code == 1 and "already exists; init never overwrites it" in out
    assert (root / "asst-deploy.yaml").read_text() == before
    code, out = _cli("init", "--project-dir", str(tmp_path / "x"), "--project", "bad/name")
    assert code == 1 and "--project 'bad/name'" in out
