"""Fields the API hands back in another shape than the manifest wrote: apply, then plan is empty."""

from __future__ import annotations

from pathlib import Path

from support.cli import Cli

JSON_SCHEMA_BOT = """\
name: a
model: gpt-4o
response_format:
  type: json_schema
  json_schema:
    name: out
    strict: true
    schema: {type: object, properties: {a: {type: string}}}
"""


def test_json_schema_response_format_has_no_perpetual_diff(tmp_path: Path, asst_emulator) -> None:
    """The SDK names the field ``schema_`` (alias ``schema``): read back by alias, or every plan
    after an apply showed response_format.json_schema.schema -> schema_ as a change."""
    (tmp_path / "asst-deploy.yaml").write_text("project: round-trip\n")
    (tmp_path / "assistants").mkdir()
    (tmp_path / "assistants/a.yaml").write_text(JSON_SCHEMA_BOT)
    cli = Cli(project=tmp_path, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve", env=None)
    cli("plan", "--detailed-exitcode", env=None)
