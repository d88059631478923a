"""A real ``asst-deploy apply`` of a ``renamed_from`` killed (SIGKILL) while it re-marks the agent's
vault credential or automation with the new name, then rerun: the rerun finishes the move without
the secret (nothing is created again), no twin and nothing stranded under the old name, the ids
kept, and the plan settles."""

from __future__ import annotations

import json
import signal

import pytest
from support.waiting import wait_until

import faults_harness as h
from test_faults_platform import AGENT, agent_project

RENAMED = AGENT.replace("name: helpdesk\n", "name: desk\nrenamed_from: helpdesk\n")


def _ids(client) -> dict[str, str]:
    [agent] = list(client.beta.agents.list())
    [vault] = list(client.beta.agents.vaults.list())
    [credential] = list(client.beta.agents.vaults.credentials.list(vault.id))
    [automation] = list(client.beta.agents.automations.list())
    assert agent.tools[0].credential_id == credential.id
    assert automation.target.agent_id == agent.id and automation.target.vault_ids == [vault.id]
    return {"agent": agent.id, "vault": vault.id, "credential": credential.id, "automation": automation.id,
            "markers": f"{credential.metadata['asst-deploy']} {automation.metadata['asst-deploy']}"}


@pytest.mark.heavy(12)
@pytest.mark.parametrize("route", ["POST /v1/vaults/{id}/credentials/{id}", "POST /v1/agents/automations/{id}"])
def test_a_kill_while_a_rename_re_marks_the_agents_parts_is_finished_by_the_rerun(tmp_path, emu, client, route):
    root, cli = agent_project(tmp_path, emu)
    cli("apply", "--auto-approve")
    before = _ids(client)
    (root / "assistants/helpdesk.yaml").write_text(RENAMED)
    cli.environ["TICKETS_TOKEN"] = None  # a rename needs no secret, rerun included
    emu.reset_counter()
    emu.set_faults(latency_ms=400)  # the re-mark is answered late: the kill lands while it is in flight
    proc = cli.spawn("apply", "--auto-approve")
    assert wait_until(lambda: emu.counter().get(route), timeout=60, process=proc), proc.communicate()
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    h.TOTALS.kills += 1
    assert emu.wait_idle(30)
    emu.set_faults(latency_ms=0)
    halfway = json.loads(cli("plan", "--format", "json", code=None).output)  # the agent still has the old marker
    assert [(c["type"], [f["field"] for f in c["fields"]]) for c in halfway["changes"]] == [
        ("agent", ["name", "display_name"])]
    rerun = cli("apply", "--auto-approve", code=None)
    assert rerun.exit_code == 0, rerun.output
    after = _ids(client)  # exactly one of each: no twin
    assert after == {**before, "markers": "plat/default/desk:tickets plat/default/desk:digest"}
    entries = json.loads((root / "assistants.lock.json").read_text())["assistants"]
    assert list(entries) == ["desk"]
    assert entries["desk"]["credentials"] == {"tickets": before["credential"]}
    assert entries["desk"]["automations"] == {"digest": before["automation"]}
    assert not [key for key in emu.counter() if key.startswith("POST") and key.endswith(("/credentials", "/automations"))]
    settled = cli("plan", "--detailed-exitcode", code=None)
    assert settled.exit_code == 0, settled.output
