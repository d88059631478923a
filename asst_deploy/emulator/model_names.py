"""The model names and service tiers the emulator serves: the installed openai SDK's own literals.

Read from the SDK when the emulator first needs them (``ChatModel`` and ``ResponsesModel`` for
models, the ``service_tier`` of ``ResponseCreateParams`` and ``AgentCreateParams`` for tiers), so a
new SDK release that adds a model is served at once and a fresh install never disagrees with a
list kept by hand.
"""

from __future__ import annotations

import functools

from ..sdk_literals import field_literals, literals, sdk_object as _sdk


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
    return field_literals(_TIER_PARAMS[api], "service_tier")
