"""Fields and tools taken in the openai SDK's own shape: refused by the APIs that lack them, with
file:line:col naming the APIs that take them, and checked against the SDK's types where taken."""

from __future__ import annotations

from asst_deploy.project import validate_project

PROMPT = """\
name: a
model: gpt-4o
prompt:
  id: pmpt_68a1b2c3d4
  version: 3
  variables:
    city: Paris
    chart: {type: input_image, image_url: "https://example.com/c.png", detail: auto}
"""


def problems(make_project, manifest: str, api: str) -> list[str]:
    root = make_project({"assistants/a.yaml": manifest})
    return [str(p) for p in validate_project(root, api=api)]


def test_a_pinned_prompt_is_taken_by_responses_only(make_project) -> None:
    assert problems(make_project, PROMPT, "responses") == []
    for api in ("agents", "assistants"):
        assert problems(make_project, PROMPT, api) == [
            f"assistants/a.yaml:4:3: prompt: not available with api: {api}; api: responses supports it"]


def test_a_pinned_prompt_needs_a_version_and_a_prompt_id(make_project) -> None:
    unpinned = "name: a\nmodel: gpt-4o\nprompt: {id: pmpt_1a}\n"
    assert problems(make_project, unpinned, "responses") == [
        "assistants/a.yaml:3:9: prompt.version: required: add `version: ...`"]
    assert problems(make_project, PROMPT.replace("pmpt_68a1b2c3d4", "prompt-1"), "responses") == [
        "assistants/a.yaml:4:7: prompt.id: 'prompt-1' is not a prompt id: a reusable prompt's id is pmpt_ "
        "followed by letters and digits (copy it from the prompt's page in the dashboard)"]


def test_a_prompt_variable_item_is_checked_against_the_sdk(make_project) -> None:
    bad = PROMPT + "    note: {type: input_text, txt: hi}\n"
    assert problems(make_project, bad, "responses") == [
        "assistants/a.yaml:9:11: prompt.variables.note: required: add `text: ...`"]
    extra = PROMPT + "    note: {type: input_text, text: hi, txt: hi}\n"
    assert problems(make_project, extra, "responses") == [
        "assistants/a.yaml:9:45: prompt.variables.note.txt: Unknown parameter: 'txt'."]
