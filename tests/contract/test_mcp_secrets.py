"""MCP secrets come from environment variables at call time and are never written: a distinctive
value set in the environment of every command must appear in no output, plan file or lockfile,
while ``asst_deploy.responses_kwargs`` (and the Agents SDK helper) fill it in where the code runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from support.cli import Cli
from support.projects import write_project

import asst_deploy
from asst_deploy.emulator import Emulator, EmulatorConfig
from asst_deploy.emulator.routes_responses import CREATE as RESPONSES_CREATE
from asst_deploy.emulator.sdk_shapes import problems

SECRET = "Bearer s3cr3t-MCP-7f3a91"
TOKEN = "oauth-tok-4c2d88e1"
API_KEY = "k3y-VALUE-90e1b7"
MANIFEST = """\
name: helper
model: gpt-4o
tools:
  - type: mcp
    server_label: tickets
    authorization_from_env: MCP_OAUTH
    transport:
      type: http
      server_url: https://mcp.example.com/t
      headers: {X-Team: support, X-Request-Source: deploy, Accept: application/json}
      headers_from_env: {Authorization: MCP_TOKEN, X-Api-Key: MCP_KEY}
  - type: mcp
    server_label: mail
    connector_id: connector_gmail
    authorization_from_env: MCP_OAUTH
"""


def _everything_written(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def test_secrets_are_read_at_call_time_and_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "p"
    write_project(root, {"asst-deploy.yaml": "project: sec\napi: responses\n", "assistants/helper.yaml": MANIFEST})
    secrets = {"MCP_TOKEN": SECRET, "MCP_OAUTH": TOKEN, "MCP_KEY": API_KEY}
    with Emulator(EmulatorConfig(record_bodies=True)) as emulator:
        cli = Cli(project=root, emulator=emulator, environ=dict(secrets))
        outputs = [cli("validate").output, cli("plan").output, cli("plan", "--format", "json").output,
                   cli("plan", "--format", "markdown", "--out", str(root / "helper.plan")).output,
                   cli("apply", "--auto-approve", "-v").output, cli("show", "helper").output, cli("ids").output]
        again = cli("plan", "--detailed-exitcode", code=None)
        assert again.exit_code == 0, again.output
        sent = json.dumps(emulator.bodies())
        lock = json.loads((root / "assistants.lock.json").read_text())["assistants"]["helper"]
        assert lock["responses_env"] == [
            {"path": ["tools", 0, "headers", "Authorization"], "env": "MCP_TOKEN"},
            {"path": ["tools", 0, "headers", "X-Api-Key"], "env": "MCP_KEY"},
            {"path": ["tools", 0, "authorization"], "env": "MCP_OAUTH"},
            {"path": ["tools", 1, "authorization"], "env": "MCP_OAUTH"},
        ]
        assert "$MCP_TOKEN" in outputs[1] or "MCP_TOKEN" in outputs[1]  # the plan names the variable
        for text in (*outputs, again.output, sent, _everything_written(root)):
            assert SECRET not in text and "s3cr3t" not in text and TOKEN not in text and API_KEY not in text

        for name, value in secrets.items():
            monkeypatch.setenv(name, value)
        kwargs = asst_deploy.responses_kwargs("helper", path=root)
        assert kwargs["tools"][0]["headers"] == {"X-Team": "support", "X-Request-Source": "deploy",
                                                 "Accept": "application/json", "Authorization": SECRET,
                                                 "X-Api-Key": API_KEY}
        assert kwargs["tools"][0]["authorization"] == kwargs["tools"][1]["authorization"] == TOKEN
        assert problems(kwargs, RESPONSES_CREATE.spec) == []
        client = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)
        client.responses.create(**kwargs, input="hello")  # the SDK and the emulator take the filled kwargs

        monkeypatch.delenv("MCP_TOKEN")
        with pytest.raises(asst_deploy.SecretNotSet, match=r"header Authorization of MCP server 'tickets'.*MCP_TOKEN"):
            asst_deploy.responses_kwargs("helper", path=root)


def test_renaming_the_variable_is_planned_by_name(tmp_path: Path) -> None:
    root = tmp_path / "p"
    write_project(root, {"asst-deploy.yaml": "project: sec\napi: responses\n", "assistants/helper.yaml": MANIFEST})
    with Emulator() as emulator:
        cli = Cli(project=root, emulator=emulator, environ={"MCP_TOKEN": SECRET, "MCP_OAUTH": TOKEN, "MCP_KEY": "k"})
        cli("apply", "--auto-approve")
        (root / "assistants/helper.yaml").write_text(MANIFEST.replace("Authorization: MCP_TOKEN",
                                                                      "Authorization: TICKETS_TOKEN"))
        plan = cli("plan", "--detailed-exitcode", code=2).output
        assert "MCP_TOKEN" in plan and "TICKETS_TOKEN" in plan and "s3cr3t" not in plan
        cli("apply", "--auto-approve")
        lock = json.loads((root / "assistants.lock.json").read_text())["assistants"]["helper"]
        assert lock["responses_env"][0] == {"path": ["tools", 0, "headers", "Authorization"], "env": "TICKETS_TOKEN"}
        cli("plan", "--detailed-exitcode")


REFUSED = [
    ("agents", "      headers_from_env: {X-Api-Key: MCP_KEY}\n", "tools[0].transport.headers_from_env.X-Api-Key",
     "headers_from_env takes only Authorization there"),
    ("agents", "    authorization_from_env: MCP_OAUTH\n    credential_id: cred_1\n", "tools[0].credential_id",
     "remove credential_id"),
    ("responses", "    revision: 2\n", "tools[0].revision", "api: agents supports it"),
    ("agents", "    authorization_from_env: A\n    oauth: {client_id: c, token_endpoint: http://a.example.com/t, "
     "refresh_token_from_env: R}\n", "tools[0].oauth.token_endpoint", "must be an https:// URL"),
    ("agents", "    authorization_from_env: A\n    oauth: {client_id: c, token_endpoint: https://a.example.com/t, "
     "refresh_token_from_env: R, token_endpoint_auth: client_secret_basic}\n", "tools[0].oauth",
     "give client_secret_from_env"),
    ("responses", "    oauth: {client_id: c, token_endpoint: https://a.example.com/t, refresh_token_from_env: R}\n",
     "tools[0].oauth", "api: agents supports it"),
    ("responses", "      headers: {Authorization: Bearer abc}\n", "tools[0].transport.headers.Authorization",
     "headers_from_env: {Authorization: VARIABLE}"),
    ("agents", "      headers: {authorization: Bearer abc}\n", "tools[0].transport.headers.authorization",
     "write headers_from_env: {Authorization: VARIABLE}"),
    ("responses", "      headers: {X-Key: abc}\n      headers_from_env: {x-key: K}\n",
     "tools[0].transport.headers.X-Key", "also in headers_from_env"),
    ("assistants", "    authorization_from_env: MCP_OAUTH\n", "tools[0].type", "mcp is not available with api: assistants"),
    ("responses", "      headers_from_env: {Authorization: 1BAD}\n", "tools[0].transport.headers_from_env.Authorization",
     "not an environment variable"),
]


@pytest.mark.parametrize(("api", "line", "where", "says"), REFUSED)
def test_what_an_api_cannot_take_is_refused_with_its_place(tmp_path: Path, api: str, line: str, where: str,
                                                           says: str) -> None:
    body = ("name: helper\nmodel: gpt-4o\ntools:\n  - type: mcp\n    server_label: t\n" + (
        line if not line.startswith("      ") else "") +
        "    transport:\n      type: http\n      server_url: https://mcp.example.com/t\n" +
        (line if line.startswith("      ") else ""))
    root = tmp_path / "p"
    write_project(root, {"asst-deploy.yaml": f"project: sec\napi: {api}\n", "assistants/helper.yaml": body})
    result = Cli(project=root)("validate", code=1)
    assert "assistants/helper.yaml:" in result.output and says in result.output, result.output
    line_no = [i + 1 for i, text in enumerate(body.splitlines()) if where.split(".")[-1].split("[")[0] in text]
    assert any(f"helper.yaml:{n}:" in result.output for n in line_no), result.output
    assert "abc" not in result.output.replace("abc}", "")  # a refused secret value is not echoed


def test_the_agents_sdk_helper_fills_the_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    agents = pytest.importorskip("agents")
    agents.set_tracing_disabled(True)
    root = tmp_path / "p"
    write_project(root, {"asst-deploy.yaml": "project: sec\napi: responses\n", "assistants/helper.yaml": MANIFEST})
    with Emulator() as emulator:
        Cli(project=root, emulator=emulator)("apply", "--auto-approve")
    monkeypatch.setenv("MCP_OAUTH", TOKEN)
    monkeypatch.setenv("MCP_KEY", API_KEY)
    with pytest.raises(asst_deploy.SecretNotSet, match="MCP_TOKEN"):
        asst_deploy.agents.agent("helper", path=root)
    monkeypatch.setenv("MCP_TOKEN", SECRET)
    built: Any = asst_deploy.agents.agent("helper", path=root)
    configs = [tool.tool_config for tool in built.tools]
    assert configs[0]["headers"]["Authorization"] == SECRET and configs[0]["headers"]["X-Api-Key"] == API_KEY
    assert configs[0]["authorization"] == configs[1]["authorization"] == TOKEN


LEAKY = "plain-V4LUE-5e0c2a"


@pytest.mark.parametrize("header", ["X-Api-Key", "api-key", "X-AUTH-TOKEN", "X-Vault-Token", "X-Client-Secret",
                                    "X-Db-Password", "X-Goog-ApiKey", "x_api_key", "Cookie", "Proxy-Authorization"])
def test_a_credential_header_in_plain_headers_is_refused_before_anything_is_sent(tmp_path: Path, header: str) -> None:
    """Its value would be written into plans and lockfiles: refused with its place and the fix, for
    every command, nothing sent, the value echoed nowhere."""
    body = ("name: helper\nmodel: gpt-4o\ntools:\n  - type: mcp\n    server_label: t\n    transport:\n"
            "      type: http\n      server_url: https://mcp.example.com/t\n"
            f"      headers: {{Accept: application/json, {header}: {LEAKY}}}\n")
    root = tmp_path / "p"
    write_project(root, {"asst-deploy.yaml": "project: sec\napi: responses\n", "assistants/helper.yaml": body})
    with Emulator(EmulatorConfig(record_bodies=True)) as emulator:
        cli = Cli(project=root, emulator=emulator)
        outputs = [cli(*command, code=1).output for command in (
            ("validate",), ("plan",), ("plan", "--format", "json"), ("plan", "--out", str(root / "p.plan")),
            ("apply", "--auto-approve", "-v"))]
        assert emulator.bodies() == []
    for output in outputs:
        assert f"assistants/helper.yaml:9:" in output, output
        assert f"tools[0].transport.headers.{header}" in output and f"headers_from_env: {{{header}: VARIABLE}}" \
            in output, output
    for text in (*outputs, _everything_written(root).replace(body, "")):
        assert LEAKY not in text
    assert not (root / "assistants.lock.json").exists() and not (root / "p.plan").exists()


@pytest.mark.parametrize("header", ["X-Request-Source", "Accept", "X-Team", "X-Trace-Id", "User-Agent", "X-Keyword"])
def test_plain_headers_that_carry_no_credential_still_pass(tmp_path: Path, header: str) -> None:
    body = ("name: helper\nmodel: gpt-4o\ntools:\n  - type: mcp\n    server_label: t\n    transport:\n"
            f"      type: http\n      server_url: https://mcp.example.com/t\n      headers: {{{header}: v1}}\n")
    root = tmp_path / "p"
    write_project(root, {"asst-deploy.yaml": "project: sec\napi: responses\n", "assistants/helper.yaml": body})
    Cli(project=root)("validate")
