"""A deployed manifest as a running OpenAI Agents SDK agent: ``asst_deploy.agents.agent(name, ...)``.

Needs the optional extra (``pip install 'asst-deploy[agents]'``, package ``openai-agents``); plain
``import asst_deploy`` never imports it. The agent is built from the Responses request settings the
deployment stands for: under ``api: responses`` the lockfile holds them; under ``api: assistants``
and ``api: agents`` they are made from the project's manifests (the lockfile's environment) and the
ids the lockfile recorded (vector store, code interpreter files), as ``api: responses`` would.
Every tool the manifest declares becomes the SDK's tool; each declared function is bound to the
Python callable the caller passes, with the manifest's schema, after checking they agree.
"""

from __future__ import annotations

import inspect
import json
import os
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    import openai

try:
    import agents as sdk
    from agents.agent_output import AgentOutputSchemaBase
    from agents.exceptions import ModelBehaviorError
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "asst_deploy.agents needs the OpenAI Agents SDK: pip install 'asst-deploy[agents]'"
    ) from exc

from .deployed_settings import request_settings

__all__ = ["AgentBuildError", "JsonSchemaOutput", "agent", "agent_from_kwargs"]


class AgentBuildError(ValueError):
    """The manifest and what the caller passed do not fit together (names the function)."""


def agent(name: str, functions: Mapping[str, Callable[..., Any]] | None = None, *, env: str | None = None,
          path: str | os.PathLike[str] | None = None, client: openai.AsyncOpenAI | None = None,
          source: str | None = None) -> sdk.Agent:
    """The ``agents.Agent`` of the deployed manifest ``name``.

    ``functions`` maps each function the manifest declares to the Python callable that answers
    it (sync or async; its parameters must match the declared JSON schema). ``env``/``path``
    find the lockfile as :func:`asst_deploy.assistant_id` does; ``source`` (or ASST_DEPLOY_SOURCE) reads
    a published ids document instead. ``client``: an ``openai.AsyncOpenAI``
    to run the model on (default: the SDK's default client, from ``OPENAI_API_KEY``/``OPENAI_BASE_URL``).
    """
    return agent_from_kwargs(name, request_settings(name, env=env, path=path, source=source), functions or {}, client)


# ---- Responses settings -> Agents SDK ------------------------------------------------------------

_SETTINGS = ("temperature", "top_p", "tool_choice", "parallel_tool_calls", "truncation", "metadata", "store",
             "top_logprobs")
_CONSUMED = {"model", "instructions", "tools", "text", "reasoning", "max_output_tokens", "include", "prompt",
             *_SETTINGS}


def agent_from_kwargs(name: str, kwargs: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]],
                      client: openai.AsyncOpenAI | None = None) -> sdk.Agent:
    """An ``agents.Agent`` making the same requests as ``client.responses.create(**kwargs)``."""
    tools = list(kwargs.get("tools") or [])
    declared = [t["name"] for t in tools if t.get("type") == "function"]
    extra = sorted(set(functions) - set(declared))
    if extra:
        raise AgentBuildError(
            f"{name!r} declares no function {', '.join(map(repr, extra))} "
            f"(its functions: {', '.join(declared) or 'none'}); remove it from functions= or declare it in the manifest"
        )
    missing = [f for f in declared if f not in functions]
    if missing:
        raise AgentBuildError(
            f"{name!r} declares the function {', '.join(map(repr, missing))}: pass functions={{{missing[0]!r}: "
            "your_callable, ...} with a Python callable for each declared function"
        )
    text = kwargs.get("text") or {}
    model: Any = kwargs["model"]
    if client is not None:
        model = sdk.OpenAIResponsesModel(model=kwargs["model"], openai_client=client)
    return sdk.Agent(
        name=name,
        instructions=kwargs.get("instructions"),
        model=model,
        model_settings=model_settings(kwargs, name),
        tools=[_tool(name, tool, functions) for tool in tools],
        output_type=_output_type(text.get("format")),
        prompt=kwargs.get("prompt"),  # a pinned dashboard prompt: the SDK sends it with every turn
    )


def model_settings(kwargs: Mapping[str, Any], name: str = "") -> sdk.ModelSettings:
    """Every request setting the SDK models itself; the others (service_tier, ...) as extra_args."""
    from openai.types.shared import Reasoning

    values: dict[str, Any] = {key: kwargs[key] for key in _SETTINGS if kwargs.get(key) is not None}
    if "tool_choice" in values:
        values["tool_choice"] = _tool_choice(name, values["tool_choice"])
    if kwargs.get("reasoning"):
        values["reasoning"] = Reasoning(**kwargs["reasoning"])
    if (kwargs.get("text") or {}).get("verbosity"):
        values["verbosity"] = kwargs["text"]["verbosity"]
    if kwargs.get("max_output_tokens") is not None:
        values["max_tokens"] = kwargs["max_output_tokens"]
    if kwargs.get("include"):
        values["response_include"] = list(kwargs["include"])
    extra = {key: value for key, value in kwargs.items() if key not in _CONSUMED and value is not None}
    if extra:
        values["extra_args"] = extra
    return sdk.ModelSettings(**values)


def _tool_choice(name: str, choice: Any) -> Any:
    """The SDK names a function to call by its name alone (it sends ``{type: function, name}``)."""
    if isinstance(choice, str):
        return choice
    if isinstance(choice, Mapping) and choice.get("type") == "function" and isinstance(choice.get("name"), str):
        return choice["name"]
    raise AgentBuildError(f"{name!r}: tool_choice {choice!r} has no Agents SDK form here (ModelSettings.tool_choice "
                          "takes 'auto', 'required', 'none' or a function's name)")


class JsonSchemaOutput(AgentOutputSchemaBase):
    """The manifest's ``response_format`` json_schema as the agent's output type: the final output
    is the parsed JSON, checked against the schema."""

    def __init__(self, name: str, schema: Mapping[str, Any], strict: bool) -> None:
        self._name, self._schema, self._strict = name, dict(schema), strict

    def is_plain_text(self) -> bool:
        return False

    def name(self) -> str:
        return self._name

    def json_schema(self) -> dict[str, Any]:
        return self._schema

    def is_strict_json_schema(self) -> bool:
        return self._strict

    def validate_json(self, json_str: str) -> Any:
        import jsonschema

        try:
            value = json.loads(json_str)
            jsonschema.validate(value, self._schema)
        except (ValueError, jsonschema.ValidationError) as exc:
            raise ModelBehaviorError(f"the output does not match the {self._name} schema: {exc}") from None
        return value


def _output_type(fmt: Mapping[str, Any] | None) -> AgentOutputSchemaBase | None:
    if not fmt or fmt.get("type") == "text":
        return None
    if fmt.get("type") == "json_schema":
        return JsonSchemaOutput(fmt.get("name") or "output", fmt.get("schema") or {}, bool(fmt.get("strict")))
    return JsonSchemaOutput("json_object", {"type": "object"}, False)  # the SDK has no json_object mode


def _tool(name: str, tool: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> Any:
    kind = tool.get("type")
    if kind == "function":
        return function_tool(name, tool, functions[tool["name"]])
    if kind == "file_search":
        options = {k: tool[k] for k in ("max_num_results", "ranking_options", "filters") if tool.get(k) is not None}
        return sdk.FileSearchTool(vector_store_ids=list(tool.get("vector_store_ids") or []), **options)
    if kind == "code_interpreter":
        container = tool.get("container") or {"type": "auto", "file_ids": []}
        return sdk.CodeInterpreterTool(tool_config={"type": "code_interpreter", "container": container})  # type: ignore[typeddict-item]
    if kind in ("web_search", "web_search_preview"):
        return _web_search(tool)
    if kind == "mcp":
        return sdk.HostedMCPTool(tool_config=_mcp(name, tool))  # type: ignore[arg-type]
    if kind == "tool_search":  # finds the functions declared with defer_loading
        return sdk.ToolSearchTool()
    if kind == "image_generation":  # hosted: the SDK sends its settings as they are
        return sdk.ImageGenerationTool(tool_config=dict(tool))  # type: ignore[arg-type]
    raise AgentBuildError(f"{name!r}: tool type {kind!r} has no Agents SDK tool here")


def _web_search(tool: Mapping[str, Any]) -> Any:
    """Responses' web_search; the manifest's own spelling (context_size, location, allowed_domains) too."""
    options: dict[str, Any] = {}
    size = tool.get("search_context_size") or tool.get("context_size")
    if size:
        options["search_context_size"] = size
    location = tool.get("user_location") or tool.get("location")
    if location:
        options["user_location"] = {"type": "approximate", **location}
    filters = tool.get("filters") or ({"allowed_domains": tool["allowed_domains"]} if tool.get("allowed_domains")
                                      else None)
    if filters:
        options["filters"] = filters
    if tool.get("external_web_access") is not None:
        options["external_web_access"] = tool["external_web_access"]
    return sdk.WebSearchTool(**options)


def _mcp(name: str, tool: Mapping[str, Any]) -> dict[str, Any]:
    """Responses' mcp tool; a manifest-shaped one (transport: http) is lifted to that shape."""
    config = {k: v for k, v in tool.items() if k != "transport" and v is not None}
    transport = tool.get("transport") or {}
    if transport.get("type") == "stdio":
        raise AgentBuildError(
            f"{name!r}: mcp server {tool.get('server_label')!r} is started over stdio; a hosted MCP tool needs "
            "an HTTP server_url (run it yourself with agents.mcp.MCPServerStdio)"
        )
    for key in ("server_url", "headers"):
        if transport.get(key) is not None and key not in config:
            config[key] = transport[key]
    if not config.get("server_url") and not config.get("connector_id"):
        raise AgentBuildError(
            f"{name!r}: mcp server {tool.get('server_label')!r} has no server_url or connector_id, so a hosted MCP "
            "tool could reach no server (a `transport: stdio` server of api: agents is started by the Agents API "
            "itself); run it yourself with agents.mcp.MCPServerStdio and pass it as Agent(mcp_servers=[...]), or "
            "give it an HTTP server_url"
        )
    for key in ("connection_origin", "credential_id", "request_metadata", "required"):
        config.pop(key, None)  # the Agents API's own settings, not Responses'
    return config


# ---- functions -----------------------------------------------------------------------------------

def function_tool(owner: str, tool: Mapping[str, Any], fn: Callable[..., Any]) -> sdk.FunctionTool:
    """The declared function bound to ``fn``, called with the model's arguments by name."""
    fname = tool["name"]
    schema = tool.get("parameters") or {"type": "object", "properties": {}}
    check_signature(owner, fname, fn, schema)
    is_async = inspect.iscoroutinefunction(fn)

    async def invoke(_context: Any, arguments: str) -> Any:
        values = json.loads(arguments) if arguments else {}
        result = fn(**values)
        return await result if is_async else result

    return sdk.FunctionTool(name=fname, description=tool.get("description") or "", params_json_schema=schema,
                            on_invoke_tool=invoke, strict_json_schema=bool(tool.get("strict")),
                            defer_loading=bool(tool.get("defer_loading")))


def check_signature(owner: str, fname: str, fn: Callable[..., Any], schema: Mapping[str, Any]) -> None:
    """``fn`` takes exactly what the schema lets the model send: every declared property by name,
    a default for each one the schema does not require, and nothing else without a default."""
    if not callable(fn):
        raise AgentBuildError(f"{owner!r}: function {fname!r} was given {fn!r}, which is not callable")
    properties = set((schema.get("properties") or {}))
    required = set(schema.get("required") or [])
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return  # a builtin without a signature: nothing to check
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values())
    problems = []
    for param in parameters.values():
        if param.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            problems.append(f"parameter {param.name!r} is positional-only (arguments are passed by name)")
        elif param.name not in properties:
            if param.default is inspect.Parameter.empty:
                problems.append(f"parameter {param.name!r} is not in the declared schema")
        elif param.name not in required and param.default is inspect.Parameter.empty:
            problems.append(f"parameter {param.name!r} needs a default: the schema does not require it")
    if not takes_any:
        problems += [f"the schema declares {prop!r}, which it does not take"
                     for prop in sorted(properties - set(parameters))]
    if problems:
        declared = ", ".join(sorted(properties)) or "no parameters"
        raise AgentBuildError(
            f"{owner!r}: function {fname!r} does not match its declared schema ({declared}): " + "; ".join(problems)
        )
