"""``api: responses``: no server-side assistant. Files and vector stores deploy as usual and the
lockfile records ready request settings for ``client.responses.create`` (README: Which API to deploy to)."""

from __future__ import annotations

from typing import Any, Callable, Mapping

from .api import Api
from ..errors import AsstDeployError
from ..spec import AssistantSpec, Capabilities, Defaults, Kind
from ..manifest.sdk_shapes import SDK_SETTINGS, api_tool, domain_secrets, without_secret_names
from .agents import generation_settings
from .base import Capable, Deployed, RemoteAssistant, Resources


def responses_kwargs(spec: AssistantSpec, resources: Resources) -> dict[str, Any]:
    """The keyword arguments of ``client.responses.create`` (the SDK's ``ResponseCreateParams``)."""
    tools = [without_secret_names(responses_tool(tool, resources)) for tool in spec.tools]
    kwargs: dict[str, Any] = {"model": spec.model}
    if spec.instructions:
        kwargs["instructions"] = spec.instructions
    if tools:
        kwargs["tools"] = tools
    for key in ("temperature", "top_p"):
        if getattr(spec, key) is not None:
            kwargs[key] = getattr(spec, key)
    kwargs.update(generation_settings(spec))
    for key in RESPONSES_SETTINGS:
        if spec.settings.get(key) is not None:
            kwargs[key] = spec.settings[key]
    if spec.metadata:
        kwargs["metadata"] = dict(spec.metadata)
    return kwargs


# Manifest settings the Responses API takes as they are (``ResponseCreateParams``).
RESPONSES_SETTINGS = ("tool_choice", "prompt", "parallel_tool_calls", "max_output_tokens", "max_tool_calls", "store",
                      "include", "prompt_cache_key", "prompt_cache_retention", "truncation", "safety_identifier",
                      *SDK_SETTINGS)
CALLABLE = ("defer_loading", "allowed_callers")  # how a function or MCP server is reached, as written


def responses_tool(tool: Mapping[str, Any], resources: Resources) -> dict[str, Any]:
    """One neutral tool in the Responses API's shape (``types/responses/tool_param.py``)."""
    kind = tool.get("type")
    if kind == "function":
        out = {"type": "function", "name": tool["name"], "description": tool.get("description"),
               "parameters": tool.get("parameters"), "strict": bool(tool.get("strict", False))}
        return out | {k: tool[k] for k in (*CALLABLE, "output_schema") if tool.get(k) is not None}
    if kind == "file_search":
        item: dict[str, Any] = {"type": "file_search",
                                "vector_store_ids": [resources.vector_store_id] if resources.vector_store_id else []}
        for key in ("max_num_results", "ranking_options", "filters"):
            if tool.get(key) is not None:
                item[key] = tool[key]
        return item
    if kind == "code_interpreter":
        container = {"type": "auto", "file_ids": list(resources.code_interpreter_file_ids), **tool.get("container", {})}
        return {"type": "code_interpreter", "container": container} | (
            {"allowed_callers": tool["allowed_callers"]} if tool.get("allowed_callers") else {})
    if kind == "web_search":
        return _web_search(tool)
    if kind == "mcp":
        return _mcp(tool)
    return api_tool(tool, "responses")  # taken in the SDK's shape, under the Responses API's name


def _web_search(tool: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest's web_search (the Agents API's spelling) as the Responses API names it."""
    out: dict[str, Any] = {"type": "web_search"}
    if tool.get("allowed_domains") is not None:
        out["filters"] = {"allowed_domains": list(tool["allowed_domains"])}
    if tool.get("context_size") is not None:
        out["search_context_size"] = tool["context_size"]
    if tool.get("location") is not None:
        out["user_location"] = {"type": "approximate", **tool["location"]}
    mode = tool.get("mode")
    if mode in ("live", "cached"):  # `disabled` is refused by validate for this API
        out["external_web_access"] = mode == "live"
    return out


def _mcp(tool: Mapping[str, Any]) -> dict[str, Any]:
    """The manifest's mcp tool: the server's URL and headers at the top level, or a connector."""
    out: dict[str, Any] = {"type": "mcp", "server_label": tool["server_label"]}
    transport = tool.get("transport") or {}
    if transport.get("server_url") is not None:
        out["server_url"] = transport["server_url"]
    if transport.get("headers"):
        out["headers"] = dict(transport["headers"])
    for key in ("connector_id", "tunnel_id", "server_description", "allowed_tools", "require_approval", *CALLABLE):
        if tool.get(key) is not None:
            out[key] = tool[key]
    return out


def secret_refs(spec: AssistantSpec) -> list[dict[str, Any]]:
    """Where the kwargs take a secret from the environment at call time: ``{"path": [...], "env": NAME}``
    for each MCP header (``headers_from_env``), ``authorization_from_env`` and network-policy domain secret. The lockfile records
    these names next to the kwargs and never a value; ``asst_deploy.responses_kwargs`` fills them in."""
    refs: list[dict[str, Any]] = []
    for i, tool in enumerate(spec.tools):
        refs += [{"path": ["tools", i, *path, "value"], "env": secret["value_from_env"]}
                 for path, secret in domain_secrets(tool) if secret.get("value_from_env")]
        if tool.get("type") != "mcp":
            continue
        for header, env in sorted(((tool.get("transport") or {}).get("headers_from_env") or {}).items()):
            refs.append({"path": ["tools", i, "headers", header], "env": env})
        if tool.get("authorization_from_env"):
            refs.append({"path": ["tools", i, "authorization"], "env": tool["authorization_from_env"]})
    return refs


class ResponsesTarget(Capable):
    capabilities = Capabilities(
        kind=Kind.RESPONSES, api="responses", server_object=False, tool_resources=True,  # the lockfile is the only state
        defaults=Defaults(temperature=None, top_p=None, response_format="auto"),
    )

    def __init__(self, client: Api) -> None:
        self.client = client

    def canonical(self, spec: AssistantSpec) -> AssistantSpec:
        return spec

    def list(self, keep: Callable[[Mapping[str, Any]], bool] | None = None) -> list[RemoteAssistant]:
        return []

    def create(self, spec: AssistantSpec, metadata: Mapping[str, str], resources: Resources) -> Deployed:
        return Deployed(None, responses=responses_kwargs(spec, resources), spec=spec.comparable(),
                        responses_env=secret_refs(spec))

    def update(self, object_id: str | None, spec: AssistantSpec, changed: frozenset[str],
               metadata: Mapping[str, str], resources: Resources) -> Deployed:
        return self.create(spec, metadata, resources)

    def delete(self, object_id: str) -> None:
        return None

    def retrieve(self, object_id: str) -> RemoteAssistant:
        raise AsstDeployError("api: responses keeps no assistant on the server: there is nothing to import "
                              "(import with --api assistants or --api agents)")

    def adopt(self, object_id: str, metadata: Mapping[str, str]) -> None:
        self.retrieve(object_id)
