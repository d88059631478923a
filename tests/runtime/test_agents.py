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

    assert "declares the function 'lookup_order'" in build({})
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
