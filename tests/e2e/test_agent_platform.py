"""The Agents platform as code: an agent whose MCP server needs a token and a weekday automation
deploy from one manifest and one environment variable (a vault, a credential, the tool's
credential_id, an automation running the agent with its vault); the plan then settles; the secret
is nowhere the tool writes; rotation is explicit; removing the automation deletes it; destroy
leaves nothing. The real CLI and SDK against the emulator, every request body checked against the
SDK's types (the emulator's default)."""

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
from asst_deploy.emulator import routes_agents, routes_automations, routes_vaults
from asst_deploy.emulator.sdk_shapes import problems, sdk_shape
from asst_deploy.sdk_literals import sdk_object

BODIES = {"POST /v1/vaults": routes_vaults.VAULT_CREATE, "POST /v1/vaults/{id}/credentials": routes_vaults.CREDENTIAL_CREATE,
          "POST /v1/agents/automations": routes_automations.CREATE, "POST /v1/agents": routes_agents.CREATE}


def request_problems(key: str, body: Any) -> list[tuple[str, str]]:
    """What the route's shape (the SDK's type and the API's limits) refuses in a recorded body."""
    return problems(body, BODIES[key].spec)

TOKEN = "tok-9f8e7d-VERY-SECRET"
NEW_TOKEN = "tok-rotated-1a2b3c-SECRET"
AGENT = """\
name: helpdesk
model: gpt-4.1
instructions: Answer tickets.
tools:
  - type: mcp
    server_label: tickets
    authorization_from_env: TICKETS_TOKEN
    transport: {type: http, server_url: "https://mcp.example.com/tickets"}
automations:
  - name: weekday digest
    cron: "0 9 * * 1-5"
    timezone: Europe/Paris
    input: Summarise yesterday's tickets.
"""


def _project(root: Path, manifest: str = AGENT) -> Path:
    return write_project(root, {"asst-deploy.yaml": "project: plat\napi: agents\n", "assistants/helpdesk.yaml": manifest})


def _sdk(emulator: Emulator) -> openai.OpenAI:
    return openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)


def _written(root: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in root.rglob("*") if p.is_file())


def _lock(root: Path) -> dict[str, Any]:
    return json.loads((root / "assistants.lock.json").read_text())["assistants"]["helpdesk"]


@pytest.fixture
def emulator():
    with Emulator(EmulatorConfig(record_bodies=True)) as emu:
        yield emu


def test_one_manifest_and_a_variable_deploy_the_agent_its_credential_and_automation(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": TOKEN})
    shown = [cli("plan").output, cli("plan", "--format", "json").output,
             cli("plan", "--format", "markdown", "--out", str(root / "saved.plan")).output]
    assert "credential.helpdesk:tickets" in shown[0] and "automation.helpdesk:weekday digest" in shown[0]
    assert "TICKETS_TOKEN" in shown[0]
    shown.append(cli("apply", "--auto-approve", "-v").output)
    sdk = _sdk(emulator)
    [vault] = list(sdk.beta.agents.vaults.list())
    [credential] = list(sdk.beta.agents.vaults.credentials.list(vault.id))
    assert credential.auth.to_dict() == {"type": "static_bearer", "mcp_server_url": "https://mcp.example.com/tickets"}
    lock = _lock(root)
    agent = sdk.beta.agents.retrieve(lock["id"])
    assert agent.tools[0].credential_id == credential.id
    [automation] = list(sdk.beta.agents.automations.list())
    assert (automation.type, automation.expression, automation.timezone) == ("periodic", "0 9 * * 1-5", "Europe/Paris")
    assert automation.target.agent_id == agent.id and automation.target.vault_ids == [vault.id]
    assert automation.target.input[0].content[0].text == "Summarise yesterday's tickets."
    assert lock["vault_id"] == vault.id and lock["credentials"] == {"tickets": credential.id}
    assert lock["automations"] == {"weekday digest": automation.id}
    settled = cli("plan", "--detailed-exitcode", code=None)
    assert settled.exit_code == 0, settled.output
    bodies = emulator.bodies()
    assert {key for key, _ in bodies} >= {"POST /v1/vaults", "POST /v1/vaults/{id}/credentials",
                                          "POST /v1/agents/automations"}
    checked = [(key, body) for key, body in bodies if key in BODIES]  # the account lease's store is checked elsewhere
    assert [(key, request_problems(key, body)) for key, body in checked if request_problems(key, body)] == []
    sent = [body for key, body in bodies if key == "POST /v1/vaults/{id}/credentials"]
    assert sent[0]["auth"]["token"] == TOKEN  # the one place the secret goes: the API
    for text in (*shown, settled.output, _written(root)):
        assert TOKEN not in text and "VERY-SECRET" not in text


def test_rotation_is_explicit_and_said_in_the_plan(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": TOKEN})
    cli("apply", "--auto-approve")
    cli.environ["TICKETS_TOKEN"] = NEW_TOKEN
    quiet = cli("plan", "--detailed-exitcode", code=None)  # a changed value cannot be seen: nothing to do
    assert quiet.exit_code == 0, quiet.output
    asked = cli("plan", "--rotate-credentials", "--detailed-exitcode", code=2).output
    assert "credential.helpdesk:tickets" in asked and "--rotate-credentials" in asked
    cli("plan", "--rotate-credentials", "--out", str(tmp_path / "rotate.plan"))
    rotated = cli("apply", str(tmp_path / "rotate.plan")).output  # the saved plan keeps what it was made with
    rotations = [body for key, body in emulator.bodies() if key == "POST /v1/vaults/{id}/credentials/{id}"]
    assert [body["auth"] for body in rotations] == [{"type": "static_bearer", "token": NEW_TOKEN}]
    (root / "assistants/helpdesk.yaml").write_text(AGENT.replace("    authorization_from_env", "    revision: 1\n"
                                                                 "    authorization_from_env"))
    bumped = cli("plan", "--detailed-exitcode", code=2).output
    assert "revision: 0 -> 1" in bumped
    cli("apply", "--auto-approve")
    assert len([k for k, _ in emulator.bodies() if k == "POST /v1/vaults/{id}/credentials/{id}"]) == 2
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    for text in (asked, rotated, bumped, _written(root)):
        assert NEW_TOKEN not in text and TOKEN not in text


def test_a_missing_variable_is_refused_before_any_write(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": None})
    noted = cli("plan").output  # a reviewer's plan needs no secret, and says which one apply will need
    assert "apply reads its secret from TICKETS_TOKEN, which is not set here" in noted
    emulator.reset_counter()
    result = cli("apply", "--auto-approve", code=1)
    assert "TICKETS_TOKEN is not set" in result.output and "nothing was sent" in result.output
    assert not any(key.startswith(("POST", "DELETE")) for key in emulator.counter())  # not even the account lease
    assert not (root / "assistants.lock.json").exists()


def test_removing_the_automation_deletes_it_and_destroy_leaves_nothing(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": TOKEN})
    cli("apply", "--auto-approve")
    (root / "assistants/helpdesk.yaml").write_text(AGENT.split("automations:")[0])
    planned = cli("plan").output
    assert "- automation.helpdesk:weekday digest" in planned and "1 to delete" in planned
    cli("apply", "--auto-approve")
    sdk = _sdk(emulator)
    assert list(sdk.beta.agents.automations.list()) == [] and "automations" not in _lock(root)
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    cli("destroy", "--auto-approve")
    assert list(sdk.beta.agents.vaults.list()) == [] and list(sdk.beta.agents.list()) == []
    assert json.loads((root / "assistants.lock.json").read_text())["assistants"] == {}


def test_switching_away_from_agents_deletes_the_vault_and_automations(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": TOKEN})
    cli("apply", "--auto-approve")
    (root / "assistants/helpdesk.yaml").write_text(AGENT.split("automations:")[0])
    (root / "asst-deploy.yaml").write_text("project: plat\napi: responses\n")
    cli("apply", "--auto-approve")
    sdk = _sdk(emulator)
    assert list(sdk.beta.agents.vaults.list()) == [] and list(sdk.beta.agents.list()) == []
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0


ONCE = """\
name: helpdesk
model: gpt-4.1
automations:
  - name: launch
    at: 2031-03-02T09:30:00+01:00
    input: Announce the launch.
"""


def test_automations_are_updated_in_place_paused_and_replaced(tmp_path, emulator):
    root = _project(tmp_path / "p", ONCE)
    cli = Cli(project=root, emulator=emulator)
    cli("apply", "--auto-approve")
    autos = _sdk(emulator).beta.agents.automations
    [made] = list(autos.list())
    assert (made.type, made.run_at, made.target.vault_ids) == ("once", 1930206600, [])  # 08:30 UTC
    (root / "assistants/helpdesk.yaml").write_text(ONCE.replace("Announce", "Celebrate") + "    enabled: false\n")
    edited = cli("plan", "--detailed-exitcode", code=2).output
    assert 'input: "Announce the launch." -> "Celebrate the launch."' in edited and "enabled: true -> false" in edited
    cli("apply", "--auto-approve")
    [after] = list(autos.list())
    assert after.id == made.id and after.status == "paused"
    assert after.target.input[0].content[0].text == "Celebrate the launch."
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    (root / "assistants/helpdesk.yaml").write_text(
        ONCE.replace("at: 2031-03-02T09:30:00+01:00", 'cron: "*/30 * * * *"\n    timezone: UTC'))
    replaced = cli("plan", "--detailed-exitcode", code=2).output
    assert "+ automation.helpdesk:launch" in replaced and "- automation.helpdesk:launch" in replaced
    cli("apply", "--auto-approve")
    [periodic] = list(autos.list())
    assert periodic.id != made.id and periodic.type == "periodic" and periodic.status == "active"
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0


def test_automation_mistakes_are_refused_with_their_place(tmp_path):
    bad = ONCE.replace("    at: 2031-03-02T09:30:00+01:00\n", '    cron: "every day"\n')
    root = _project(tmp_path / "p", bad)
    out = Cli(project=root)("validate", code=1).output
    assert "helpdesk.yaml:5:" in out and "five-field cron" in out and "cron needs a timezone" in out
    (root / "asst-deploy.yaml").write_text("project: plat\napi: responses\n")
    (root / "assistants/helpdesk.yaml").write_text(ONCE + "secrets:\n  - {name: KEY, from_env: K}\n")
    out = Cli(project=root)("validate", code=1).output
    assert "automations" in out and "api: agents supports it" in out
    assert "secrets: not available with api: responses" in out


SESSION_PARAMS = "openai.types.beta.agents.session_create_params:SessionCreateParamsNonStreaming"


def test_session_kwargs_name_the_agent_and_its_vault(tmp_path, emulator):
    root = _project(tmp_path / "p")
    Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": TOKEN})("apply", "--auto-approve")
    lock = _lock(root)
    kwargs = asst_deploy.session_kwargs("helpdesk", path=root)
    assert kwargs == {"agent_id": lock["id"], "environment": {"type": "none"}, "vault_ids": [lock["vault_id"]]}
    assert problems({**kwargs, "input": "Any new tickets?"}, sdk_shape(sdk_object(SESSION_PARAMS))) == []
    session = _sdk(emulator).beta.agents.sessions.create(**kwargs, input="Any new tickets?")  # the real SDK takes them
    assert session.agent.id == lock["id"]
    plain = _project(tmp_path / "q", ONCE)
    Cli(project=plain, emulator=emulator)("apply", "--auto-approve")
    assert asst_deploy.session_kwargs("helpdesk", path=plain) == {
        "agent_id": _lock(plain)["id"], "environment": {"type": "none"}}  # no credentials: no vault
    (plain / "asst-deploy.yaml").write_text("project: plat\napi: responses\n")
    (plain / "assistants/helpdesk.yaml").write_text("name: helpdesk\nmodel: gpt-4.1\n")
    Cli(project=plain, emulator=emulator)("apply", "--auto-approve")
    with pytest.raises(asst_deploy.UnknownAssistant, match="session_kwargs needs api: agents"):
        asst_deploy.session_kwargs("helpdesk", path=plain)


OAUTH = """\
name: helpdesk
model: gpt-4.1
tools:
  - type: mcp
    server_label: crm
    authorization_from_env: CRM_ACCESS
    oauth:
      client_id: helpdesk-app
      token_endpoint: https://auth.example.com/token
      refresh_token_from_env: CRM_REFRESH
      client_secret_from_env: CRM_CLIENT_SECRET
      scope: read
    transport: {type: http, server_url: "https://mcp.example.com/crm"}
secrets:
  - name: SERVICE_API_KEY
    from_env: SERVICE_KEY
    allowed_hosts: [api.example.com]
"""
OAUTH_VALUES = {"CRM_ACCESS": "acc-77aa-SECRET", "CRM_REFRESH": "ref-88bb-SECRET", "CRM_CLIENT_SECRET": "cs-99cc-SECRET",
                "SERVICE_KEY": "svc-00dd-SECRET"}


def test_oauth_and_sandbox_secrets_become_credentials_of_their_own_kind(tmp_path, emulator):
    root = _project(tmp_path / "p", OAUTH)
    cli = Cli(project=root, emulator=emulator, environ=dict(OAUTH_VALUES))
    outputs = [cli("plan").output, cli("apply", "--auto-approve", "-v").output]
    sdk = _sdk(emulator)
    [vault] = list(sdk.beta.agents.vaults.list())
    creds = {c.name: c.auth.to_dict() for c in sdk.beta.agents.vaults.credentials.list(vault.id)}
    assert creds["helpdesk crm"]["type"] == "mcp_oauth"
    assert creds["helpdesk crm"]["refresh"]["client_id"] == "helpdesk-app"
    assert creds["helpdesk crm"]["refresh"]["token_endpoint_auth"] == {"type": "client_secret_post"}
    assert creds["helpdesk env:SERVICE_API_KEY"] == {
        "type": "environment_variable", "secret_name": "SERVICE_API_KEY",
        "networking": {"type": "limited", "allowed_hosts": ["api.example.com"]}}
    sent = [body["auth"] for key, body in emulator.bodies() if key == "POST /v1/vaults/{id}/credentials"]
    assert {a.get("access_token") or a.get("secret_value") for a in sent} == {"acc-77aa-SECRET", "svc-00dd-SECRET"}
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    (root / "assistants/helpdesk.yaml").write_text(OAUTH.replace("scope: read", "scope: read write"))
    outputs.append(cli("plan", "--detailed-exitcode", code=2).output)
    assert 'scope: "read" -> "read write"' in outputs[-1] and "1 to update" in outputs[-1]
    cli("apply", "--auto-approve")
    [rotation] = [body for key, body in emulator.bodies() if key == "POST /v1/vaults/{id}/credentials/{id}"]
    assert rotation["auth"]["refresh"]["scope"] == "read write"
    assert rotation["auth"]["refresh"]["token_endpoint_auth"] == {"type": "client_secret_post",
                                                                   "client_secret": "cs-99cc-SECRET"}
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    (root / "assistants/helpdesk.yaml").write_text(OAUTH.replace("client_id: helpdesk-app", "client_id: helpdesk-v2"))
    outputs.append(cli("plan", "--detailed-exitcode", code=2).output)  # a new OAuth client: a new credential...
    assert "tools[mcp crm].credential_id" in outputs[-1]  # ...which the agent's tool then names
    cli("apply", "--auto-approve")
    [agent] = list(sdk.beta.agents.list())
    [crm] = [c for c in sdk.beta.agents.vaults.credentials.list(vault.id) if c.name == "helpdesk crm"]
    assert agent.tools[0].credential_id == crm.id and crm.auth.refresh.client_id == "helpdesk-v2"
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    missing = Cli(project=root, emulator=emulator, environ={**OAUTH_VALUES, "CRM_REFRESH": None})
    assert "CRM_REFRESH is not set" in missing("apply", "--auto-approve", "--rotate-credentials", code=1).output
    for text in (*outputs, _written(root)):
        assert "SECRET" not in text.replace("SECRET_", "").replace("_SECRET", "")


def test_a_renamed_manifest_moves_its_agent_and_the_tool_names_the_new_credential(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": TOKEN})
    cli("apply", "--auto-approve")
    (root / "assistants/helpdesk.yaml").write_text(AGENT.replace("name: helpdesk", "name: desk\nrenamed_from: helpdesk"))
    cli("apply", "--auto-approve")
    sdk = _sdk(emulator)
    [agent] = list(sdk.beta.agents.list())
    [vault] = list(sdk.beta.agents.vaults.list())
    [credential] = list(sdk.beta.agents.vaults.credentials.list(vault.id))
    assert credential.name == "helpdesk tickets" and agent.tools[0].credential_id == credential.id  # kept: no rename
    [automation] = list(sdk.beta.agents.automations.list())
    assert automation.target.agent_id == agent.id and automation.target.vault_ids == [vault.id]
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0


HOSTED = ONCE + """\
environment:
  type: openai_hosted
  container_size: small
  packages: {python: [pandas]}
  network: {access: restricted, allowed_domains: [api.example.com]}
"""


def test_the_environment_runs_the_automations_and_sessions_and_is_updated_in_place(tmp_path, emulator):
    root = _project(tmp_path / "p", HOSTED)
    cli = Cli(project=root, emulator=emulator)
    assert "environment" in cli("plan").output
    cli("apply", "--auto-approve")
    autos = _sdk(emulator).beta.agents.automations
    [made] = list(autos.list())
    hosted = {"type": "openai_hosted", "container_size": "small", "packages": {"python": ["pandas"]},
              "network": {"access": "restricted", "allowed_domains": ["api.example.com"]}}
    read_back = {**hosted, "packages": {"npm": [], "python": ["pandas"], "system": []}}  # the API's shape
    assert made.target.environment.model_dump(exclude_none=True) == read_back
    kwargs = asst_deploy.session_kwargs("helpdesk", path=root)
    assert kwargs == {"agent_id": _lock(root)["id"], "environment": hosted}
    assert problems({**kwargs, "input": "Hi"}, sdk_shape(sdk_object(SESSION_PARAMS))) == []
    session = _sdk(emulator).beta.agents.sessions.create(**kwargs, input="Hi")  # the emulator takes and echoes it
    assert session.environment.model_dump(exclude_none=True) == hosted
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    (root / "assistants/helpdesk.yaml").write_text(HOSTED.replace("small", "large"))
    edited = cli("plan", "--detailed-exitcode", code=2).output
    assert '~ automation.helpdesk:launch' in edited and 'container_size: "small" -> "large"' in edited
    assert "environment session_kwargs returns changes" in edited
    cli("apply", "--auto-approve")
    [after] = list(autos.list())
    assert after.id == made.id and after.target.environment.container_size == "large"
    assert asst_deploy.session_kwargs("helpdesk", path=root)["environment"]["container_size"] == "large"
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    (root / "assistants/helpdesk.yaml").write_text(ONCE)  # removed: back to none, in place
    assert "environment" in cli("plan", "--detailed-exitcode", code=2).output
    cli("apply", "--auto-approve")
    [none] = list(autos.list())
    assert none.id == made.id and none.target.environment.type == "none"
    assert asst_deploy.session_kwargs("helpdesk", path=root)["environment"] == {"type": "none"}
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0


def test_environment_mistakes_are_refused_with_their_place(tmp_path):
    root = _project(tmp_path / "p", HOSTED.replace("packages:", "packagez:"))
    out = Cli(project=root)("validate", code=1).output
    assert "helpdesk.yaml:10:" in out and "packagez" in out and "Unknown parameter" in out
    (root / "assistants/helpdesk.yaml").write_text(HOSTED + "  env: {API_KEY: sk-live-123}\n")
    out = Cli(project=root)("validate", code=1).output
    assert "helpdesk.yaml:12:8: environment.env" in out and "secrets:" in out and "sk-live-123" not in out
    (root / "asst-deploy.yaml").write_text("project: plat\napi: responses\n")
    (root / "assistants/helpdesk.yaml").write_text("name: helpdesk\nmodel: gpt-4.1\n" + HOSTED[HOSTED.index("environment"):])
    out = Cli(project=root)("validate", code=1).output
    assert "helpdesk.yaml:4:3: environment: not available with api: responses; api: agents supports it" in out


def test_an_environment_alone_is_a_change_the_plan_shows_and_apply_records(tmp_path, emulator):
    root = _project(tmp_path / "p", "name: helpdesk\nmodel: gpt-4.1\n")
    cli = Cli(project=root, emulator=emulator)
    cli("apply", "--auto-approve")
    (root / "assistants/helpdesk.yaml").write_text("name: helpdesk\nmodel: gpt-4.1\nenvironment: {type: openai_hosted}\n")
    planned = cli("plan", "--detailed-exitcode", code=2).output
    assert "environment session_kwargs returns changes (none -> openai_hosted)" in planned
    assert "No changes on the account. apply rewrites the lockfile entries the note names." in planned
    assert json.loads(cli("plan", "--format", "json").output)["lockfile_out_of_step"] == ["helpdesk"]
    cli("apply", "--auto-approve")
    assert asst_deploy.session_kwargs("helpdesk", path=root)["environment"] == {"type": "openai_hosted"}
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
