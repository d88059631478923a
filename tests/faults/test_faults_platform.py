"""A real ``asst-deploy apply`` killed (SIGKILL) while its vault or vault credential is being
created, then rerun: the object the killed request made is found by its marker and recorded, never
made twice (no twin vault, no twin credential), and the agent's tool names the one credential."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

import pytest
from support.cli import Cli
from support.projects import write_project
from support.waiting import wait_until

import faults_harness as h

TOKEN = "tok-fault-0c9b8a-SECRET"
AGENT = """\
name: helpdesk
model: gpt-4.1
tools:
  - type: mcp
    server_label: tickets
    authorization_from_env: TICKETS_TOKEN
    transport: {type: http, server_url: "https://mcp.example.com/tickets"}
automations:
  - name: digest
    cron: "0 9 * * 1-5"
    timezone: UTC
    input: Summarise the tickets.
"""


def agent_project(tmp_path: Path, emu: Any) -> tuple[Path, Cli]:
    """The helpdesk agent's project, and a CLI that runs it against ``emu`` with its secret set."""
    root = write_project(tmp_path / "p", {"asst-deploy.yaml": "project: plat\napi: agents\n",
                                          "assistants/helpdesk.yaml": AGENT})
    return root, Cli(project=root, key=None, environ={"TICKETS_TOKEN": TOKEN, "OPENAI_BASE_URL": emu.base_url,
                                                      "OPENAI_API_KEY": "sk-faults-test-key"})


@pytest.mark.heavy(12)
@pytest.mark.parametrize("route", ["POST /v1/vaults", "POST /v1/vaults/{id}/credentials"])
def test_a_kill_while_the_vault_or_credential_is_made_leaves_no_twin(tmp_path, emu, client, route):
    root, cli = agent_project(tmp_path, emu)
    emu.set_faults(latency_ms=400)  # the create is answered late: the kill lands while it is in flight
    proc = cli.spawn("apply", "--auto-approve")
    assert wait_until(lambda: emu.counter().get(route), timeout=60, process=proc), proc.communicate()
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    h.TOTALS.kills += 1
    assert emu.wait_idle(30)  # the killed request is answered (to no one)
    emu.set_faults(latency_ms=0)
    lock = root / "assistants.lock.json"
    recorded = json.loads(lock.read_text())["assistants"].get("helpdesk", {}) if lock.exists() else {}
    made = list(client.beta.agents.vaults.list())
    assert len(made) == 1  # the killed request made it...
    if route.endswith("credentials"):
        assert len(list(client.beta.agents.vaults.credentials.list(made[0].id))) == 1
        assert "credentials" not in recorded  # ...and no one recorded it
    else:
        assert "vault_id" not in recorded
    rerun = cli("apply", "--auto-approve", code=None)
    assert rerun.exit_code == 0, rerun.output
    vaults = list(client.beta.agents.vaults.list())
    assert len(vaults) == 1, vaults
    [credential] = list(client.beta.agents.vaults.credentials.list(vaults[0].id))
    entry = json.loads(lock.read_text())["assistants"]["helpdesk"]
    assert entry["vault_id"] == vaults[0].id and entry["credentials"] == {"tickets": credential.id}
    [agent] = list(client.beta.agents.list())
    assert agent.tools[0].credential_id == credential.id
    [automation] = list(client.beta.agents.automations.list())
    assert automation.target.vault_ids == [vaults[0].id] and automation.target.agent_id == agent.id
    settled = cli("plan", "--detailed-exitcode", code=None)
    assert settled.exit_code == 0, settled.output
    assert TOKEN not in lock.read_text() + rerun.output + settled.output
