"""An automation's environment as the Agents API reads it back: setup commands, an inline file's
data and the network's blocked domains never come back (the SDK's ``AutomationEnvironment``). The
plan compares what does come back in that shape, so an applied environment settles, and judges the
write-only parts by what apply last sent (recorded on the automation with the update that sends
them), so an edit of one is still planned and applied. The real CLI and SDK against the emulator."""

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

MANIFEST = """\
name: helpdesk
model: gpt-4.1
automations: [{name: launch, at: "2031-03-02T09:30:00+01:00", input: Announce the launch.}]
environment:
  type: openai_hosted
  files: [{type: inline, path: /workspace/notes.txt, data: aGVsbG8gd29ybGQ=}]
  setup_commands: [{command: pip install -r requirements.txt}]
  network: {access: restricted, blocked_domains: [ads.example.com]}
  packages: {python: [pandas]}
"""


def _project(root: Path, manifest: str = MANIFEST) -> Path:
    return write_project(root, {"asst-deploy.yaml": "project: plat\napi: agents\n", "assistants/helpdesk.yaml": manifest})


def _automation(emulator: Emulator) -> Any:
    sdk = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)
    [automation] = list(sdk.beta.agents.automations.list())
    return automation


@pytest.fixture
def emulator():
    with Emulator(EmulatorConfig(record_bodies=True)) as emu:
        yield emu


def _sent_environments(emulator: Emulator) -> list[dict[str, Any]]:
    return [body["target"]["environment"] for key, body in emulator.bodies()
            if key.startswith("POST /v1/agents/automations") and "target" in body]


def test_an_applied_environment_settles_though_the_api_reads_it_back_in_another_shape(tmp_path, emulator):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator)
    cli("apply", "--auto-approve")
    environment = _automation(emulator).target.environment.model_dump(exclude_none=True)
    assert environment == {"type": "openai_hosted", "files": [{"type": "inline", "path": "/workspace/notes.txt",
                                                               "size_bytes": 11}],
                           "network": {"access": "restricted", "allowed_domains": []},
                           "packages": {"npm": [], "python": ["pandas"], "system": []}}
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    assert cli("plan", "--format", "json").output.count('"action": "update"') == 0
    (root / "assistants/helpdesk.yaml").write_text(MANIFEST.replace("python: [pandas]", "python: [numpy]"))
    edited = cli("plan", "--detailed-exitcode", code=2).output  # drift on a part the API reads back still shows
    assert "~ automation.helpdesk:launch" in edited and "numpy" in edited


@pytest.mark.parametrize("edit", [("pip install -r requirements.txt", "pip install -r dev.txt"),
                                  ("aGVsbG8gd29ybGQ=", "aGVsbG8gV09STEQ="), ("ads.example.com", "ads.example.org")],
                         ids=["setup_command", "inline_file_data", "blocked_domains"])
def test_an_edit_of_a_write_only_part_is_planned_applied_and_then_settles(tmp_path, emulator, edit):
    root = _project(tmp_path / "p")
    cli = Cli(project=root, emulator=emulator)
    cli("apply", "--auto-approve")
    made = _automation(emulator)
    (root / "assistants/helpdesk.yaml").write_text(MANIFEST.replace(*edit))
    planned = cli("plan", "--detailed-exitcode", code=2).output
    assert "~ automation.helpdesk:launch" in planned and "environment" in planned
    assert edit[1] not in planned  # a write-only part is said changed, never shown
    changes = json.loads(cli("plan", "--format", "json").output)["changes"]
    assert [c["action"] for c in changes if c["type"] == "automation"] == ["update"]
    cli("apply", "--auto-approve")
    assert _automation(emulator).id == made.id
    assert edit[1] in json.dumps(_sent_environments(emulator)[-1])
    assert asst_deploy.session_kwargs("helpdesk", path=root)["environment"] == _sent_environments(emulator)[-1]
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0


ZIP = "{type: base64, media_type: application/zip, data: UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==}"
OTHERS = {
    "archives_and_references": f"""\
  type: openai_hosted
  container_size: small
  desktop: {{enabled: true}}
  files: [{{type: file_id, file_id: file-abc, path: /workspace/data.csv}}]
  skills:
    - {{type: inline, name: triage, description: Sorts tickets., source: {ZIP}}}
    - {{type: skill_reference, skill_id: skill_123}}
  plugins: [{{type: inline, name: tracker, description: Files bugs., source: {ZIP}}}]
  network: {{access: enabled}}
""",
    "self_hosted": "  type: self_hosted\n  workspace_directory: /srv/work\n",
}


@pytest.mark.parametrize("environment", list(OTHERS.values()), ids=list(OTHERS))
def test_other_environments_settle_and_a_skill_archive_edit_is_planned(tmp_path, emulator, environment):
    manifest = MANIFEST[:MANIFEST.index("environment:")] + "environment:\n" + environment
    root = _project(tmp_path / "p", manifest)
    cli = Cli(project=root, emulator=emulator)
    cli("apply", "--auto-approve")
    assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
    if "skills" in environment:
        edited = manifest.replace("UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==", "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAB==", 1)
        (root / "assistants/helpdesk.yaml").write_text(edited)
        assert "~ automation.helpdesk:launch" in cli("plan", "--detailed-exitcode", code=2).output
        cli("apply", "--auto-approve")
        assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
