"""Manifest values written in the openai SDK's own shape, checked against the SDK's request types.

Some settings and tools are passed to an API as written (a pinned prompt's variables, a shell
tool's environment, an image_generation tool's options): the installed SDK's ``TypedDict`` for
that place says what is allowed, so no copy of its keys and literals is kept here, and a newer SDK
that adds a key or a value is followed without a change. The SDK's types are imported only when
a manifest holds such a value (they cost about a second of CPU), never at import.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any, Iterator, Mapping

import typing_extensions as te

from ..sdk_literals import sdk_object
from .yamlpos import Path_

RESPONSES_PARAMS = "openai.types.responses.response_create_params:ResponseCreateParamsBase"
AGENT_PARAMS = "openai.types.beta.agent_create_params:AgentCreateParams"
RESPONSES_TOOL = "openai.types.responses.tool_param:ToolParam"
AGENT_TOOL = "openai.types.beta.persisted_agent_tool_param:PersistedAgentToolParam"
SDK_TOOL_UNIONS = {"responses": RESPONSES_TOOL, "agents": AGENT_TOOL}
# Tools taken in the SDK's own shape: the manifest's type -> {api: the type that API gives it}.
SDK_TOOLS: dict[str, dict[str, str]] = {
    **{kind: {"responses": kind} for kind in ("image_generation", "shell", "local_shell", "computer_use_preview",
                                              "apply_patch", "custom", "namespace", "web_search_preview")},
    "computer_use": {"responses": "computer", "agents": "computer_use"},
    "programmatic_tool_calling": {"responses": "programmatic_tool_calling", "agents": "programmatic_tool_calling"},
    "automations": {"agents": "automations"},
}
# Responses settings taken as the SDK's ResponseCreateParams declares them.
SDK_SETTINGS = ("top_logprobs", "background", "background_options", "context_management", "image", "moderation",
                "prompt_cache_options", "access_programs")
_STEP = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


@functools.lru_cache(maxsize=None)
def field_type(ref: str, field: str) -> Any:
    """The type the SDK's ``TypedDict`` ``ref`` (``module:Name``) declares for ``field``."""
    return te.get_type_hints(sdk_object(ref))[field]


@functools.lru_cache(maxsize=None)
def union_members(ref: str) -> dict[str, Any]:
    """A tagged union of the SDK (``ToolParam``) by its members' ``type`` literals."""
    members: dict[str, Any] = {}
    for member in te.get_args(sdk_object(ref)):
        hint = te.get_type_hints(member).get("type")
        while te.get_origin(hint) in (te.Required, te.NotRequired):
            hint = te.get_args(hint)[0]
        for literal in te.get_args(hint) if te.get_origin(hint) is te.Literal else ():
            members[literal] = member
    return members


def api_tool(tool: Mapping[str, Any], api: str) -> dict[str, Any]:
    """A tool of the manifest as ``api`` takes it: an SDK-shaped tool under that API's type name."""
    names = SDK_TOOLS.get(str(tool.get("type")), {})
    return {**tool, "type": names[api]} if api in names else dict(tool)


def domain_secrets(value: Any, path: Path_ = ()) -> Iterator[tuple[Path_, dict[str, Any]]]:
    """Each item of a network policy's ``domain_secrets`` in ``value`` (a tool), with its path there.

    Their ``value`` is a secret: the manifest names the environment variable holding it
    (``value_from_env``), read where the kwargs are used, as for MCP headers."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "domain_secrets" and isinstance(item, list):
                yield from ((path + (key, j), d) for j, d in enumerate(item) if isinstance(d, dict))
            else:
                yield from domain_secrets(item, path + (key,))
    elif isinstance(value, list):
        for j, item in enumerate(value):
            yield from domain_secrets(item, path + (j,))


def without_secret_names(tool: Mapping[str, Any], stand_in: str | None = None) -> dict[str, Any]:
    """``tool`` with each domain secret's ``value_from_env`` left out (``stand_in`` as its ``value``, to check
    the rest against the SDK's type); the value itself is filled in at call time."""
    out = copy.deepcopy(dict(tool))
    for path, _ in list(domain_secrets(out)):
        holder: Any = out
        for key in path:
            holder = holder[key]
        if holder.pop("value_from_env", None) is not None and stand_in is not None:
            holder["value"] = stand_in
    return out


def declares(td: Any, key: str) -> bool:
    """Whether the SDK's ``TypedDict`` ``td`` has the key ``key``."""
    return key in te.get_type_hints(td)


def sdk_problems(value: Any, tp: Any, base: Path_) -> Iterator[tuple[Path_, str]]:
    """What the SDK type ``tp`` refuses in ``value`` (the first thing), placed under the manifest path ``base``."""
    from ..emulator.sdk_shapes import problems, sdk_shape  # the one checker of SDK shapes; imports the SDK only here

    for where, message in problems(value, sdk_shape(tp)):
        steps = tuple(int(index) if index else key for index, key in _STEP.findall(where))
        if message.startswith("Missing required parameter"):
            steps, message = steps[:-1], f"required: add `{steps[-1]}: ...`"
        yield base + steps, message
