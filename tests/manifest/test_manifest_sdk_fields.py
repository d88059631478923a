"""Fields and tools taken in the openai SDK's own shape: refused by the APIs that lack them, with
file:line:col naming the APIs that take them, and checked against the SDK's types where taken."""

from __future__ import annotations

from asst_deploy.assemble import validate_project

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


TOOLS = """\
name: a
model: gpt-5
tools:
  - type: image_generation
    quality: ultra
  - type: computer_use
    include_screenshots: true
  - type: programmatic_tool_calling
    enabled: false
  - type: custom
    name: sql
  - type: mcp
    server_label: docs
    allowed_tools: {read_only: true}
    defer_loading: true
    transport: {type: http, server_url: "https://mcp.example.com"}
  - type: function
    function: {name: f, output_schema: {type: object}}
  - {type: tool_search, execution: client}
tool_choice: {type: custom, name: sq}
moderation: {model: omni-moderation-latest, polcy: {}}
reasoning_mode: pro
"""


def test_sdk_shaped_tools_and_settings_are_checked_against_the_apis_own_types(make_project) -> None:
    assert problems(make_project, TOOLS, "responses") == [
        "assistants/a.yaml:5:14: tools[0].quality: Invalid value: 'ultra'. Supported values are: 'low', 'medium', "
        "'high', 'xhigh', 'max', and 'auto'.",
        "assistants/a.yaml:7:26: tools[1].include_screenshots: not available with api: responses; "
        "api: agents supports it",
        "assistants/a.yaml:9:14: tools[2].enabled: not available with api: responses; api: agents supports it",
        "assistants/a.yaml:20:35: tool_choice.name: no custom tool is named 'sq' (declared: sql)",
        "assistants/a.yaml:21:52: moderation.polcy: Unknown parameter: 'polcy'.",
    ]


def test_a_tool_or_field_an_api_lacks_is_refused_naming_the_apis_that_take_it(make_project) -> None:
    only = "not available with api: agents; api: responses supports it"
    assert problems(make_project, TOOLS, "agents") == [
        "assistants/a.yaml:4:11: tools[0].type: image_generation is " + only,
        "assistants/a.yaml:10:11: tools[3].type: custom is " + only,
        "assistants/a.yaml:14:20: tools[4].allowed_tools: a filter is " + only + " (api: agents takes a list of "
        "tool names)",
        "assistants/a.yaml:15:20: tools[4].defer_loading: " + only,
        "assistants/a.yaml:18:40: tools[5].function.output_schema: " + only,
        "assistants/a.yaml:19:36: tools[6].execution: " + only,
        "assistants/a.yaml:20:14: tool_choice: " + only,
        "assistants/a.yaml:21:13: moderation: " + only,
        "assistants/a.yaml:22:17: reasoning_mode: " + only,
    ]
    assert problems(make_project, TOOLS, "assistants")[1:3] == [
        "assistants/a.yaml:6:11: tools[1].type: computer_use is not available with api: assistants; "
        "api: responses or api: agents support it",
        "assistants/a.yaml:8:11: tools[2].type: programmatic_tool_calling is not available with api: assistants; "
        "api: responses or api: agents support it",
    ]


def test_the_computer_tool_has_one_spelling(make_project) -> None:
    manifest = "name: a\nmodel: gpt-5\ntools:\n  - type: computer\n"
    assert problems(make_project, manifest, "responses") == [
        "assistants/a.yaml:4:11: tools[0].type: write `type: computer_use`: one spelling for the computer tool of "
        "api: agents and responses (the Responses API receives it as `computer`)"]


def test_a_tool_choice_names_a_declared_tool_in_the_sdks_form(make_project) -> None:
    base = "name: a\nmodel: gpt-5\ntools:\n  - type: mcp\n    server_label: docs\n    tunnel_id: tun_1\n"
    assert problems(make_project, base + "tool_choice: {type: mcp, server_label: tickets}\n", "responses") == [
        "assistants/a.yaml:7:40: tool_choice.server_label: no mcp tool has server_label 'tickets' (declared: docs)"]
    assert problems(make_project, base + "tool_choice: {type: allowed_tools, tools: []}\n", "responses") == [
        "assistants/a.yaml:7:14: tool_choice: required: add `mode: ...`"]
    both = base + "    connector_id: connector_gmail\n"
    assert problems(make_project, both, "responses") == [
        "assistants/a.yaml:4:5: tools[0]: an mcp tool needs one of transport (http or stdio), connector_id or "
        "tunnel_id, not several"]
