"""The beta Agents API (``client.beta.agents``): a spec becomes a reusable agent (README: Which API to deploy to).

The API echoes tools and settings with its defaults filled in; ``canonical`` strips those
defaults from both sides so that a plan right after an apply is empty, and the planner never
diffs a setting the manifest leaves unset (``ignore_unset``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from .api import Api
from ..agent_platform import VAULT_REF, credential_specs, vault_tools
from ..spec import AssistantSpec, Capabilities, Defaults, Kind
from .base import Capable, Deployed, RemoteAssistant, Resources
from .errors import api_error, manifest_of
from .collection import ObjectTarget, JsonCollection
from .platform import AgentPlatform

# Values the API fills into a tool it echoes when the request left them out.
TOOL_DEFAULTS: dict[str, dict[str, Any]] = {
    "function": {"defer_loading": False, "async": None, "strict": False},
    "web_search": {"mode": "live", "context_size": "medium", "location": None, "allowed_domains": None},
    "mcp": {"required": False, "connection_origin": "service", "request_metadata": {}, "allowed_tools": None,
            "credential_id": None},
    "programmatic_tool_calling": {"enabled": True},
    "computer_use": {"include_screenshots": False},
}


EMPTY_PARAMETERS = {"type": "object", "properties": {}}
# Transport values the API echoes for ones left out: http headers {}, stdio args and env_vars [].
TRANSPORT_DEFAULTS: dict[str, Any] = {"headers": {}, "args": [], "env_vars": []}


def strip_tool_defaults(tool: Mapping[str, Any]) -> dict[str, Any]:
    """A tool with what the API fills in left out (both sides of a diff), function parameters filled."""
    defaults = TOOL_DEFAULTS.get(tool.get("type", ""), {})
    out = {k: v for k, v in tool.items() if not (k in defaults and defaults[k] == v) and v is not None}
    if out.get("type") == "function" and not out.get("parameters"):
        out["parameters"] = EMPTY_PARAMETERS  # what is sent for a function declared without any
    if isinstance(out.get("transport"), Mapping):
        out["transport"] = {k: v for k, v in out["transport"].items()
                            if v is not None and not (k in TRANSPORT_DEFAULTS and TRANSPORT_DEFAULTS[k] == v)}
    return out


# Agent settings (the spec's ``settings``) sent as they are, and the values the API shows when unset.
AGENT_OBJECT_SETTINGS = ("multi_agent", "compaction", "experimental")
AGENT_SETTING_DEFAULTS: dict[str, dict[str, Any]] = {
    "multi_agent": {"enabled": False, "max_concurrent_subagents": 6},
    "compaction": {"async": False},
    "experimental": {"time_awareness": False},
}


def strip_setting_defaults(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Settings with the API's defaults left out (both sides of a diff); a setting left all-default goes."""
    out = dict(settings)
    for key, defaults in AGENT_SETTING_DEFAULTS.items():
        value = out.get(key)
        if isinstance(value, Mapping):
            kept = {k: v for k, v in value.items() if v is not None and defaults.get(k) != v}
            if key == "multi_agent" and value.get("enabled"):
                kept["enabled"] = True
            out[key] = kept if kept and (key != "multi_agent" or kept.get("enabled")) else None
    return {k: v for k, v in out.items() if v is not None}


def text_format(response_format: Any) -> dict[str, Any] | None:
    """The manifest's response_format as the Agents/Responses ``text.format`` (flattened)."""
    if response_format in (None, "auto"):
        return None
    kind = response_format.get("type")
    if kind == "json_schema":
        inner = dict(response_format.get("json_schema") or {})
        return {"type": "json_schema", **inner}
    return {"type": kind}


def agent_text_format(response_format: Any) -> dict[str, Any] | None:
    """The Agents API's ``text.format`` holds only ``{type: json_schema, schema}``: no name, no strict."""
    fmt = text_format(response_format)
    if fmt is not None and fmt["type"] == "json_schema":
        return {"type": "json_schema", "schema": fmt.get("schema", {})}
    return fmt


def generation_settings(spec: AssistantSpec, format_text: Callable[[Any], Any] = text_format) -> dict[str, Any]:
    """``text``, ``reasoning`` and ``service_tier`` as both the Agents and Responses APIs take them."""
    settings: dict[str, Any] = {}
    text: dict[str, Any] = {}
    if (fmt := format_text(spec.response_format)) is not None:
        text["format"] = fmt
    if spec.settings.get("verbosity"):
        text["verbosity"] = spec.settings["verbosity"]
    if text:
        settings["text"] = text
    reasoning = {k: v for k, v in (("effort", spec.reasoning_effort),
                                   ("summary", spec.settings.get("reasoning_summary")),
                                   ("context", spec.settings.get("reasoning_context")),
                                   ("mode", spec.settings.get("reasoning_mode"))) if v}
    if reasoning:
        settings["reasoning"] = reasoning
    if spec.settings.get("service_tier"):
        settings["service_tier"] = spec.settings["service_tier"]
    return settings


def response_format_from(fmt: Mapping[str, Any] | None) -> Any:
    if not fmt or fmt.get("type") == "text":
        return "auto"
    if fmt.get("type") == "json_schema":
        inner = {k: v for k, v in fmt.items() if k != "type" and v is not None}
        return {"type": "json_schema", "json_schema": inner}
    return {"type": fmt["type"]}


class AgentsTarget(ObjectTarget, Capable):
    capabilities = Capabilities(
        kind=Kind.AGENT, api="agents", server_object=True, tool_resources=False,
        defaults=Defaults(temperature=None, top_p=None, response_format="auto"),
        ignore_unset=frozenset({"description", "reasoning_effort", "settings", "temperature", "top_p"}),
    )
    noun = "agent"

    def __init__(self, client: Api) -> None:
        self.client = client
        self.objects = JsonCollection(client, "/agents", beta="agents=v1")
        self.platform = AgentPlatform(client)  # the vault, credentials and automations around the agents

    def canonical(self, spec: AssistantSpec) -> AssistantSpec:
        # a secret from the environment becomes a vault credential the tool names (agent_platform)
        mcp = credential_specs(spec.tools)
        credentials = (mcp + tuple(c for c in spec.credentials if c["type"] == "environment_variable")) if mcp \
            else spec.credentials
        return replace(spec, description=None, tools=tuple(strip_tool_defaults(t) for t in vault_tools(spec.tools)),
                       credentials=credentials,
                       response_format=response_format_from(agent_text_format(spec.response_format)),
                       settings=strip_setting_defaults(spec.settings))

    def _remote(self, item: Mapping[str, Any]) -> RemoteAssistant:
        text = item.get("text") or {}
        settings = {"verbosity": text.get("verbosity"), "service_tier": item.get("service_tier"),
                    "reasoning_summary": (item.get("reasoning") or {}).get("summary"),
                    **{key: item.get(key) for key in AGENT_OBJECT_SETTINGS}}
        spec = AssistantSpec(
            name="",
            display_name=item.get("name") or "",
            model=item["model"],
            instructions=item.get("instructions"),
            tools=tuple(item.get("tools") or ()),
            response_format=response_format_from(text.get("format")),
            reasoning_effort=(item.get("reasoning") or {}).get("effort"),
            metadata=dict(item.get("metadata") or {}),
            settings=settings,
        )
        return RemoteAssistant(item["id"], dict(item.get("metadata") or {}), self.canonical(spec),
                               created_at=item.get("created_at") or 0)

    def _params(self, spec: AssistantSpec, metadata: Mapping[str, str],
                resources: Resources = Resources()) -> dict[str, Any]:
        params: dict[str, Any] = {
            "name": spec.display_name,
            "model": spec.model,
            "instructions": spec.instructions,
            "metadata": dict(metadata),
            "tools": [_agent_tool(t, resources.credential_ids) for t in spec.tools],
        }
        params.update(generation_settings(spec, agent_text_format))
        for key in AGENT_OBJECT_SETTINGS:
            if spec.settings.get(key) is not None:
                params[key] = spec.settings[key]
        return params

    def create(self, spec: AssistantSpec, metadata: Mapping[str, str], resources: Resources) -> Deployed:
        try:
            created = self.objects.create(self._params(spec, metadata, resources))
        except Exception as exc:
            raise api_error(exc, f"create agent {spec.name}" + manifest_of(spec)) from exc
        return Deployed(created["id"], reasoning_effort=spec.reasoning_effort, settings=dict(spec.settings))

    def update(self, object_id: str | None, spec: AssistantSpec, changed: frozenset[str],
               metadata: Mapping[str, str], resources: Resources) -> Deployed:
        """A partial update: only what changed is sent (an empty update would still bump updated_at)."""
        object_id = self._existing(object_id, spec.name)
        full = self._params(spec, metadata, resources)
        sent = {"metadata": full["metadata"]}
        mapping = {"display_name": "name", "model": "model", "instructions": "instructions", "tools": "tools",
                   "response_format": "text", "reasoning_effort": "reasoning", "settings": "text"}
        # an omitted field keeps its value on the agent: one the manifest no longer sets is sent as null
        for field_name in changed:
            key = mapping.get(field_name)
            if key:
                sent[key] = full.get(key)
        if "settings" in changed:
            sent["service_tier"] = full.get("service_tier")
            sent["reasoning"] = full.get("reasoning")
            for key in AGENT_OBJECT_SETTINGS:  # null resets; experimental merges by key and takes no null
                sent[key] = full.get(key, AGENT_SETTING_DEFAULTS[key] if key == "experimental" else None)
        try:
            self.objects.update(object_id, sent)
        except Exception as exc:
            raise api_error(exc, f"update agent {spec.name} ({object_id})" + manifest_of(spec)) from exc
        # remembered: the API fills these in when unset, so a later manifest without them must reset them
        return Deployed(object_id, reasoning_effort=spec.reasoning_effort, settings=dict(spec.settings))



def _agent_tool(tool: Mapping[str, Any], credential_ids: Mapping[str, str]) -> dict[str, Any]:
    """A spec's tool as the Agents API takes it; a vault credential's reference becomes its id."""
    if tool.get("credential_id") == VAULT_REF:
        label = str(tool.get("server_label"))
        if label not in credential_ids:
            from ..errors import AsstDeployError

            raise AsstDeployError(f"internal: the vault credential of MCP server {label!r} is not in the lockfile")
        return {**tool, "credential_id": credential_ids[label]}
    return _plain_tool(tool)


def _plain_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    if tool.get("type") == "function":  # flat, description and parameters required, no strict
        out = {
            "type": "function",
            "name": tool["name"],
            "description": tool.get("description") or "",
            "parameters": tool.get("parameters") or EMPTY_PARAMETERS,
        }
        if tool.get("defer_loading") is not None:
            out["defer_loading"] = tool["defer_loading"]
        return out
    return dict(tool)
