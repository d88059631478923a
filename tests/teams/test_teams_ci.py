"""The CI recipes and the pre-commit hook: valid YAML, every asst-deploy command line accepted by the
real CLI, and the recipes' commands run in their order against the emulator."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import click
import pytest
import yaml

from asst_deploy.cli import main
from support.projects import REPO, copy_example

GITHUB = REPO / "docs/ci/github-actions.yml"
GITLAB = REPO / "docs/ci/gitlab-ci.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
SHELL_STOP = {">", ">>", "|", "||", "&&", ";", "2>&1", "2>", "&"}


def _scripts(node: Any) -> Iterator[str]:
    """Every shell script in a CI file: GitHub `run:` values and GitLab `script:` items."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script", "before_script", "after_script"):
                yield from ([value] if isinstance(value, str) else [v for v in value if isinstance(v, str)])
            else:
                yield from _scripts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _scripts(item)


def command_lines(path: Path) -> list[list[str]]:
    """Each `asst-deploy ...` invocation in a CI file, as argv (without the program name)."""
    found = []
    for script in _scripts(yaml.safe_load(path.read_text())):
        for line in script.replace("\\\n", " ").splitlines():
            line = line.split(" #", 1)[0].strip()
            if not line.startswith("asst-deploy "):
                continue
            words = []
            for word in shlex.split(line)[1:]:
                if word in SHELL_STOP or word.startswith(">"):
                    break
                words.append(word)
            found.append(words)
    return found


def _parse(argv: list[str]) -> click.Context:
    with main.make_context("asst-deploy", list(argv), resilient_parsing=False) as ctx:
        name, command, rest = main.resolve_command(ctx, ctx.protected_args + ctx.args)
        return command.make_context(name, rest, parent=ctx)


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_recipe_is_yaml_and_every_command_parses(path: Path) -> None:
    lines = command_lines(path)
    commands = {argv[0] for argv in lines}
    assert {"validate", "plan", "apply"} <= commands
    for argv in lines:
        ctx = _parse(argv)  # raises click.UsageError on an unknown option or a bad value
        assert ctx.command.name == argv[0]
    plans = [argv for argv in lines if argv[0] == "plan"]
    assert any("--format" in a and "markdown" in a and "--detailed-exitcode" in a for a in plans)
    assert all("--auto-approve" in argv for argv in lines if argv[0] == "apply")


def test_github_recipe_shape() -> None:
    doc = yaml.safe_load(GITHUB.read_text())
    triggers = doc[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) >= {"pull_request", "push", "schedule"}
    assert triggers["push"]["branches"] == ["main"]
    jobs = doc["jobs"]
    assert jobs["plan"]["strategy"]["matrix"]["environment"] == ["dev", "prod"]
    assert jobs["plan"]["permissions"]["pull-requests"] == "write"
    assert "createComment" in str(jobs["plan"]["steps"])
    for name, env in (("apply-dev", "dev"), ("apply-prod", "prod")):
        job = jobs[name]
        assert job["concurrency"]["group"].endswith(env) and job["concurrency"]["cancel-in-progress"] is False
        assert job["env"]["ASST_DEPLOY_ENV"] == env
        assert "refs/heads/main" in job["if"]
    assert jobs["apply-prod"]["needs"] == "apply-dev"
    assert "schedule" in jobs["drift"]["if"] and "--detailed-exitcode" in str(jobs["drift"]["steps"])


def test_gitlab_recipe_shape() -> None:
    doc = yaml.safe_load(GITLAB.read_text())
    assert doc["stages"] == ["validate", "plan", "apply", "drift"]
    assert doc["plan"]["parallel"]["matrix"] == [{"ASST_DEPLOY_ENV": ["dev", "prod"]}]
    assert "merge_requests/$CI_MERGE_REQUEST_IID/notes" in str(doc["plan"]["script"])
    assert doc["apply-dev"]["resource_group"] != doc["apply-prod"]["resource_group"]
    assert doc["apply-prod"]["needs"] == ["apply-dev"]
    assert "schedule" in str(doc["drift"]["rules"])




@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_recipe_commands_run_in_order_against_the_emulator(path: Path, tmp_path: Path, cli,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """validate, plan on the pull request (2: changes), apply and test on merge, then the drift check (0)."""
    monkeypatch.chdir(tmp_path)  # the recipes' reports (test --out, --junit) are written in the working folder
    project = copy_example(tmp_path / "project")
    cli.environ["ASST_DEPLOY_ENV"] = "dev"  # as the recipes set it per job
    seen = []
    for argv in command_lines(path):
        name = argv[0]
        if name == "plan" and name in seen and "apply" not in seen:
            continue  # the same plan again (another job): nothing new to learn
        expected = 2 if name == "plan" and "apply" not in seen and "--detailed-exitcode" in argv else 0
        result = cli(project, *argv, backend=name != "validate", code=expected)
        if name == "plan" and "markdown" in argv:
            assert result.stdout.startswith("### asst-deploy plan")
        seen.append(name)
    assert seen[-1] == "plan" and "apply" in seen and seen.index("test") > seen.index("apply")
    assert (project / "assistants.dev.lock.json").exists()


def test_pre_commit_hook_manifest_is_valid() -> None:
    from pre_commit.clientlib import load_manifest

    hooks = {h["id"]: h for h in load_manifest(str(HOOKS))}
    hook = hooks["validate"]
    assert hook["entry"] == "asst-deploy validate" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    for name in ("asst-deploy.yaml", "assistants/support-bot.yaml", "prompts/support.md", "schemas/x.json"):
        assert pattern.search(name), name
    assert not pattern.search("src/app.py")
    assert _parse(shlex.split(hook["entry"])[1:]).command.name == "validate"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


@pytest.mark.heavy(40)
def test_pre_commit_installs_and_runs_the_hook(tmp_path: Path) -> None:
    """pre-commit itself installs this repo (its dependencies from PyPI) and runs the hook: it passes
    on the example project and fails, naming file and line, on a broken manifest. ~20 s."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    project = copy_example(tmp_path / "project")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "example")
    # a clean repository holding this working tree: try-repo on a dirty one makes a new shadow
    # commit per run, and so installs the hook's environment again each time
    hook_repo = tmp_path / "asst-deploy"
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO, check=True,
                            capture_output=True, text=True).stdout.split("\0")
    for rel in filter(None, listed):
        source = REPO / rel
        if source.is_file() and not rel.startswith(("tests/", "bench/")):
            (hook_repo / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, hook_repo / rel)
    _git(hook_repo, "init", "-q")
    _git(hook_repo, "add", "-A")
    _git(hook_repo, "commit", "-qm", "working tree")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, check=True, capture_output=True,
                         text=True).stdout.strip()
    # the user's .pre-commit-config.yaml (try-repo would install the hook afresh on every run)
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: validate\n")
    # PIP_NO_COMPILE: the hook's environment gets no .pyc for its ~2,000 installed modules (a third of
    # this test's CPU); the hook imports the few it needs
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PIP_NO_COMPILE": "1"}
    env.pop("ASST_DEPLOY_ENV", None)
    command = [sys.executable, "-m", "pre_commit", "run", "validate", "--all-files"]

    ok = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    if ok.returncode != 0 and re.search(r"(?i)could not (find|fetch)|connection|network is unreachable",
                                        ok.stdout + ok.stderr):
        pytest.skip("pre-commit could not install the hook's dependencies (no network to PyPI)")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "asst-deploy validate" in ok.stdout and "Passed" in ok.stdout

    manifest = project / "assistants/support-bot.yaml"
    manifest.write_text(manifest.read_text().replace("temperature: 0.3", "temperature: 7"))
    bad = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert bad.returncode == 1, bad.stdout + bad.stderr
    assert "Failed" in bad.stdout and "assistants/support-bot.yaml:" in bad.stdout
    assert "temperature" in bad.stdout
