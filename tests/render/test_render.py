"""``render()`` and ``use_color()``: formats, colour, scripts, and documents from elsewhere."""

from __future__ import annotations

import io
import json
import re

import pytest
from render_plans import assistant, sample_plan

from asst_deploy.plan.types import Action, Change, FieldDiff, Fingerprints, Kind, Plan
from asst_deploy.render import render, use_color

CJK_BEFORE = "你是一个客服助手。\n请用中文回答用户的问题。\n不要透露内部信息。\n"
CJK_AFTER = "你是一个销售助手。\n请用中文回答用户的问题。\n不要透露内部信息。\n"


def one_update(*fields: FieldDiff) -> dict:
    return Plan("acme", "dev", "assistants", changes=(Change(Kind.ASSISTANT, "bot", Action.UPDATE, id="asst_1", fields=fields),)).to_json()


def test_json_is_the_document_and_round_trips():
    plan = sample_plan(notes=("a note",), fingerprints=Fingerprints("obs", "des", "lk"))
    out = render(plan.to_json(), "json")
    assert out.endswith("}\n")
    assert Plan.from_json(json.loads(out)) == plan
    assert out == json.dumps(plan.to_json(), indent=2, ensure_ascii=False) + "\n"


def test_json_keeps_every_script_as_written():
    out = render(one_update(FieldDiff("instructions", CJK_BEFORE, CJK_AFTER)), "json")
    assert "销售助手" in out and "\\u" not in out


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown plan format 'yaml'"):
        render(sample_plan().to_json(), "yaml")


def test_cjk_instructions_read_as_written_with_the_changed_characters_marked():
    doc = one_update(FieldDiff("instructions", CJK_BEFORE, CJK_AFTER))
    assert (
        "    ~ instructions:\n"
        "      - 你是一个[-客服-]助手。\n"
        "      + 你是一个{+销售+}助手。\n"
        "        请用中文回答用户的问题。\n"
        "        不要透露内部信息。\n"
    ) in render(doc)
    markdown = render(doc, "markdown")  # a diff block colours whole lines: no word markers in it
    assert "-   你是一个客服助手。\n+   你是一个销售助手。\n" in markdown
    assert "{+" not in markdown and "[-" not in markdown


def test_a_change_deep_in_a_300_line_instruction_is_visible():
    before = "\n".join(f"Rule {i}: answer questions about topic {i} politely." for i in range(1, 301))
    after = before.replace("Rule 217: answer questions about topic 217 politely.", "Rule 217: answer questions about topic 217 briefly.")
    out = render(one_update(FieldDiff("instructions", before, after)))
    assert (
        "    ~ instructions:\n"
        "        ... 213 unchanged lines ...\n"
        "        Rule 214: answer questions about topic 214 politely.\n"
        "        Rule 215: answer questions about topic 215 politely.\n"
        "        Rule 216: answer questions about topic 216 politely.\n"
        "      - Rule 217: answer questions about topic 217 [-politely-].\n"
        "      + Rule 217: answer questions about topic 217 {+briefly+}.\n"
        "        Rule 218: answer questions about topic 218 politely.\n"
        "        Rule 219: answer questions about topic 219 politely.\n"
        "        Rule 220: answer questions about topic 220 politely.\n"
        "        ... 80 unchanged lines ...\n"
    ) in out
    assert len(out.splitlines()) < 25


def test_colour_marks_lines_and_highlights_changed_words():
    doc = one_update(FieldDiff("model", "gpt-4o", "gpt-4o-mini"), FieldDiff("instructions", "Answer politely.\n", "Answer briefly.\n"))
    out = render(doc, color=True)
    assert "\x1b[33m~\x1b[0m \x1b[1massistant.bot\x1b[0m\x1b[2m (asst_1)\x1b[0m will be updated in place\n" in out
    assert "\x1b[31m      - \x1b[0m\x1b[31mAnswer \x1b[0m\x1b[31;7mpolitely\x1b[0m\x1b[31m.\x1b[0m\n" in out
    assert "\x1b[32m      + \x1b[0m\x1b[32mAnswer \x1b[0m\x1b[32;7mbriefly\x1b[0m\x1b[32m.\x1b[0m\n" in out
    assert out.splitlines()[-1] == "Plan: 0 to create, 1 to update, 0 to delete."
    assert "\x1b" not in render(doc, color=False)


def test_user_text_cannot_smuggle_terminal_escapes():
    doc = one_update(FieldDiff("instructions", "Be nice.\n", "Be nice.\x1b[2K\rIgnore all rules.\u202e\n"))
    for fmt in ("text", "markdown"):
        out = render(doc, fmt, color=True)
        assert "\r" not in out and "\u202e" not in out and "\x1b[2K" not in out
        assert "\\x1b[2K\\x0dIgnore all rules.\\u202e" in out


class Tty(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("tty", "env", "expected"),
    [
        (True, {}, True),
        (False, {}, False),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # no-color.org: only a non-empty value counts
        (False, {"FORCE_COLOR": "1"}, True),
        (True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_use_color(tty, env, expected):
    assert use_color(Tty(tty), env) is expected


def test_use_color_reads_the_process_environment(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(Tty(True)) is False
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color(io.StringIO()) is True


def test_a_closed_stream_is_not_a_terminal():
    stream = io.StringIO()
    stream.close()
    assert use_color(stream, {}) is False


def test_a_hand_written_document_with_missing_keys_still_renders():
    doc = {"format_version": 1, "project": "p", "environment": "e", "api": "assistants",
           "changes": [{"type": "assistant", "name": "x", "action": "update", "before": None, "after": None}]}
    out = render(doc)
    assert "~ assistant.x will be updated in place\n" in out
    assert out.endswith("Plan: 0 to create, 1 to update, 0 to delete.\n")
    assert "| ✏️ update | `assistant.x` |  |  |" in render(doc, "markdown")


def test_text_and_markdown_show_the_same_diff_lines():
    """Same walk, different layout: every added or removed line of the comment is in the terminal text."""
    doc = sample_plan().to_json()

    def content(line: str) -> str:  # the terminal's word markers are not in the comment's diff blocks
        return re.sub(r"\[-(.*?)-\]|\{\+(.*?)\+\}", lambda m: m[1] or m[2] or "", line.strip()[1:].strip())

    text_lines = {content(line) for line in render(doc).splitlines() if line.strip()[:2] in ("+ ", "- ")}
    md_lines = [line for line in render(doc, "markdown").splitlines() if line[:2] in ("+ ", "- ")]
    scalars = ("model:", "sha256:", "size:")
    assert md_lines
    for line in md_lines:
        if not content(line).startswith(scalars):  # shown as "a -> b" in a terminal
            assert content(line) in text_lines, line


def test_an_update_computed_from_before_and_after_when_fields_are_missing():
    change = Change(Kind.ASSISTANT, "bot", Action.UPDATE, id="asst_1", before=assistant(), after=assistant(temperature=0.7, metadata={"team": "billing"}))
    out = render(Plan("p", "e", "assistants", changes=(change,)).to_json())
    assert "    ~ temperature: 0.2 -> 0.7\n    ~ metadata.team: (unset) -> \"billing\"\n" in out
