"""A network policy's domain secrets (code_interpreter's container, a shell tool's environment)
come from environment variables at call time, as MCP secrets do: never in a plan, a lockfile or
a request asst-deploy sends, filled in by ``asst_deploy.responses_kwargs`` where the code runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.cli import Cli
from support.projects import write_project
from test_mcp_secrets import _everything_written

import asst_deploy
from asst_deploy.emulator import Emulator
from asst_deploy.emulator.routes_responses import CREATE as RESPONSES_CREATE
from asst_deploy.emulator.sdk_shapes import problems

SECRET = "ghp-d0main-S3CRET-51c9"
POLICY = """\
      network_policy:
        type: allowlist
        allowed_domains: [api.github.com]
        domain_secrets: [{domain: api.github.com, name: GITHUB_TOKEN, value_from_env: GH_TOKEN}]
"""
MANIFEST = f"""\
name: coder
model: gpt-5
tools:
  - type: code_interpreter
    container:
{POLICY}  - type: shell
    environment:
      type: container_auto
{POLICY}"""


def test_domain_secrets_are_read_at_call_time_and_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "p"
    write_project(root, {"asst-deploy.yaml": "project: dom\napi: responses\n", "assistants/coder.yaml": MANIFEST})
    with Emulator() as emulator:
        cli = Cli(project=root, emulator=emulator, environ={"GH_TOKEN": SECRET})
        outputs = [cli("plan").output, cli("apply", "--auto-approve").output]
        cli("plan", "--detailed-exitcode")
        lock = json.loads((root / "assistants.lock.json").read_text())["assistants"]["coder"]
        where = ["network_policy", "domain_secrets", 0, "value"]
        assert lock["responses_env"] == [{"path": ["tools", 0, "container", *where], "env": "GH_TOKEN"},
                                         {"path": ["tools", 1, "environment", *where], "env": "GH_TOKEN"}]
        assert all(SECRET not in text for text in (*outputs, _everything_written(root)))
        monkeypatch.setenv("GH_TOKEN", SECRET)
        kwargs = asst_deploy.responses_kwargs("coder", path=root)
        assert kwargs["tools"][1]["environment"]["network_policy"]["domain_secrets"] == [
            {"domain": "api.github.com", "name": "GITHUB_TOKEN", "value": SECRET}]
        assert problems(kwargs, RESPONSES_CREATE.spec) == []
        monkeypatch.delenv("GH_TOKEN")
        with pytest.raises(asst_deploy.SecretNotSet, match="the domain secret 'GITHUB_TOKEN' for api.github.com "
                                                           "from the environment variable GH_TOKEN"):
            asst_deploy.responses_kwargs("coder", path=root)


def test_a_domain_secret_written_as_it_is_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "p"
    write_project(root, {"asst-deploy.yaml": "project: dom\napi: responses\n",
                         "assistants/coder.yaml": MANIFEST.replace("value_from_env: GH_TOKEN", f"value: {SECRET}")})
    result = Cli(project=root)("validate", code=1)
    assert SECRET not in result.output
    assert result.output.count("value: a domain secret's value would be written into plans and lockfiles") == 2
    assert "assistants/coder.yaml:9:78: tools[0].container.network_policy.domain_secrets[0].value" in result.output
