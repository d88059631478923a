"""An edited setup command (a part of the environment the API never reads back) whose apply stops
at the automation's update: killed (SIGKILL) while the update is in flight, or the update refused
by an outage. The lockfile records the sessions' environment before that update, so it cannot be
what judges the automation: the record of what was sent travels in the update itself. A rerun
sends the edit when the update did not land, not again when it did, and the plan then settles."""

from __future__ import annotations

import json

import pytest
from support.cli import Cli
from support.projects import write_project

import faults_harness as h

AGENT = """\
name: helpdesk
model: gpt-4.1
automations:
  - name: digest
    cron: "0 9 * * 1-5"
    timezone: UTC
    input: Summarise the tickets.
environment:
  type: openai_hosted
  setup_commands: [{command: make setup}]
"""
UPDATE = "POST /v1/agents/automations/{id}"


def _edited(tmp_path, emu) -> tuple[Cli, object]:
    root = write_project(tmp_path / "p", {"asst-deploy.yaml": "project: plat\napi: agents\n",
                                          "assistants/helpdesk.yaml": AGENT})
    cli = Cli(project=root, key=None, environ={"OPENAI_BASE_URL": emu.base_url, "OPENAI_API_KEY": "sk-faults-test-key"})
    cli("apply", "--auto-approve")
    (root / "assistants/helpdesk.yaml").write_text(AGENT.replace("make setup", "make setup-v2"))
    assert "~ automation.helpdesk:digest" in cli("plan", "--detailed-exitcode", code=2).output
    return cli, root / "assistants.lock.json"


def _settles(cli: Cli, lock, client) -> None:
    rerun = cli("apply", "--auto-approve", code=None)
    assert rerun.exit_code == 0, rerun.output
    entry = json.loads(lock.read_text())["assistants"]["helpdesk"]
    assert entry["environment"]["setup_commands"] == [{"command": "make setup-v2"}]
    [automation] = list(client.beta.agents.automations.list())
    assert automation.id == entry["automations"]["digest"]
    settled = cli("plan", "--detailed-exitcode", code=None)
    assert settled.exit_code == 0, settled.output


@pytest.mark.heavy(10)
def test_a_kill_while_a_write_only_edit_is_sent_does_not_send_it_twice(tmp_path, emu, client):
    cli, lock = _edited(tmp_path, emu)
    emu.set_faults(latency_ms=400)  # the update is answered late: the kill lands while it is in flight
    h.kill_when(cli.spawn("apply", "--auto-approve"), emu, lambda: emu.counter().get(UPDATE))
    emu.set_faults(latency_ms=0)  # the killed update was answered (to no one): the automation has the edit
    assert "~ automation.helpdesk:digest" not in cli("plan").output
    _settles(cli, lock, client)
    assert emu.counter().get(UPDATE) == 1


def test_a_stop_after_the_lockfile_moved_and_before_the_update_leaves_it_planned(tmp_path, emu, client):
    cli, lock = _edited(tmp_path, emu)
    emu.set_faults(latency_ms=400)  # the lockfile records the sessions' environment before the update is sent
    h.kill_when(cli.spawn("apply", "--auto-approve"), emu, lambda: "make setup-v2" in lock.read_text())
    emu.set_faults(latency_ms=0)
    if not emu.counter().get(UPDATE):  # the kill landed before the update was sent: it is still planned
        assert "~ automation.helpdesk:digest" in cli("plan", "--detailed-exitcode", code=2).output
    _settles(cli, lock, client)
    [automation] = list(client.beta.agents.automations.list())
    assert automation.metadata.get("asst-deploy-environment")
