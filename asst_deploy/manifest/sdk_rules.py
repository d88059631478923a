"""Per-API rules for what the manifest takes in the openai SDK's own shape (README: Which API to deploy to).

Tools such as image_generation or shell, a tool_choice mapping, code_interpreter's network policy
and settings such as moderation are checked against the installed SDK's type for the chosen API;
a key that API's type lacks but another API's has is named with the APIs that take it.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from ..sdk_literals import sdk_object
from . import models as m
from .availability import unavailable
from .sdk_shapes import (RESPONSES_PARAMS, SDK_SETTINGS, SDK_TOOL_UNIONS, SDK_TOOLS, api_tool, declares,
                         domain_secrets, field_type, sdk_problems, union_members, without_secret_names)
from .yamlpos import Located, Path_

ENV_NAME = re.compile(m.ENV_NAME_PATTERN)
ENVIRONMENT = "openai.types.beta.environment_param:EnvironmentParam"
NETWORK_POLICY = "openai.types.responses.tool_param:CodeInterpreterContainerCodeInterpreterToolAutoNetworkPolicy"


def _sdk_tools(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    for i, tool in enumerate(man.tools):
        names = SDK_TOOLS.get(tool.type, {})
        if api not in names:  # not an SDK-shaped tool, or one the API lacks (refused by the tools rule)
            continue
        member = union_members(SDK_TOOL_UNIONS[api]).get(names[api])
        if member is None:
            yield ("tools", i, "type"), (f"the installed openai SDK declares no {names[api]!r} tool for api: {api}: "
                                         "upgrade the openai package")
            continue
        others = {a: union_members(SDK_TOOL_UNIONS[a]).get(n) for a, n in names.items() if a != api}
        body = without_secret_names(api_tool(tool.model_dump(), api), stand_in="")
        for path, message in sdk_problems(body, member, ("tools", i)):
            key = path[2] if len(path) == 3 and message.startswith("Unknown parameter") else None
            takers = {a for a, o in others.items() if o is not None and key is not None and declares(o, str(key))}
            yield path, unavailable("", api, takers.__contains__) if takers else message


def _tool_settings(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """MCP filters are a Responses form; a container's network policy is the SDK's."""
    for i, tool in enumerate(man.tools):
        if isinstance(tool, m.McpTool) and isinstance(tool.allowed_tools, m.McpToolFilter) and api == "agents":
            yield ("tools", i, "allowed_tools"), unavailable("a filter", api, "responses".__eq__) + \
                " (api: agents takes a list of tool names)"
        container = tool.container if isinstance(tool, m.CodeInterpreterTool) else None
        if api == "responses" and container is not None and container.network_policy is not None:
            yield from sdk_problems(without_secret_names(container.network_policy, stand_in=""),
                                    sdk_object(NETWORK_POLICY), ("tools", i, "container", "network_policy"))
        for path, secret in domain_secrets(tool.model_dump(), ("tools", i)):
            if "value" in secret:
                yield path + ("value",), ("a domain secret's value would be written into plans and lockfiles: put it "
                                          "in an environment variable and write value_from_env: VARIABLE")
            elif not isinstance(secret.get("value_from_env"), str) or not ENV_NAME.fullmatch(secret["value_from_env"]):
                yield path, "value_from_env: VARIABLE is required: the environment variable holding the secret"


def _settings(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """Responses settings taken as the SDK declares them (other APIs refuse them by name)."""
    if api != "responses":
        return
    for name in SDK_SETTINGS:
        value = getattr(man, name)
        if value is not None:
            yield from sdk_problems(value, field_type(RESPONSES_PARAMS, name), (name,))


def _declared(man: m.Manifest) -> dict[str, list[str]]:
    """What a tool_choice may name, by its type: functions and custom tools by name, MCP servers by label."""
    out: dict[str, list[str]] = {"function": [], "custom": [], "mcp": []}
    for tool in man.tools:
        if isinstance(tool, m.FunctionTool):
            out["function"].append(tool.function.name)
        elif isinstance(tool, m.McpTool):
            out["mcp"].append(tool.server_label)
        elif tool.type == "custom" and isinstance(name := tool.model_dump().get("name"), str):
            out["custom"].append(name)
    return out


def _tool_choice(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """A tool_choice mapping is the SDK's ToolChoice and names a tool the manifest declares."""
    choice: Any = man.tool_choice
    if api != "responses" or not isinstance(choice, dict):
        return
    found = list(sdk_problems(choice, field_type(RESPONSES_PARAMS, "tool_choice"), ("tool_choice",)))
    yield from found
    kind = choice.get("type")
    key = "server_label" if kind == "mcp" else "name"
    names = _declared(man).get(str(kind))
    if not found and names is not None and choice.get(key) not in names:
        what = "has server_label" if kind == "mcp" else "is named"
        yield ("tool_choice", key), (f"no {kind} tool {what} {choice.get(key)!r} "
                                     f"(declared: {', '.join(names) or 'none'})")

def _environment(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """A session's environment is the SDK's EnvironmentParam; its ``env`` values would be written
    into plans and lockfiles, so secrets come from ``secrets:`` (vault credentials) instead."""
    env = man.environment
    if api != "agents" or env is None:
        return
    if env.get("env"):
        yield ("environment", "env"), ("an environment variable's value would be written into plans and lockfiles: "
                                       "declare it under secrets: (name, from_env), a vault credential the "
                                       "agent's sessions get")
        return
    yield from sdk_problems(env, sdk_object(ENVIRONMENT), ("environment",))


SDK_RULES = (_sdk_tools, _tool_settings, _settings, _tool_choice, _environment)
