"""Loading projects: problems built in Python (bytes, symlinks, sizes), all-errors runs, specs."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from asst_deploy.errors import ValidationFailed
from asst_deploy.assemble import validate_project
from asst_deploy.project import load_project
from asst_deploy.spec import AssistantSpec, FileSpec

REPO = Path(__file__).resolve().parents[2]


def lines(problems) -> list[str]:
    return [str(p) for p in problems]


def test_non_utf8_names_line_and_column(make_project) -> None:
    root = make_project({"assistants/a.yaml": b"name: a\nmodel: gpt\xe9-4o\n"})
    assert lines(validate_project(root)) == [
        "assistants/a.yaml:2:11: not UTF-8 (byte 0xe9): save the file as UTF-8"
    ]


def test_non_utf8_instructions_file(make_project) -> None:
    root = make_project({
        "prompts/latin1.md": "caf\xe9\n".encode("latin-1"),
        "assistants/a.yaml": "name: a\nmodel: m\ninstructions_file: prompts/latin1.md\n",
    })
    [problem] = validate_project(root)
    assert str(problem).startswith("assistants/a.yaml:3:20: instructions_file: prompts/latin1.md line 1: not UTF-8")


def test_symlink_out_of_project(make_project, tmp_path) -> None:
    outside = tmp_path / "secret.md"
    outside.write_text("secret")
    root = make_project({
        "assistants/a.yaml": "name: a\nmodel: m\ntools: [{type: file_search}]\nfiles: [docs/link.md]\n",
    })
    os.symlink(outside, root / "docs" / "link.md")
    [problem] = validate_project(root)
    assert str(problem) == (
        "assistants/a.yaml:4:9: files[0]: 'docs/link.md' resolves outside the project (a symlink?): copy the file in"
    )


def test_duplicate_names_name_both_files(make_project) -> None:
    root = make_project({
        "assistants/a.yaml": "name: bot\nmodel: m\n",
        "assistants/b.yaml": "# second\nname: bot\nmodel: m\n",
    })
    assert lines(validate_project(root)) == [
        "assistants/a.yaml:1:7: name: 'bot' is also the name in assistants/b.yaml:2; names must be unique in the project",
        "assistants/b.yaml:2:7: name: 'bot' is also the name in assistants/a.yaml:1; names must be unique in the project",
    ]


def test_instructions_file_too_long(make_project) -> None:
    root = make_project({
        "prompts/huge.md": "x" * 256_001,
        "assistants/a.yaml": "name: a\nmodel: m\ninstructions_file: prompts/huge.md\n",
    })
    [problem] = validate_project(root)
    assert "instructions_file: prompts/huge.md is 256,001 characters; the API allows at most 256,000" in str(problem)


def test_inline_instructions_too_long(make_project) -> None:
    root = make_project({"assistants/a.yaml": f"name: a\nmodel: m\ninstructions: {'y' * 256_001}\n"})
    [problem] = validate_project(root)
    assert str(problem).startswith("assistants/a.yaml:3:15: instructions: is 256001 characters; the API allows at most 256000")


def test_too_many_tools(make_project) -> None:
    tools = "".join("  - type: code_interpreter\n" for _ in range(129))
    root = make_project({"assistants/a.yaml": f"name: a\nmodel: m\ntools:\n{tools}"})
    [problem] = validate_project(root)
    assert str(problem).startswith("assistants/a.yaml:4:3: tools: has 129 items; the API allows at most 128")


def test_display_name_limit_counts_the_environment_prefix(make_project) -> None:
    root = make_project(
        {"assistants/a.yaml": f"name: a\nmodel: m\ndisplay_name: {'n' * 250}\n"},
        config="environments:\n  dev: {name_prefix: '[development] '}\n",
    )
    [problem] = validate_project(root)
    assert str(problem).startswith("assistants/a.yaml:3:15: display_name: display name")
    assert "264 characters with the environment's prefix/suffix; the API allows at most 256" in str(problem)


def test_all_errors_of_all_files_in_one_run_sorted(make_project) -> None:
    root = make_project({
        "assistants/c.yaml": "name: c\nmodel: 4\n",
        "assistants/a.yaml": "name: A\nmodel: m\ntemperature: 3\n",
        "assistants/b.yaml": "name: b\nmodel: m\ninstructions_file: prompts/none.md\nfiles: [nope/*.md]\n",
    })
    with pytest.raises(ValidationFailed) as caught:
        load_project(root)
    assert [(p.file, p.line, p.field) for p in caught.value.problems] == [
        ("assistants/a.yaml", 1, "name"),
        ("assistants/a.yaml", 3, "temperature"),
        ("assistants/b.yaml", 3, "instructions_file"),
        ("assistants/b.yaml", 4, "files"),
        ("assistants/b.yaml", 4, "files[0]"),
        ("assistants/c.yaml", 2, "model"),
    ]
    assert str(caught.value).endswith("6 errors found; nothing was sent to the API.")


def test_missing_manifests_folder(make_project) -> None:
    root = make_project(config="manifests: agents/\n")
    [problem] = validate_project(root)
    assert str(problem).startswith("asst-deploy.yaml:1:12: manifests: manifests folder 'agents/' not found")


def test_yaml_merge_keys_and_anchors(make_project) -> None:
    root = make_project({"assistants/a.yaml": """\
        - &base {name: one, model: gpt-4o, temperature: 0.5}
        - <<: *base
          name: two
        """})
    project = load_project(root)
    assert [(s.name, s.temperature) for s in project.specs] == [("one", 0.5), ("two", 0.5)]


def _sha(path: Path) -> FileSpec:
    data = path.read_bytes()
    return FileSpec(path.relative_to(REPO).as_posix(), hashlib.sha256(data).hexdigest(), len(data))


def test_bundled_project_round_trips_to_exact_specs() -> None:
    project = load_project(REPO, env="dev")
    assert (project.environment, project.api, project.config.project) == ("dev", "assistants", "acme-support")
    assert project.lockfile == REPO / "assistants.dev.lock.json"
    math, order, support = project.specs
    assert math == AssistantSpec(
        name="math-tutor",
        display_name="[dev] Math Tutor",
        model="gpt-4o-mini",
        description="Personal math tutor that writes and runs Python to answer questions",
        instructions="You are a personal math tutor. When asked a math question, write and run code to answer it.\n"
        "The file exam_scores.csv holds last term's exam scores: use it for questions about statistics.\n",
        tools=({"type": "code_interpreter"},),
        temperature=0.2,
        metadata={"team": "support"},
        code_interpreter_files=(_sha(REPO / "data/exam_scores.csv"),),
        source="assistants/math-tutor.yaml",
    )
    assert order.tools == (
        {"type": "function", "name": "get_order_status",
         "description": "Find an order by its number and return its status",
         "parameters": {"type": "object", "properties": {
             "order_number": {"type": "string", "description": "The order number, e.g. A-1042"},
             "include_items": {"type": "boolean", "description": "Also list the items of the order"}},
             "required": ["order_number"]}},
        {"type": "function", "name": "cancel_order", "description": "Cancel an order that has not shipped yet",
         "parameters": {"type": "object", "properties": {
             "order_number": {"type": "string", "description": "The order number, e.g. A-1042"},
             "reason": {"type": "string", "enum": ["changed_mind", "duplicate", "too_slow", "other"]}},
             "required": ["order_number", "reason"], "additionalProperties": False},
         "strict": True},
    )
    assert (order.response_format, order.top_p, order.temperature) == ("auto", 0.9, None)
    assert support.instructions == (REPO / "prompts/support.md").read_text(encoding="utf-8")
    assert support.tools == ({"type": "file_search", "max_num_results": 8,
                              "ranking_options": {"ranker": "auto", "score_threshold": 0.3}},)
    assert support.files == tuple(_sha(p) for p in sorted((REPO / "docs/billing").glob("*.md")))
    assert support.metadata == {"team": "support", "owner": "billing-team"}


def test_bundled_project_prod_override() -> None:
    project = load_project(REPO, env="prod")
    support = next(s for s in project.specs if s.name == "support-bot")
    assert (support.display_name, support.model, support.temperature) == ("Support Bot", "gpt-4o", 0.1)
    assert support.metadata == {"team": "support", "stage": "prod", "owner": "billing-team"}


@pytest.mark.parametrize("api", ["assistants", "responses"])
def test_examples_validate(api: str) -> None:
    assert validate_project(REPO, api=api) == []
    assert validate_project(REPO / "examples/six-hats", api=api) == []


def test_six_hats_keep_their_chinese_instructions() -> None:
    project = load_project(REPO / "examples/six-hats")
    assert len(project.specs) == 6
    white = next(s for s in project.specs if s.name == "white-hat")
    assert white.display_name == "白色帽子角色"
    assert white.instructions.startswith("我们在进行一场Six Thinking Hats讨论。")
    assert "思考“我们有哪些数据?我们还需要哪些信息?”等问题" in white.instructions
    assert all(s.tools[0]["name"] == "search" and s.model == "gpt-4o-mini" for s in project.specs)


def test_utf8_round_trip(make_project) -> None:
    root = make_project({
        "prompts/zh.md": "你是个问答机器人,你根据给定的知识回答用户问题。\n",
        "assistants/zh.yaml": "name: zh\ndisplay_name: 问答机器人\nmodel: m\ninstructions_file: prompts/zh.md\n"
        "metadata: {说明: 中文}\n",
    })
    [spec] = load_project(root).specs
    assert spec.display_name == "问答机器人"
    assert spec.instructions == "你是个问答机器人,你根据给定的知识回答用户问题。\n"
    assert spec.metadata == {"说明": "中文"}


def test_merge_order_defaults_manifest_environment_override(make_project) -> None:
    root = make_project(
        {
            "assistants/a.yaml": "name: a\nmodel: manifest-model\ntemperature: 0.5\nmetadata: {m: manifest, x: manifest}\n",
            "assistants/b.yaml": "name: b\n",
        },
        config="""\
        defaults:
          model: default-model
          top_p: 0.5
          metadata: {d: default, x: default}
        environments:
          prod:
            temperature: 0.7
            metadata: {e: env}
            assistants:
              a: {temperature: 0.1, metadata: {x: override}}
        """,
    )
    a, b = load_project(root, env="prod").specs
    assert (a.model, a.top_p, a.temperature) == ("manifest-model", 0.5, 0.1)
    assert a.metadata == {"d": "default", "x": "override", "m": "manifest", "e": "env"}
    assert (b.model, b.top_p, b.temperature) == ("default-model", 0.5, 0.7)
    assert b.metadata == {"d": "default", "x": "default", "e": "env"}


def test_errors_in_defaults_and_overrides_point_at_the_config(make_project) -> None:
    root = make_project(
        {"assistants/a.yaml": "name: a\nmodel: m\n", "assistants/b.yaml": "name: b\nmodel: m\n"},
        config="""\
        defaults:
          temperature: hot
        environments:
          prod:
            assistants:
              a: {top_p: 7}
              ghost: {model: x}
        """,
    )
    assert lines(validate_project(root)) == [
        "asst-deploy.yaml:2:16: defaults.temperature: expected a number, got string 'hot'",
        "asst-deploy.yaml:6:18: environments.prod.assistants.a.top_p: must be between 0 and 1, got 7",
        "asst-deploy.yaml:7:7: environments.prod.assistants.ghost: no manifest is named 'ghost' (known: a, b)",
    ]


def test_run_validate_output_and_exit_codes(make_project) -> None:
    """Problems go to stderr, as every command's errors do; the summary of a valid project to stdout.
    (Regression: validate printed its errors on stdout, plan on stderr.)"""
    import io

    from asst_deploy.commands.validate import run_validate
    from asst_deploy.console import Console

    out, err = io.StringIO(), io.StringIO()
    assert run_validate(REPO, None, None, Console(out, err)) == 0
    assert out.getvalue() == "3 manifests valid (environments: dev (api: assistants), prod (api: assistants))\n"
    assert err.getvalue() == ""
    root = make_project({"assistants/a.yaml": "name: a\nmodel: m\ntemperature: 9\n"}, config="project: p\n")
    out, err = io.StringIO(), io.StringIO()
    assert run_validate(root, None, None, Console(out, err)) == 1
    assert out.getvalue() == ""
    assert err.getvalue() == (
        "assistants/a.yaml:3:14: temperature: must be between 0 and 2, got 9\n"
        "1 error found; nothing was sent to the API.\n"
    )
