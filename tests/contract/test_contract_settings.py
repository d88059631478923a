"""Settings removed from a manifest are reset on the server, not left behind, and the Responses
kwargs use the Responses API's own tool shapes."""

from __future__ import annotations

import json
from pathlib import Path

import openai
import pytest
from support.cli import Cli

import asst_deploy
from asst_deploy.emulator import Emulator, EmulatorConfig

AGENT = """\
name: researcher
model: o3
reasoning_effort: high
verbosity: low
service_tier: flex
response_format:
  type: json_schema
  json_schema:
    schema: {type: object, properties: {a: {type: string}}, required: [a], additionalProperties: false}
"""


def _project(root: Path, api: str, manifest: str) -> Path:
    (root / "assistants").mkdir(parents=True)
    (root / "asst-deploy.yaml").write_text(f"project: clear\napi: {api}\n")
    (root / "assistants" / "a.yaml").write_text(manifest)
    return root


def test_agents_settings_removed_from_the_manifest_are_reset(tmp_path: Path,
                                                             asst_emulator: Emulator) -> None:
    root = _project(tmp_path / "p", "agents", AGENT)
    cli = Cli(project=root, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve", env=None)
    (root / "assistants" / "a.yaml").write_text("name: researcher\nmodel: o3\n")
    plan = json.loads(cli("plan", "--format", "json", env=None).stdout)
    assert sorted(f["field"] for f in plan["changes"][0]["fields"]) == [
        "reasoning_effort", "response_format", "settings.service_tier", "settings.verbosity"]
    cli("apply", "--auto-approve", env=None)
    client = openai.OpenAI(base_url=asst_emulator.base_url, api_key="sk-test")
    agent = client.beta.agents.retrieve(asst_deploy.agent_id("researcher", path=root))
    assert agent.text.format.type == "text" and agent.text.verbosity == "medium"
    assert agent.service_tier == "auto" and agent.reasoning.effort == "medium"  # o3's default
    assert cli("plan", "--detailed-exitcode", env=None, code=None).exit_code == 0


def test_assistants_reasoning_effort_removed_is_sent_as_null(tmp_path: Path) -> None:
    root = _project(tmp_path / "p", "assistants", "name: a\nmodel: o3\nreasoning_effort: high\n")
    with Emulator(EmulatorConfig(record_bodies=True)) as emulator:
        cli = Cli(project=root, emulator=emulator, env="dev")
        cli("apply", "--auto-approve", env=None)
        (root / "assistants" / "a.yaml").write_text("name: a\nmodel: o3\n")
        cli("apply", "--auto-approve", env=None)
        [(key, update)] = [(k, b) for k, b in emulator.bodies() if k == "POST /v1/assistants/{id}"]
        assert "reasoning_effort" in update and update["reasoning_effort"] is None
        assert cli("plan", "--detailed-exitcode", env=None, code=None).exit_code == 0


def test_responses_kwargs_use_the_responses_tool_shapes(tmp_path: Path,
                                                        asst_emulator: Emulator) -> None:
    root = _project(tmp_path / "p", "responses", """\
name: a
model: gpt-4o
tools:
  - type: web_search
    allowed_domains: [example.com]
    context_size: low
    location: {country: FR, city: Paris}
    mode: cached
  - type: mcp
    server_label: tickets
    allowed_tools: [open]
    require_approval: never
    server_description: Ticket system
    transport: {type: http, server_url: "https://mcp.example.com", headers: {X-Team: support}}
  - type: mcp
    server_label: mail
    connector_id: connector_gmail
  - type: function
    function: {name: later, defer_loading: true}
""")
    cli = Cli(project=root, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve", env=None)
    kwargs = asst_deploy.responses_kwargs("a", path=root)
    assert kwargs["tools"] == [
        {"type": "web_search", "filters": {"allowed_domains": ["example.com"]}, "search_context_size": "low",
         "user_location": {"type": "approximate", "country": "FR", "city": "Paris"}, "external_web_access": False},
        {"type": "mcp", "server_label": "tickets", "server_url": "https://mcp.example.com",
         "headers": {"X-Team": "support"}, "server_description": "Ticket system", "allowed_tools": ["open"],
         "require_approval": "never"},
        {"type": "mcp", "server_label": "mail", "connector_id": "connector_gmail"},
        {"type": "function", "name": "later", "description": None, "parameters": None, "strict": False,
         "defer_loading": True},
    ]
    client = openai.OpenAI(base_url=asst_emulator.base_url, api_key="sk-test")
    assert client.responses.create(**kwargs, input="hi").status == "completed"
    assert cli("plan", "--detailed-exitcode", env=None, code=None).exit_code == 0


def test_responses_settings_reach_the_kwargs_as_the_sdk_names_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   asst_emulator: Emulator) -> None:
    root = _project(tmp_path / "p", "responses", """\
name: a
model: gpt-5.1
reasoning_effort: low
reasoning_summary: auto
tool_choice: required
parallel_tool_calls: false
max_output_tokens: 4000
max_tool_calls: 2
store: false
include: [reasoning.encrypted_content]
prompt_cache_key: a-v1
prompt_cache_retention: in_memory
truncation: auto
safety_identifier: hashed-user
metadata: {team: support}
tools: [{type: function, function: {name: f}}]
""")
    Cli(project=root, emulator=asst_emulator)("apply", "--auto-approve", env=None)
    kwargs = asst_deploy.responses_kwargs("a", path=root)
    assert {k: v for k, v in kwargs.items() if k not in ("model", "tools")} == {
        "reasoning": {"effort": "low", "summary": "auto"}, "tool_choice": "required", "parallel_tool_calls": False,
        "max_output_tokens": 4000, "max_tool_calls": 2, "store": False, "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "a-v1", "prompt_cache_retention": "in_memory", "truncation": "auto",
        "safety_identifier": "hashed-user", "metadata": {"team": "support"}}
    client = openai.OpenAI(base_url=asst_emulator.base_url, api_key="sk-test")
    assert client.responses.create(**kwargs, input="hi").status == "completed"


def test_agents_multi_agent_compaction_experimental_are_sent_and_reset(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       asst_emulator: Emulator) -> None:
    root = _project(tmp_path / "p", "agents", "name: a\nmodel: gpt-5\nmulti_agent: {enabled: true, "
                    "max_concurrent_subagents: 3}\ncompaction: {async: true}\nexperimental: {time_awareness: true}\n")
    cli = Cli(project=root, emulator=asst_emulator)
    cli("apply", "--auto-approve", env=None)
    client = openai.OpenAI(base_url=asst_emulator.base_url, api_key="sk-test")
    agent = client.beta.agents.retrieve(asst_deploy.agent_id("a", path=root)).model_dump(by_alias=True)
    assert agent["multi_agent"] == {"enabled": True, "max_concurrent_subagents": 3}
    assert agent["compaction"] == {"async": True} and agent["experimental"] == {"time_awareness": True}
    assert cli("plan", "--detailed-exitcode", env=None, code=None).exit_code == 0
    (root / "assistants" / "a.yaml").write_text("name: a\nmodel: gpt-5\n")
    cli("apply", "--auto-approve", env=None)
    agent = client.beta.agents.retrieve(asst_deploy.agent_id("a", path=root)).model_dump(by_alias=True)
    assert agent["multi_agent"]["enabled"] is False and agent["compaction"] == {"async": False}
    assert agent["experimental"] == {"time_awareness": False}
    assert cli("plan", "--detailed-exitcode", env=None, code=None).exit_code == 0


FILE_SEARCH_REFUSED = [
    ("assistants", "    filters: {type: eq, key: path, value: docs/a.md}\n", "tools[0].filters",
     "not available with api: assistants; api: responses supports it"),
    ("assistants", "    ranking_options: {hybrid_search: {embedding_weight: 1, text_weight: 1}}\n",
     "tools[0].ranking_options.hybrid_search", "not available with api: assistants"),
    ("responses", "    ranking_options: {hybrid_search: {embedding_weight: 0, text_weight: 0}}\n",
     "tools[0].ranking_options.hybrid_search", "at least one weight above 0"),
    ("responses", "    filters: {type: in, key: lang, value: en}\n", "tools[0].filters.value", "a list of values"),
    ("responses", "    filters: {type: or, filters: [{type: eq, key: lang, value: [en]}]}\n",
     "tools[0].filters.filters[0].value", "not a list"),
    ("responses", "    filters: {type: like, key: lang, value: en}\n", "tools[0].filters.type", "unknown filter type 'like'"),
]


@pytest.mark.parametrize(("api", "line", "where", "says"), FILE_SEARCH_REFUSED)
def test_file_search_options_an_api_cannot_take(make_project, api: str, line: str, where: str, says: str) -> None:
    root = make_project({"assistants/a.yaml": "name: a\nmodel: gpt-4o\ntools:\n  - type: file_search\n" + line +
                         "files: [docs/a.md]\n"}, config=f"project: p\napi: {api}\n")
    result = Cli(project=root)("validate", code=1)
    assert f"assistants/a.yaml:5:" in result.output and where in result.output and says in result.output, \
        result.output
