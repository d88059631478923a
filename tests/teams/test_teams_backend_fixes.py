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


def test_planner_leaves_a_store_attached_by_hand_alone() -> None:
    """An adopted assistant keeps its hand-made vector store (not ours): no change is planned for it,
    just as code-interpreter files that are not ours are not."""
    from asst_deploy.plan.planner import Desired, plan
    from asst_deploy.plan.types import Kind
    from asst_deploy.spec import AssistantSpec, Defaults, normalize
    from asst_deploy.state import Observed, ObservedAssistant

    spec = normalize(AssistantSpec(name="bot", display_name="bot", model="gpt-4o",
                                   tools=({"type": "file_search"},)), Defaults())
    desired = Desired(project="p", environment="default", api="assistants", kind=Kind.ASSISTANT, specs=(spec,))
    adopted = ObservedAssistant(id="asst_1", name="bot", spec=spec, vector_store_ids=("vs_by_hand",))
    lock = {"assistants": {"bot": {"id": "asst_1", "api": "assistants", "code_interpreter_files": {}}}}
    assert plan(desired, Observed(assistants=(adopted,)), lock).changes == ()
