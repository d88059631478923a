"""The model names and service tiers the emulator serves: the installed openai SDK's own literals.

Read from the SDK when the emulator first needs them (``ChatModel`` and ``ResponsesModel`` for
models, the ``service_tier`` of ``ResponseCreateParams`` and ``AgentCreateParams`` for tiers), so a
new SDK release that adds a model is served at once and a fresh install never disagrees with a
list kept by hand.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

import typing_extensions as te


def literals(tp: Any) -> tuple[str, ...]:
    """Every string literal inside ``tp`` (through unions, aliases and ``Optional``), in order."""
    found: dict[str, None] = {}
    stack = [tp]
    seen: set[int] = set()
    while stack:
        item = stack.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        value = getattr(item, "__value__", None)  # a PEP 695 / TypeAliasType alias
        if value is not None:
            stack.insert(0, value)
            continue
        if te.get_origin(item) is te.Literal:
            found.update((arg, None) for arg in te.get_args(item) if isinstance(arg, str))
        else:
            stack[0:0] = list(te.get_args(item))
    return tuple(found)


def _sdk(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@functools.lru_cache(maxsize=None)
def sdk_models() -> tuple[str, ...]:
    """The chat models first, then the Responses-only ones, as the SDK lists them."""
    chat = literals(_sdk("openai.types.shared.chat_model:ChatModel"))
    responses = literals(_sdk("openai.types.shared.responses_model:ResponsesModel"))
    return chat + tuple(m for m in responses if m not in chat)


_TIER_PARAMS = {
    "responses": "openai.types.responses.response_create_params:ResponseCreateParamsBase",
    "agents": "openai.types.beta.agent_create_params:AgentCreateParams",
}


@functools.lru_cache(maxsize=None)
def sdk_service_tiers(api: str) -> tuple[str, ...]:
    """The ``service_tier`` values the SDK's create params of ``api`` (responses, agents) allow."""
    hints = te.get_type_hints(_sdk(_TIER_PARAMS[api]))
    return literals(hints["service_tier"])
