"""Per-API rules at validate time (README: Which API to deploy to)."""

from __future__ import annotations

import pytest

from asst_deploy.assemble import validate_project

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
    manifest = (f"name: a\nmodel: m\ntools:\n  - type: file_search\n    ranking_options: {{ranker: {ranker}}}\n"
                "files: [docs/a.md]\n")
    root = make_project({"assistants/a.yaml": manifest, "docs/a.md": "a\n"})
    got = [str(p) for p in validate_project(root, api=api)]
    assert got == ([f"assistants/a.yaml:5:31: tools[0].ranking_options.ranker: {expected}"] if expected else [])


@pytest.mark.parametrize("model", ["gpt-5.1", "gpt-5.2-mini"])
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


@pytest.mark.parametrize("model", ["o1", "o3-mini", "o4-mini", "gpt-5", "gpt-5-mini"])
def test_older_reasoning_models_take_no_effort_none(make_project, model: str) -> None:
    """Only gpt-5.1 and later accept `none`: it no longer lifts the sampling rule for the others."""
    manifest = f"name: a\nmodel: {model}\ntemperature: 0.2\n"
    assert problems(make_project, manifest, "responses") == [
        f"assistants/a.yaml:3:14: temperature: {model} is a reasoning model: api: responses refuses temperature"
        "; remove it"]
    assert problems(make_project, manifest + "reasoning_effort: none\n", "responses") == [
        f"assistants/a.yaml:4:19: reasoning_effort: {model} does not accept reasoning_effort: none (gpt-5.1 and "
        "later do): use minimal or low, or a newer model"]


@pytest.mark.parametrize("api", ["assistants", "agents", "responses"])
@pytest.mark.parametrize("model", ["gpt-4o", "gpt-4.1-mini", "gpt-3.5-turbo"])
def test_reasoning_effort_on_a_plain_model_is_refused(make_project, api: str, model: str) -> None:
    assert problems(make_project, f"name: a\nmodel: {model}\nreasoning_effort: low\n", api) == [
        f"assistants/a.yaml:3:19: reasoning_effort: {model} is not a reasoning model: it takes no "
        "reasoning_effort (o-series and gpt-5 models do): remove it"]
    # a name the tool cannot judge (an Azure deployment) is left to the account
    assert problems(make_project, "name: a\nmodel: my-deployment\nreasoning_effort: low\n", api) == []


def test_agents_json_schema_takes_only_the_schema(make_project) -> None:
    manifest = ("name: a\nmodel: gpt-4o\nresponse_format:\n  type: json_schema\n  json_schema:\n"
                "    name: out\n    strict: true\n    schema: {type: object}\n")
    assert [p.split(": ")[1] for p in problems(make_project, manifest, "agents")] == [
        "response_format.json_schema.name", "response_format.json_schema.strict"]
    assert problems(make_project, manifest, "responses") == []
    nameless = manifest.replace("    name: out\n", "")
    assert problems(make_project, nameless, "responses") == [
        "assistants/a.yaml:6:5: response_format.json_schema: api: responses needs a name for a json_schema "
        "format: add name (letters, digits, _ and -)"]


@pytest.mark.parametrize(("api", "tool", "field"), [
    ("responses", "{type: web_search, mode: disabled}", "tools[0].mode"),
    ("assistants", "{type: function, function: {name: f, defer_loading: true}}", "tools[0].function.defer_loading"),
    ("responses", "{type: mcp, server_label: s, required: true, transport: {type: http, server_url: 'https://x'}}",
     "tools[0].required"),
    ("responses", "{type: mcp, server_label: s, credential_id: c, transport: {type: http, server_url: 'https://x'}}",
     "tools[0].credential_id"),
    ("agents", "{type: mcp, server_label: s, require_approval: never, transport: {type: http, server_url: 'https://x'}}",
     "tools[0].require_approval"),
    ("agents", "{type: mcp, server_label: s, connector_id: connector_gmail}", "tools[0].connector_id"),
    ("responses", "{type: mcp, server_label: s}", "tools[0]"),
])
def test_tool_settings_the_api_lacks_are_refused_naming_the_field(make_project, api: str, tool: str,
                                                                  field: str) -> None:
    found = problems(make_project, f"name: a\nmodel: gpt-4o\ntools:\n  - {tool}\n", api)
    assert [p.split(": ")[1] for p in found][:1] == [field], found


@pytest.mark.parametrize("api", ["assistants", "agents"])
def test_responses_only_settings_are_refused_elsewhere(make_project, api: str) -> None:
    manifest = "name: a\nmodel: gpt-4o\nstore: false\ntruncation: auto\nmax_output_tokens: 100\n"
    assert [p.split(": ")[1] for p in problems(make_project, manifest, api)] == [
        "store", "truncation", "max_output_tokens"]
    assert problems(make_project, manifest, "responses") == []


def test_tool_choice_must_name_a_declared_function(make_project) -> None:
    manifest = ("name: a\nmodel: gpt-4o\ntool_choice: {type: function, name: g}\n"
                "tools: [{type: function, function: {name: f}}]\n")
    assert problems(make_project, manifest, "responses") == [
        "assistants/a.yaml:3:37: tool_choice.name: no function tool is named 'g' (declared: f)"]


@pytest.mark.parametrize("api", ["assistants", "responses"])
def test_agents_only_settings_are_refused_elsewhere(make_project, api: str) -> None:
    manifest = "name: a\nmodel: gpt-5\nmulti_agent: {enabled: true}\ncompaction: {async: true}\n"
    assert [p.split(": ")[1] for p in problems(make_project, manifest, api)] == ["multi_agent", "compaction"]
    assert problems(make_project, manifest, "agents") == []


CONNECTOR = """\
name: a
model: gpt-4o
tools:
  - type: mcp
    server_label: mail
    connector_id: {connector}
"""


def test_responses_refuses_a_connector_the_sdk_does_not_know(make_project) -> None:
    """Regression: connector_bogus validated and applied, and the lockfile's kwargs then broke the
    SDK's own literal list. The list is read from the installed SDK, not kept here."""
    assert problems(make_project, CONNECTOR.format(connector="connector_gmail"), "responses") == []
    [problem] = problems(make_project, CONNECTOR.format(connector="connector_bogus"), "responses")
    assert problem.startswith("assistants/a.yaml:6:19: tools[0].connector_id: 'connector_bogus' is not a "
                              "connector of the Responses API: one of connector_dropbox, connector_gmail"), problem
    assert "connector_sharepoint" in problem


def test_validate_imports_the_sdk_only_for_a_connector(make_project) -> None:
    """Reading the SDK's literals costs its import (about a second): only a manifest with a
    connector_id pays it."""
    import subprocess
    import sys

    plain = make_project({"assistants/a.yaml": "name: a\nmodel: gpt-4o\n"})
    code = ("import sys; from asst_deploy.assemble import validate_project; "
            "problems = validate_project(sys.argv[1], api='responses'); print(problems, 'openai' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code, str(plain)], capture_output=True, text=True,
                          check=True).stdout.strip() == "[] False"


def test_responses_refuses_file_search_without_files(make_project) -> None:
    """Regression: it wrote ``vector_store_ids: []`` into the kwargs, which the API refuses."""
    [problem] = problems(make_project, "name: a\nmodel: gpt-4o\ntools:\n  - type: file_search\n", "responses")
    assert problem == ("assistants/a.yaml:4:5: tools[0]: file_search with api: responses searches the "
                       "manifest's files, and it lists none: add files, or remove the tool")
    assert problems(make_project, "name: a\nmodel: gpt-4o\ntools:\n  - type: file_search\n", "assistants") == []
