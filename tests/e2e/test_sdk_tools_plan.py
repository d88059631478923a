"""Tools and settings taken in the SDK's own shape are planned field by field like the others: an
edit shows as the one value that changed, apply carries it out through the real SDK and the plan
after it is empty, under api: responses (the lockfile's kwargs) and api: agents (the agent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import Cli
from support.projects import write_project

from asst_deploy.emulator import Emulator

MANIFESTS = {
    "responses": """\
name: a
model: gpt-5
tools:
  - {type: image_generation, quality: low}
  - {type: custom, name: sql, format: {type: grammar, syntax: lark, definition: "start: WORD"}}
  - type: code_interpreter
    container: {memory_limit: 1g}
code_interpreter_files: [data/d.csv]
moderation: {model: omni-moderation-latest}
""",
    "agents": """\
name: a
model: gpt-5
tools:
  - {type: computer_use, include_screenshots: false}
  - {type: programmatic_tool_calling}
""",
}
EDITS = {
    "responses": [("quality: low", "quality: high", '~ tools[image_generation].quality: "low" -> "high"'),
                  ("definition: \"start: WORD\"", "definition: \"start: NUMBER\"",
                   '~ tools[custom sql].format.definition: "start: WORD" -> "start: NUMBER"'),
                  ("memory_limit: 1g", "memory_limit: 4g", '~ tools[code_interpreter].container.memory_limit: "1g" -> "4g"'),
                  ("omni-moderation-latest", "omni-moderation-2024", "~ settings.moderation.model:")],
    "agents": [("include_screenshots: false", "include_screenshots: true",
                "~ tools[computer_use].include_screenshots: (unset) -> true"),
               ("{type: programmatic_tool_calling}", "{type: programmatic_tool_calling, enabled: false}",
                "~ tools[programmatic_tool_calling].enabled: (unset) -> false")],
}


@pytest.mark.parametrize("api", ["responses", "agents"])
def test_an_edit_shows_as_its_one_value_and_settles_after_apply(tmp_path: Path, api: str) -> None:
    root = write_project(tmp_path / "p", {"asst-deploy.yaml": f"project: p\napi: {api}\n",
                                          "assistants/a.yaml": MANIFESTS[api], "data/d.csv": "a,b\n1,2\n"})
    with Emulator() as emulator:
        cli = Cli(project=root, emulator=emulator)
        cli("apply", "--auto-approve")
        cli("plan", "--detailed-exitcode")
        for old, new, shown in EDITS[api]:
            manifest = root / "assistants/a.yaml"
            manifest.write_text(manifest.read_text().replace(old, new))
            plan = cli("plan", "--detailed-exitcode", code=2).output
            assert shown in plan, plan
            assert "Plan: 0 to create, 1 to update, 0 to delete." in plan
            cli("apply", "--auto-approve")
            cli("plan", "--detailed-exitcode")
