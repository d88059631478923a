"""Bugs in shared code found while building import/export, each pinned by a test."""

from __future__ import annotations

from pathlib import Path

from teams_support import write_project


def test_json_schema_response_format_has_no_perpetual_diff(tmp_path: Path, cli) -> None:
    """The SDK names the field ``schema_`` (alias ``schema``): read back by alias, or every plan
    after an apply showed response_format.json_schema.schema -> schema_ as a change."""
    project = write_project(tmp_path / "p", {
        "assistants/a.yaml": """
            name: a
            model: gpt-4o
            response_format:
              type: json_schema
              json_schema:
                name: out
                strict: true
                schema: {type: object, properties: {a: {type: string}}}
        """,
    })
    cli(project, "apply", "--auto-approve")
    result = cli(project, "plan", "--detailed-exitcode", code=None)
    assert result.exit_code == 0, result.stdout
