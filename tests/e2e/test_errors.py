"""Bad input and bad surroundings: one clear line, exit 1, nothing written, no secret shown."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from click.testing import Result
from support.cli import Cli
from support.json_server import Answer, json_server

import asst_deploy
from asst_deploy.lock.file import LockfileError

KEY = "sk-proj-SECRETSECRET0123456789abcdef"


def run(project: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    """``asst-deploy`` with ``--env dev`` and only the variables given (the backend is in ``args``)."""
    return Cli(project=project, env="dev", backend=None, key=None)(*args, environ=env, code=None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_missing_api_key_names_the_variable(project: Path, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = run(project, "plan", "--backend", "openai")
    assert result.exit_code == 1
    assert "OPENAI_API_KEY is not set" in result.output and "--backend local" in result.output
    assert "Traceback" not in result.output


def test_unreachable_server_is_one_line_without_the_key(project: Path):
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = run(project, "plan", "--backend", "openai", "--max-retries", "0",
                 env={"OPENAI_BASE_URL": url, "OPENAI_API_KEY": KEY})
    assert result.exit_code == 1
    assert "cannot reach http://127.0.0.1" in result.output
    assert KEY not in result.output and "Traceback" not in result.output
    assert not (project / "assistants.dev.lock.json").exists()


def test_lockfile_that_is_not_json_is_a_clear_error(project: Path, asst_emulator):
    (project / "assistants.dev.lock.json").write_text('{"version": 1, "assistants": {', encoding="utf-8")
    result = run(project, "plan", "--backend", "openai",
                 env={"OPENAI_BASE_URL": asst_emulator.base_url, "OPENAI_API_KEY": KEY})
    assert result.exit_code == 1
    assert "assistants.dev.lock.json: not valid JSON" in result.output
    assert "delete it to rebuild it from the account" in result.output
    assert asst_emulator.total_requests() == 0


def test_lockfile_with_merge_conflict_markers_says_so(project: Path, asst_emulator):
    ours = json.dumps({"version": 1, "project": "acme-support", "environment": "dev",
                       "assistants": {"support-bot": {"id": "asst_ours"}}}, indent=2).splitlines()
    theirs = [line.replace("asst_ours", "asst_theirs") for line in ours]
    conflicted = ours[:4] + ["<<<<<<< HEAD", ours[4], "=======", theirs[4], ">>>>>>> feature"] + ours[5:]
    (project / "assistants.dev.lock.json").write_text("\n".join(conflicted) + "\n", encoding="utf-8")
    result = run(project, "plan", "--backend", "openai",
                 env={"OPENAI_BASE_URL": asst_emulator.base_url, "OPENAI_API_KEY": KEY})
    assert result.exit_code == 1
    assert "assistants.dev.lock.json: the lockfile holds git merge conflict markers" in result.output
    assert "resolve them, or delete it" in result.output and "not valid JSON" not in result.output
    assert asst_emulator.total_requests() == 0
    with pytest.raises(LockfileError, match="git merge conflict markers"):
        asst_deploy.assistant_id("support-bot", env="dev", path=project)


def test_lockfile_of_unknown_version_is_refused(project: Path, asst_emulator):
    lock = {"version": 9, "project": "acme-support", "environment": "dev", "assistants": {}}
    (project / "assistants.dev.lock.json").write_text(json.dumps(lock), encoding="utf-8")
    result = run(project, "apply", "--backend", "openai", "--auto-approve",
                 env={"OPENAI_BASE_URL": asst_emulator.base_url, "OPENAI_API_KEY": KEY})
    assert result.exit_code == 1 and "lockfile version 9 is not supported" in result.output
    assert asst_emulator.counter().get("POST /v1/assistants", 0) == 0


def test_verbose_prints_one_line_per_request_and_no_header(project: Path, asst_emulator):
    result = run(project, "plan", "-v", "--backend", "openai",
                 env={"OPENAI_BASE_URL": asst_emulator.base_url, "OPENAI_API_KEY": KEY})
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.startswith("  GET /v1/")]
    assert len(lines) == asst_emulator.total_requests() == 4  # the three lists, then the model list (the plan creates)
    assert all(line.split()[2] == "200" and line.endswith(" ms") for line in lines)
    assert KEY not in result.output and "Bearer" not in result.output and "authorization" not in result.output.lower()


def test_azure_needs_its_variables(project: Path, monkeypatch):
    for name in ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "OPENAI_API_VERSION"):
        monkeypatch.delenv(name, raising=False)
    result = run(project, "plan", "--backend", "azure")
    assert result.exit_code == 1 and "AZURE_OPENAI_ENDPOINT is not set" in result.output
    result = run(project, "plan", "--backend", "azure",
                 env={"AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com", "AZURE_OPENAI_API_KEY": KEY})
    assert result.exit_code == 1 and "OPENAI_API_VERSION is not set" in result.output
    assert KEY not in result.output


def test_unknown_environment_lists_the_known_ones(project: Path):
    result = Cli(project=project, backend="local")("plan", env="qa", code=1)
    assert result.exit_code == 1
    assert "unknown environment 'qa'; known environments: dev, prod" in result.output


def test_objects_the_client_cannot_read_are_named(project: Path):
    """A 'compatible' server whose assistant has a malformed tools field."""
    listed = {"object": "list", "has_more": False, "data": [
        {"id": "asst_broken", "object": "assistant", "model": "gpt-4o", "created_at": 1,
         "metadata": {"asst-deploy": "acme-support/dev/math-tutor"}, "tools": 5}]}
    with json_server(lambda _: Answer(200, listed)) as server:
        result = run(project, "plan", "--backend", "openai", "--max-retries", "0",
                     env={"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": KEY})
    assert result.exit_code == 1
    assert "cannot read assistant asst_broken from the account" in result.output
    assert "Traceback" not in result.output


def test_azure_backend_deploys_and_a_bad_api_version_is_one_line(project: Path, asst_emulator):
    endpoint = asst_emulator.base_url[: -len("/v1")]  # the emulator also serves Azure's {endpoint}/openai/...
    env = {"AZURE_OPENAI_ENDPOINT": endpoint, "AZURE_OPENAI_API_KEY": KEY, "OPENAI_API_VERSION": "2025-04-01-preview"}
    result = run(project, "apply", "--backend", "azure", "--auto-approve", env=env)
    assert result.exit_code == 0, result.output
    assert any(key.startswith("POST /v1/assistants") for key in asst_emulator.counter())
    assert run(project, "plan", "--backend", "azure", "--detailed-exitcode", env=env).exit_code == 0
    result = run(project, "plan", "--backend", "azure", env={**env, "OPENAI_API_VERSION": "latest"})
    assert result.exit_code == 1
    assert "API version not supported" in result.output and KEY not in result.output


def test_sigterm_while_planning_exits_130(project: Path):
    """Before apply's own steps start (imports, listing), SIGTERM still means exit 130."""
    import signal

    from support.waiting import wait_until

    from asst_deploy.emulator import Emulator, EmulatorConfig

    with Emulator(EmulatorConfig(latency_ms=3000)) as emulator:
        proc = Cli(project=project, emulator=emulator, env="dev", key=KEY).spawn("plan")
        wait_until(emulator.total_requests, timeout=20, every=0.05)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err


@pytest.mark.asst_emulator(processing_seconds=600)
def test_a_store_still_processing_at_the_deadline_is_one_clear_line(project: Path, asst_emulator):
    """--wait-timeout passed while the store still processes: the message says how many files and
    what to do (it raised AttributeError: the store's file_counts became a dict in issue 17)."""
    result = run(project, "apply", "--backend", "openai", "--auto-approve", "--wait-timeout", "0.3",
                 env={"OPENAI_BASE_URL": asst_emulator.base_url, "OPENAI_API_KEY": KEY})
    assert result.exit_code == 1, result.output
    assert "vector store for support-bot still processing 3 file(s) at the deadline; raise --wait-timeout" \
        in result.output, result.output
    assert "Traceback" not in result.output and "AttributeError" not in result.output
