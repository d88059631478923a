"""Manifest values written in the openai SDK's own shape, checked against the SDK's request types.

Some settings and tools are passed to an API as written (a pinned prompt's variables, a shell
tool's environment, an image_generation tool's options): the installed SDK's ``TypedDict`` for
that place says what is allowed, so no copy of its keys and literals is kept here, and a newer SDK
that adds a key or a value is followed without a change. The SDK's types are imported only when
a manifest holds such a value (they cost about a second of CPU), never at import.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterator

import typing_extensions as te

from ..sdk_literals import sdk_object
from .yamlpos import Path_

RESPONSES_PARAMS = "openai.types.responses.response_create_params:ResponseCreateParamsBase"
AGENT_PARAMS = "openai.types.beta.agent_create_params:AgentCreateParams"
RESPONSES_TOOL = "openai.types.responses.tool_param:ToolParam"
AGENT_TOOL = "openai.types.beta.persisted_agent_tool_param:PersistedAgentToolParam"
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


def sdk_problems(value: Any, tp: Any, base: Path_) -> Iterator[tuple[Path_, str]]:
    """What the SDK type ``tp`` refuses in ``value`` (the first thing), placed under the manifest path ``base``."""
    from ..emulator.sdk_shapes import problems, sdk_shape  # the one checker of SDK shapes; imports the SDK only here

    for where, message in problems(value, sdk_shape(tp)):
        steps = tuple(int(index) if index else key for index, key in _STEP.findall(where))
        if message.startswith("Missing required parameter"):
            steps, message = steps[:-1], f"required: add `{steps[-1]}: ...`"
        yield base + steps, message
