"""Per-API rules at validate time (DESIGN.md section 10)."""

from __future__ import annotations

import pytest

from asst_deploy.project import validate_project

AGENTS_REFUSED = """\
name: a
model: gpt-4o
tools:
  - type: file_search
  - type: code_interpreter
  - type: function
    function: {name: f, description: d, parameters: {type: object}, strict: true}
files: [docs/a.md]
code_interpreter_files: [data/x.csv]
temperature: 0.5
top_p: 0.5
response_format: {type: json_object}
service_tier: scale
"""


def problems(make_project, manifest: str, api: str) -> list[str]:
    root = make_project({"assistants/a.yaml": manifest})
    return [str(p) for p in validate_project(root, api=api)]


def test_agents_refuses_what_it_cannot_express(make_project) -> None:
    also = "api: responses or api: assistants support it"
    assert problems(make_project, AGENTS_REFUSED, "agents") == [
        f"assistants/a.yaml:4:11: tools[0].type: file_search is not available with api: agents; {also}",
        f"assistants/a.yaml:5:11: tools[1].type: code_interpreter is not available with api: agents; {also}",
        f"assistants/a.yaml:7:77: tools[2].function.strict: not available with api: agents; {also} "
        "(agents' function tools take no strict: remove it)",
        f"assistants/a.yaml:8:8: files: not available with api: agents; {also}",
        f"assistants/a.yaml:9:25: code_interpreter_files: not available with api: agents; {also}",
        f"assistants/a.yaml:10:14: temperature: not available with api: agents; {also}",
        f"assistants/a.yaml:11:8: top_p: not available with api: agents; {also}",
        f"assistants/a.yaml:12:25: response_format.type: json_object is not available with api: agents; {also} "
        "(api: agents accepts json_schema)",
        "assistants/a.yaml:13:15: service_tier: scale is not available with api: agents; api: responses supports it",
    ]


def test_agents_display_name_limit(make_project) -> None:
    [problem] = problems(make_project, f"name: a\nmodel: m\ndisplay_name: {'d' * 129}\n", "agents")
    assert problem.startswith("assistants/a.yaml:3:15: display_name: the display name")
    assert problem.endswith("is 129 characters; api: agents allows at most 128: shorten it")


def test_agents_accepts_its_own_tools(make_project) -> None:
    manifest = """\
    name: a
    model: gpt-5
    reasoning_effort: low
    verbosity: high
    service_tier: flex
    tools:
      - type: web_search
        allowed_domains: [example.com]
        location: {country: FR}
      - type: mcp
        server_label: docs
        transport: {type: stdio, command: docs-mcp, cwd: /srv}
      - type: tool_search
      - type: function
        function: {name: f, description: d, parameters: {type: object}}
    """
    assert problems(make_project, manifest, "agents") == []
    assert problems(make_project, manifest, "assistants") == [
        "assistants/a.yaml:4:12: verbosity: not available with api: assistants; "
        "api: responses or api: agents support it",
        "assistants/a.yaml:5:15: service_tier: not available with api: assistants; "
        "api: responses or api: agents support it",
        "assistants/a.yaml:7:11: tools[0].type: web_search is not available with api: assistants; "
        "api: responses or api: agents support it",
        "assistants/a.yaml:10:11: tools[1].type: mcp is not available with api: assistants; "
        "api: responses or api: agents support it",
        "assistants/a.yaml:13:11: tools[2].type: tool_search is not available with api: assistants; "
        "api: responses or api: agents support it",
    ]
    assert problems(make_project, manifest, "responses") == [
        "assistants/a.yaml:12:23: tools[1].transport.type: api: responses reaches MCP servers over HTTP only: "
        "use transport type http, or api: agents",
    ]


@pytest.mark.parametrize(
    ("api", "ranker", "expected"),
    [
        ("responses", "default_2024_08_21", "default_2024_08_21 is not a ranker of api: responses: "
         "write default-2024-11-15, or auto (which works with every API)"),
        ("assistants", "default-2024-11-15", "default-2024-11-15 is not a ranker of api: assistants: "
         "write default_2024_08_21, or auto (which works with every API)"),
        ("responses", "default-2024-11-15", None),
        ("assistants", "default_2024_08_21", None),
        ("assistants", "auto", None),
        ("responses", "auto", None),
    ],
)
def test_rankers(make_project, api: str, ranker: str, expected: str | None) -> None:
    manifest = f"name: a\nmodel: m\ntools:\n  - type: file_search\n    ranking_options: {{ranker: {ranker}}}\n"
    got = problems(make_project, manifest, api)
    assert got == ([f"assistants/a.yaml:5:31: tools[0].ranking_options.ranker: {expected}"] if expected else [])


@pytest.mark.parametrize("model", ["o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini"])
def test_responses_reasoning_models_refuse_sampling(make_project, model: str) -> None:
    manifest = f"name: a\nmodel: {model}\ntemperature: 0.2\ntop_p: 0.9\n"
    assert problems(make_project, manifest, "responses") == [
        f"assistants/a.yaml:3:14: temperature: {model} is a reasoning model: api: responses refuses temperature "
        "unless reasoning_effort is none; remove it or set reasoning_effort: none",
        f"assistants/a.yaml:4:8: top_p: {model} is a reasoning model: api: responses refuses top_p "
        "unless reasoning_effort is none; remove it or set reasoning_effort: none",
    ]
    assert problems(make_project, manifest + "reasoning_effort: none\n", "responses") == []
    assert problems(make_project, manifest.replace(model, "gpt-4o"), "responses") == []
