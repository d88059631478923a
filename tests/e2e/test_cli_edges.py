"""The CLI's edges (issue 14): exit codes, saved plans for another target, the missing config,
files the loader skips, the deprecation note, help text, the emulator's state folder."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from asst_deploy.cli import main


def _run(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real entry point in its own interpreter: what a shell or CI step sees."""
    return subprocess.run([sys.executable, "-m", "asst_deploy.cli", *argv], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60)


@pytest.mark.parametrize("argv", [("plan", "--no-such-flag"), ("apply", "--parallelism", "0"), ("nosuchcommand",),
                                  ("validate", "--backend", "local")])
def test_usage_errors_exit_1_never_2(argv: tuple[str, ...], project: Path) -> None:
    result = CliRunner().invoke(main, [*argv, "--project-dir", str(project)])
    assert result.exit_code == 1, result.output
    assert "Error:" in result.output


def test_destroy_refuses_to_rotate_the_credentials_it_deletes(project: Path) -> None:
    result = CliRunner().invoke(main, ["destroy", "--rotate-credentials", "--project-dir", str(project)])
    assert result.exit_code == 1, result.output
    assert "--rotate-credentials sends credentials' secrets again, and destroy deletes the credentials" in result.output


def test_bad_backend_variable_exits_1_and_names_the_variable(project: Path) -> None:
    import os

    result = _run("plan", "--project-dir", str(project), env={**os.environ, "ASST_DEPLOY_BACKEND": "bogus"})
    assert result.returncode == 1, result.stderr
    assert "ASST_DEPLOY_BACKEND='bogus' is not a backend: use one of openai, azure, local" in result.stderr


def test_saved_plan_for_another_environment_is_refused_naming_it(cli, project: Path, tmp_path: Path) -> None:
    planfile = tmp_path / "prod.plan.json"
    cli("plan", "--out", str(planfile), env="prod")
    result = cli("apply", str(planfile), env="dev", code=1)
    assert f"{planfile} was made for environment 'prod', and this apply is for environment 'dev'" in result.output
    assert "apply it with --env prod" in result.output
    assert "stale" not in result.output and "account changed" not in result.output
    assert not (project / "assistants.dev.lock.json").exists()


def test_saved_plan_for_another_backend_is_refused_naming_it(cli, project: Path, tmp_path: Path) -> None:
    planfile = tmp_path / "plan.json"
    cli("plan", "--out", str(planfile))  # the helper passes --backend openai
    result = cli("apply", str(planfile), "--backend", "local", code=1)
    assert "was made for backend 'openai', and this apply is for backend 'local'" in result.output
    assert "apply it with --backend openai" in result.output


def test_out_hint_gives_the_whole_apply_command(cli, project: Path, tmp_path: Path) -> None:
    planfile = tmp_path / "plan.json"
    out = cli("plan", "--out", str(planfile), env="prod").stdout
    command = f"asst-deploy apply --project-dir {project} --env prod --backend openai {planfile}"
    assert f"`{command}` carries out exactly this plan" in out
    argv = command.split()[1:]
    cli(*argv, env=None)  # the hint, as printed, applies the plan
    assert (project / "assistants.prod.lock.json").exists()


NOTE = "note: the Assistants API is deprecated"


def test_deprecation_note_once_and_never_before_an_unrelated_error(cli, project: Path) -> None:
    result = cli("plan")
    assert result.stderr.count(NOTE) == 1
    failed = cli("plan", "--target", "nobody", code=1)
    assert "--target nobody: no such assistant" in failed.stderr
    assert NOTE not in failed.output


def test_files_the_loader_skips_are_named(cli, project: Path) -> None:
    (project / "assistants/extra.json").write_text('{"name": "extra", "model": "gpt-4o"}')
    (project / "assistants/notes.txt").write_text("ideas\n")
    (project / "assistants/.gitkeep").write_text("")
    for command in (("validate",), ("plan",)):
        result = cli(*command)
        assert "warning: assistants/extra.json: not read: manifests are .yaml or .yml files (JSON is YAML too" \
            in result.stderr
        assert "warning: assistants/notes.txt: not read" in result.stderr
        assert ".gitkeep" not in result.stderr


def test_state_folder_ignores_itself_in_git(project: Path) -> None:
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    result = CliRunner().invoke(main, ["plan", "--project-dir", str(project), "--backend", "local", "--env", "dev"])
    assert result.exit_code == 0, result.output
    assert (project / ".asst-deploy/.gitignore").read_text().splitlines()[-1] == "*"
    git = ["git", "-C", str(project), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    staged = subprocess.run([*git, "ls-files"], capture_output=True, text=True, check=True).stdout.splitlines()
    assert "asst-deploy.yaml" in staged
    assert not [path for path in staged if path.startswith(".asst-deploy/")], staged


@pytest.mark.parametrize("command", ["init", "validate", "plan", "apply", "destroy", "ids", "show", "import",
                                     "export", "schema", "emulator"])
def test_every_help_has_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert re.search(rf"Examples:\n +asst-deploy {command}\b", result.output), result.output


def test_commands_show_only_the_options_they_use() -> None:
    def options(command: str) -> str:
        return CliRunner().invoke(main, [command, "--help"]).output

    for command in ("validate", "ids"):  # they send nothing
        assert "--backend" not in options(command) and "--verbose" not in options(command)
    assert "--api" not in options("ids")  # the lockfile is per environment, whatever the api
    for command in ("plan", "apply", "destroy", "show", "import", "export"):
        assert "--backend" in options(command)


def test_apply_without_a_terminal_needs_auto_approve(cli, project: Path) -> None:
    result = cli("apply", code=1)  # CliRunner's stdin is no terminal
    assert "will be created" in result.stdout
    assert "error: apply needs --auto-approve when there is no terminal to confirm on" in result.stderr
    assert not (project / "assistants.dev.lock.json").exists()


def test_ids_of_an_environment_never_applied_says_nothing_is_deployed(cli, project: Path) -> None:
    cli("apply", "--auto-approve")
    never = cli("ids", env="prod")
    assert json.loads(never.stdout) == {}  # stdout stays what scripts parse
    assert ("note: nothing is deployed in environment 'prod': there is no assistants.prod.lock.json "
            "(`asst-deploy apply --env prod` deploys the manifests there)") in never.stderr
    deployed = cli("ids")
    assert json.loads(deployed.stdout) and deployed.stderr == ""


def test_destroy_without_a_terminal_says_destroy_and_how_to_review_one(cli, project: Path) -> None:
    """Regression: destroy said "apply needs --auto-approve ... or apply a saved plan"."""
    cli("apply", "--auto-approve")
    result = cli("destroy", code=1)
    assert "will be destroyed" in result.stdout
    assert ("error: destroy needs --auto-approve when there is no terminal to confirm on "
            "(or destroy a saved plan: destroy --out FILE, then apply FILE)") in result.stderr
    assert "apply needs" not in result.stderr


def test_a_reviewed_destroy_is_saved_then_carried_out_by_apply(cli, project: Path, tmp_path: Path) -> None:
    """``destroy --out FILE`` deletes nothing and saves the destroy plan (as ``terraform plan -destroy
    -out``); ``apply FILE`` carries out exactly that plan, and refuses it once it is stale."""
    cli("apply", "--auto-approve")
    planfile = tmp_path / "dev.destroy.json"
    saved = cli("destroy", "--out", str(planfile), "--format", "markdown")
    assert "will be destroyed" not in saved.stdout and "destroy" in saved.stdout.lower()
    assert cli("plan", "--detailed-exitcode", code=0)  # nothing was deleted
    doc = json.loads(planfile.read_text())
    assert doc["destroy"] is True and doc["summary"]["delete"] == 8
    done = cli("apply", str(planfile)).stdout  # a saved plan needs no confirmation
    assert "Destroy complete! Resources: 8 destroyed." in done
    again = cli("plan", "--format", "json")
    assert json.loads(again.stdout)["summary"]["create"] == doc["summary"]["delete"]  # all of it, to create again


def test_a_stale_reviewed_destroy_is_refused(cli, project: Path, tmp_path: Path) -> None:
    cli("apply", "--auto-approve")
    planfile = tmp_path / "dev.destroy.json"
    cli("destroy", "--out", str(planfile))
    cli("apply", "--auto-approve")  # nothing changed: still fresh
    (project / "assistants/math-tutor.yaml").unlink()
    cli("apply", "--auto-approve")
    result = cli("apply", str(planfile), code=1)
    assert "saved plan is stale" in result.stderr


def test_validate_says_its_errors_on_stderr(cli, project: Path) -> None:
    """Regression: validate printed its errors on stdout, where plan prints them on stderr."""
    path = project / "assistants/math-tutor.yaml"
    path.write_text(path.read_text() + "temperature: 9\n")
    result = cli("validate", code=1)
    assert result.stdout == ""
    assert "temperature: must be between 0 and 2, got 9" in result.stderr
    assert "nothing was sent to the API." in result.stderr
