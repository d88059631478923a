"""asst_deploy.agents.agent(): a deployed manifest as an Agents SDK agent, run on the emulator."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
from support.cli import Cli

agents = pytest.importorskip("agents")

import asst_deploy  # noqa: E402
from asst_deploy.agents import AgentBuildError, JsonSchemaOutput  # noqa: E402
from asst_deploy.deployed_settings import TranslatedSetting, request_settings  # noqa: E402

MANIFEST = """\
name: support
model: gpt-4o
instructions: Your role is the support desk. Answer from the documents.
temperature: 0.3
top_p: 0.9
tools:
  - type: file_search
    max_num_results: 5
  - type: code_interpreter
  - type: function
    function:
      name: lookup_order
      description: Find an order
      parameters:
        type: object
        properties:
          order_id: {type: string}
          verbose: {type: boolean}
        required: [order_id]
files: [docs/a.md]
code_interpreter_files: [data/x.csv]
"""
WEB = """\
  - type: web_search
    context_size: low
    allowed_domains: [example.com]
  - type: mcp
    server_label: docs
    transport: {type: http, server_url: "https://mcp.example.com/sse"}
    allowed_tools: [read]
"""
SCHEMA_FORMAT = """\
response_format:
  type: json_schema
  json_schema:
    name: answer
    strict: true
    schema:
      type: object
      properties: {summary: {type: string}}
      required: [summary]
      additionalProperties: false
"""


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    agents.set_tracing_disabled(True)  # traces would be sent to api.openai.com
    monkeypatch.delenv("ASST_DEPLOY_ENV", raising=False)
    monkeypatch.delenv("ASST_DEPLOY_LOCKFILE", raising=False)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def deploy(root: Path, emulator: Any, monkeypatch: pytest.MonkeyPatch, api: str) -> dict[str, Any]:
    monkeypatch.setenv("OPENAI_BASE_URL", emulator.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-agents-0123456789")
    Cli(project=root, emulator=emulator, key="sk-test-agents-0123456789")("apply", "--api", api, "--auto-approve")
    return json.loads((root / "assistants.lock.json").read_text())["assistants"]


def lookup_order(order_id: str, verbose: bool = False) -> str:
    return f"order {order_id} shipped"


def async_client(emulator: Any) -> Any:
    from openai import AsyncOpenAI

    return AsyncOpenAI(base_url=emulator.base_url, api_key="sk-test-agents-0123456789")


@pytest.mark.parametrize("api", ["responses", "assistants"])
def test_agent_carries_every_deployed_setting(make_project, asst_emulator, monkeypatch, api: str) -> None:
    extra = WEB if api == "responses" else ""  # web_search and mcp exist under agents/responses only
    root = make_project({"assistants/support.yaml": MANIFEST.replace("files: [docs", extra + "files: [docs")
                         + SCHEMA_FORMAT}, config=f"project: shop\napi: {api}\n")
    lock = deploy(root, asst_emulator, monkeypatch, api)["support"]
    built = asst_deploy.agents.agent("support", functions={"lookup_order": lookup_order}, path=root)

    assert isinstance(built, agents.Agent)
    assert (built.name, built.model) == ("support", "gpt-4o")
    assert built.instructions == "Your role is the support desk. Answer from the documents."
    assert (built.model_settings.temperature, built.model_settings.top_p) == (0.3, 0.9)
    assert isinstance(built.output_type, JsonSchemaOutput)
    assert built.output_type.json_schema()["required"] == ["summary"] and built.output_type.is_strict_json_schema()
    by_type = {type(tool).__name__: tool for tool in built.tools}
    assert by_type["FileSearchTool"].vector_store_ids == [lock["vector_store_id"]]
    assert by_type["FileSearchTool"].max_num_results == 5
    file_id = lock["code_interpreter_files"]["data/x.csv"]["id"]
    assert by_type["CodeInterpreterTool"].tool_config["container"] == {"type": "auto", "file_ids": [file_id]}
    function = by_type["FunctionTool"]
    assert function.name == "lookup_order" and function.description == "Find an order"
    assert function.params_json_schema["required"] == ["order_id"]
    if api == "responses":
        assert by_type["WebSearchTool"].search_context_size == "low"
        assert by_type["WebSearchTool"].filters.allowed_domains == ["example.com"]
        mcp = by_type["HostedMCPTool"].tool_config
        assert (mcp["server_label"], mcp["server_url"], mcp["allowed_tools"]) == (
            "docs", "https://mcp.example.com/sse", ["read"])


@pytest.mark.parametrize("api", ["responses", "agents", "assistants"])
def test_the_agent_runs_and_calls_the_python_function(make_project, asst_emulator, monkeypatch, api: str) -> None:
    manifest = MANIFEST if api != "agents" else MANIFEST.replace("temperature: 0.3\ntop_p: 0.9\n", "").replace(
        "  - type: file_search\n    max_num_results: 5\n  - type: code_interpreter\n", "").replace(
        "files: [docs/a.md]\ncode_interpreter_files: [data/x.csv]\n", "")
    root = make_project({"assistants/support.yaml": manifest}, config=f"project: shop\napi: {api}\n")
    deploy(root, asst_emulator, monkeypatch, api)
    calls: list[str] = []

    async def lookup(order_id: str, verbose: bool = False) -> str:  # async callables are awaited
        calls.append(order_id)
        return f"order {order_id} shipped"

    built = asst_deploy.agents.agent("support", functions={"lookup_order": lookup}, path=root,
                                     client=async_client(asst_emulator))
    forced = built.clone(model_settings=built.model_settings.resolve(agents.ModelSettings(tool_choice="required")))
    result = agents.Runner.run_sync(forced, "Where is order 42?")
    assert calls == ["Where is order 42?"]  # the scripted model puts the user's line in every string
    assert result.final_output == 'support desk: lookup_order returned "order Where is order 42? shipped". ' \
                                  'I read "Where is order 42?"'


def test_functions_must_match_the_manifest(make_project, asst_emulator, monkeypatch) -> None:
    root = make_project({"assistants/support.yaml": MANIFEST}, config="project: shop\napi: responses\n")
    deploy(root, asst_emulator, monkeypatch, "responses")

    def build(functions: dict) -> str:
        with pytest.raises(AgentBuildError) as caught:
            asst_deploy.agents.agent("support", functions=functions, path=root)
        return str(caught.value)

    assert "declares the function 'lookup_order': pass functions={'lookup_order': your_callable, ...} with a " \
           "Python callable" in build({})
    assert "declares no function 'refund'" in build({"lookup_order": lookup_order, "refund": lookup_order})

    def no_default(order_id: str, verbose: bool) -> str:
        return order_id

    def missing(verbose: bool = False) -> str:
        return ""

    def unknown(order_id: str, verbose: bool = False, *, region: str) -> str:
        return order_id

    assert build({"lookup_order": no_default}) == (
        "'support': function 'lookup_order' does not match its declared schema (order_id, verbose): "
        "parameter 'verbose' needs a default: the schema does not require it")
    assert "the schema declares 'order_id', which it does not take" in build({"lookup_order": missing})
    assert "parameter 'region' is not in the declared schema" in build({"lookup_order": unknown})
    assert "is not callable" in build({"lookup_order": "nope"})

    def flexible(**arguments: Any) -> str:
        return ""

    assert asst_deploy.agents.agent("support", functions={"lookup_order": flexible}, path=root).tools


def test_import_asst_deploy_does_not_import_the_agents_sdk() -> None:
    code = ("import sys, asst_deploy; before = 'agents' in sys.modules; asst_deploy.agents; "
            "print(before, 'agents' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_a_function_named_in_tool_choice_is_built_and_called(make_project, asst_emulator, monkeypatch) -> None:
    manifest = MANIFEST + "tool_choice: {type: function, name: lookup_order}\n"
    root = make_project({"assistants/support.yaml": manifest}, config="project: shop\napi: responses\n")
    deploy(root, asst_emulator, monkeypatch, "responses")
    calls: list[str] = []

    def lookup(order_id: str, verbose: bool = False) -> str:
        calls.append(order_id)
        return "shipped"

    built = asst_deploy.agents.agent("support", functions={"lookup_order": lookup}, path=root,
                                     client=async_client(asst_emulator))
    assert built.model_settings.tool_choice == "lookup_order"  # the SDK sends {type: function, name}
    agents.Runner.run_sync(built, "Where is order 7?")
    assert calls == ["Where is order 7?"]


def test_tool_search_deferred_functions_and_image_generation_are_the_sdks_own(make_project, asst_emulator, monkeypatch) -> None:
    manifest = MANIFEST.replace("      name: lookup_order\n", "      name: lookup_order\n      defer_loading: true\n"
                                ).replace("  - type: code_interpreter\n", "  - type: code_interpreter\n  - type: tool_search\n"
                                          "  - {type: image_generation, quality: low}\n")
    root = make_project({"assistants/support.yaml": manifest}, config="project: shop\napi: responses\n")
    deploy(root, asst_emulator, monkeypatch, "responses")
    built = asst_deploy.agents.agent("support", functions={"lookup_order": lookup_order}, path=root)
    by_type = {type(tool).__name__: tool for tool in built.tools}
    assert isinstance(by_type["ToolSearchTool"], agents.ToolSearchTool)
    assert by_type["FunctionTool"].defer_loading is True
    assert by_type["ImageGenerationTool"].tool_config == {"type": "image_generation", "quality": "low"}


def test_a_stdio_mcp_server_is_refused_with_the_reason(make_project, asst_emulator, monkeypatch) -> None:
    manifest = ("name: support\nmodel: gpt-4o\ninstructions: Help.\ntools:\n  - type: mcp\n    server_label: files\n"
                "    transport: {type: stdio, command: npx, cwd: /srv, args: [files-mcp]}\n")
    root = make_project({"assistants/support.yaml": manifest}, config="project: shop\napi: agents\n")
    deploy(root, asst_emulator, monkeypatch, "agents")
    with pytest.raises(AgentBuildError) as caught:
        asst_deploy.agents.agent("support", path=root)
    said = str(caught.value)
    assert "mcp server 'files' has no server_url or connector_id" in said
    assert "transport: stdio" in said and "MCPServerStdio" in said


def test_an_assistants_ranker_is_left_out_of_the_responses_request_and_said(make_project, asst_emulator,
                                                                            monkeypatch) -> None:
    manifest = MANIFEST.replace("    max_num_results: 5\n", "    max_num_results: 5\n"
                                "    ranking_options: {ranker: default_2024_08_21, score_threshold: 0.2}\n")
    root = make_project({"assistants/support.yaml": manifest}, config="project: shop\napi: assistants\n")
    deploy(root, asst_emulator, monkeypatch, "assistants")
    with pytest.warns(TranslatedSetting, match="ranker 'default_2024_08_21' is the Assistants API's ranker.*'auto'"):
        built = asst_deploy.agents.agent("support", functions={"lookup_order": lookup_order}, path=root)
    search = next(tool for tool in built.tools if isinstance(tool, agents.FileSearchTool))
    assert search.ranking_options == {"score_threshold": 0.2}
    from openai import OpenAI

    with pytest.warns(TranslatedSetting):
        settings = request_settings("support", path=root)
    answer = OpenAI(base_url=asst_emulator.base_url, api_key="sk-test-agents-0123456789").responses.create(
        **settings, input="Where is my refund?")  # the emulator refuses an Assistants ranker (400), as OpenAI does
    assert answer.output_text.startswith("support desk: ")


def test_a_pinned_prompt_is_the_agents_own(make_project, asst_emulator, monkeypatch) -> None:
    manifest = MANIFEST + "prompt: {id: pmpt_68a1b2c3d4, version: 2, variables: {city: Paris}}\n"
    root = make_project({"assistants/support.yaml": manifest}, config="project: shop\napi: responses\n")
    deploy(root, asst_emulator, monkeypatch, "responses")
    built = asst_deploy.agents.agent("support", functions={"lookup_order": lookup_order}, path=root,
                                     client=async_client(asst_emulator))
    assert built.prompt == {"id": "pmpt_68a1b2c3d4", "version": "2", "variables": {"city": "Paris"}}
    assert "prompt" not in (built.model_settings.extra_args or {})  # sent once, by the SDK itself
    assert agents.Runner.run_sync(built, "Hello").final_output
