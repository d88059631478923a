"""``renamed_from`` under ``api: agents``: the agent's vault credential and automation move with it
(re-marked in place, their ids kept), so a pure rename sends no secret and needs none, and the
plan shows no delete, no create and no lockfile disagreement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from support.cli import Cli
from test_agent_platform import AGENT, TOKEN, _project

from asst_deploy.emulator import Emulator, EmulatorConfig

RENAMED = AGENT.replace("name: helpdesk\n", "name: support-desk\nrenamed_from: helpdesk\n")


@pytest.fixture
def emulator():
    with Emulator(EmulatorConfig(record_bodies=True)) as emu:
        yield emu


def _account(emulator: Emulator) -> dict[str, Any]:
    sdk = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)
    [agent] = list(sdk.beta.agents.list())
    [vault] = list(sdk.beta.agents.vaults.list())
    [credential] = list(sdk.beta.agents.vaults.credentials.list(vault.id))
    [automation] = list(sdk.beta.agents.automations.list())
    return {"agent": agent, "vault": vault, "credential": credential, "automation": automation}


def _entries(root: Path) -> dict[str, Any]:
    return json.loads((root / "assistants.lock.json").read_text())["assistants"]


def test_a_rename_keeps_the_credential_and_automation_and_needs_no_secret(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": TOKEN})
    cli("apply", "--auto-approve")
    before, entry = _account(emulator), _entries(root)["helpdesk"]
    (root / "assistants/helpdesk.yaml").write_text(RENAMED)
    cli.environ["TICKETS_TOKEN"] = None  # a pure rename sends no secret: apply must not need it

    plan = json.loads(cli("plan", "--format", "json", "--detailed-exitcode", code=2).output)
    assert [(c["type"], c["action"]) for c in plan["changes"]] == [("agent", "update")]
    assert plan["summary"]["create"] == plan["summary"]["delete"] == 0
    assert not [note for note in plan.get("notes", []) if "lockfile disagrees" in note], plan.get("notes")
    moved = plan["moves"]["support-desk"]
    assert moved["credentials"] == [{"label": "tickets", "id": before["credential"].id, "vault_id": before["vault"].id}]
    assert moved["automations"] == [{"label": "weekday digest", "id": before["automation"].id}]
    text = cli("plan").output
    assert "'tickets'" in text and "'weekday digest'" in text and "re-marked" in text
    assert "will be created" not in text and "will be destroyed" not in text and "TICKETS_TOKEN" not in text

    cli("plan", "--out", str(tmp_path / "rename.plan"))
    emulator.reset_counter()
    applied = cli("apply", str(tmp_path / "rename.plan")).output  # a saved plan carries the move too
    after = _account(emulator)
    for kind in ("agent", "vault", "credential", "automation"):
        assert after[kind].id == before[kind].id, kind
    assert after["credential"].metadata["asst-deploy"] == "plat/default/support-desk:tickets"
    assert after["automation"].metadata["asst-deploy"] == "plat/default/support-desk:weekday digest"
    assert after["agent"].tools[0].credential_id == before["credential"].id
    assert after["automation"].target.agent_id == before["agent"].id
    platform = [key for key in emulator.counter() if "/vaults" in key or "/automations" in key]  # not the lease's
    assert not [key for key in platform if key.startswith("DELETE")
                or key.startswith("POST") and key.endswith(("/credentials", "/automations"))]
    sent = [body for key, body in emulator.bodies() if key == "POST /v1/vaults/{id}/credentials/{id}"]
    assert sent and all("auth" not in body for body in sent)  # only the marker: no secret sent
    entries = _entries(root)
    assert "helpdesk" not in entries
    assert {k: entries["support-desk"][k] for k in ("id", "vault_id", "credentials", "automations")} == {
        k: entry[k] for k in ("id", "vault_id", "credentials", "automations")}
    settled = cli("plan", "--detailed-exitcode", code=None)
    assert settled.exit_code == 0, settled.output
    assert TOKEN not in applied + settled.output


def test_a_rename_with_other_changes_updates_in_place_and_replaces_only_what_must_be(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator, environ={"TICKETS_TOKEN": TOKEN})
    cli("apply", "--auto-approve")
    before = _account(emulator)
    (root / "assistants/helpdesk.yaml").write_text(RENAMED.replace("Summarise", "Summarize").replace(
        "mcp.example.com/tickets", "mcp.example.com/v2/tickets"))  # the API keeps a credential's server URL
    plan = json.loads(cli("plan", "--format", "json", "--detailed-exitcode", code=2).output)
    done = sorted((c["type"], c["action"]) for c in plan["changes"])
    assert done == [("agent", "update"), ("automation", "update"), ("credential", "create"), ("credential", "delete")]
    assert plan["moves"]["support-desk"]["credentials"] == []  # replaced: not re-marked first
    [agent] = [c for c in plan["changes"] if c["type"] == "agent"]
    assert "automation(s) 'weekday digest' are kept" in agent["reason"] and "'tickets'" not in agent["reason"]
    cli("apply", "--auto-approve")
    after = _account(emulator)
    assert after["automation"].id == before["automation"].id and after["credential"].id != before["credential"].id
    assert after["automation"].target.input[0].content[0].text.startswith("Summarize")
    assert after["agent"].tools[0].credential_id == after["credential"].id
    assert after["credential"].metadata["asst-deploy"] == "plat/default/support-desk:tickets"
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
