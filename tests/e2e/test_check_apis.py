"""`asst-deploy test` on agents and assistants deployments, through the real CLI and SDK against the
emulator: functions answered from the case, a rubric through the graders API, a `cites` through a
real file_search store (assistants; the Agents API has no file_search)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from support.cli import Cli
from support.projects import write_project

DESK = """\
name: desk
model: gpt-4o
instructions: You are the order desk.
tools:
  - type: function
    function:
      name: get_order_status
      description: Find an order
      parameters: {type: object, properties: {order_number: {type: string}}, required: [order_number]}
checks:
  - name: looks-up
    input: get_order_status A-1042
    expect:
      - tool_called: {name: get_order_status, arguments: {order_number: get_order_status A-1042}}
      - contains: shipped
    functions: {get_order_status: '{"status": "shipped"}'}
  - name: in-role
    messages:
      - {role: user, content: Hello}
      - {role: assistant, content: Hi}
      - {role: user, content: Who are you?}
    expect:
      - rubric: 'Says it is the "order desk" and quotes "Who are you?"'
        threshold: 0.9
"""
REFUNDS = """\
name: refunds
model: gpt-4o
instructions: You are the billing desk.
tools: [{type: file_search}]
files: [docs/*.md]
checks:
  - name: cites-the-policy
    input: Can annual plans get refunds?
    expect: [{cites: docs/refunds.md}, {contains: "30 days"}]
  - name: cites-nothing-else
    input: Can annual plans get refunds?
    expect: [{cites: docs/invoices.md}]
"""
DOCS = {"docs/refunds.md": "# Refunds\nAnnual plans are refunded within 30 days.\n",
        "docs/invoices.md": "# Invoices\nSent monthly.\n"}


def _project(tmp_path: Path, api: str, asst_emulator: Any) -> Cli:
    files = {"asst-deploy.yaml": f"project: checks-{api}\napi: {api}\n", "assistants/desk.yaml": DESK}
    if api == "assistants":
        files |= {"assistants/refunds.yaml": REFUNDS, **DOCS}
    return Cli(project=write_project(tmp_path / api, files), emulator=asst_emulator)


@pytest.mark.parametrize("api", ["agents", "assistants"])
def test_cases_run_through_the_projects_api(tmp_path, asst_emulator, api):
    cli = _project(tmp_path, api, asst_emulator)
    cli("apply", "--auto-approve")
    result = cli("test", "--format", "json", code=None)
    report = json.loads(result.stdout)
    outcome = {(c["assistant"], c["case"]): (c["passed"], [f["expectation"] for f in c["failures"]])
               for c in report["cases"]}
    assert outcome[("desk", "looks-up")] == (True, [])
    assert outcome[("desk", "in-role")] == (True, [])
    if api == "assistants":
        assert outcome[("refunds", "cites-the-policy")] == (True, [])
        assert outcome[("refunds", "cites-nothing-else")] == (False, ['cites: "docs/invoices.md"'])
        assert result.exit_code == 1
    else:
        assert result.exit_code == 0 and report["passed"]


def test_an_agents_case_runs_in_the_sessions_runtime_code_opens(tmp_path):
    """A case must run what users run: a session with the agent's environment and its vault (its MCP
    credentials), as ``asst_deploy.session_kwargs`` gives runtime code. Before, every case's session
    had no environment and no vault."""
    from asst_deploy.emulator import Emulator, EmulatorConfig

    import asst_deploy

    manifest = """\
name: helpdesk
model: gpt-4.1
instructions: You are the helpdesk.
tools:
  - type: mcp
    server_label: tickets
    authorization_from_env: TICKETS_TOKEN
    transport: {type: http, server_url: "https://mcp.example.com/tickets"}
environment: {type: openai_hosted, container_size: small}
checks:
  - name: in-role
    input: Who are you?
    expect: [{icontains: helpdesk}]
"""
    root = write_project(tmp_path / "p", {"asst-deploy.yaml": "project: desk\napi: agents\n",
                                          "assistants/helpdesk.yaml": manifest})
    with Emulator(EmulatorConfig(record_bodies=True)) as emulator:
        cli = Cli(project=root, emulator=emulator)
        cli("apply", "--auto-approve", environ={"TICKETS_TOKEN": "tok-123"})
        cli("test")
        opened = [body for key, body in emulator.bodies() if key == "POST /v1/agents/sessions"]
    expected = asst_deploy.session_kwargs("helpdesk", path=root)
    assert expected["environment"]["type"] == "openai_hosted" and expected["vault_ids"]
    assert opened and all({k: body.get(k) for k in expected} == expected for body in opened), opened
