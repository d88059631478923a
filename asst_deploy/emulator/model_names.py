"""The model names the emulator serves: the installed openai SDK's own literals.

Read from the SDK when the emulator first needs them (``ChatModel`` and ``ResponsesModel``; the
service tiers come with each route's body shape, read from the SDK's params), so a new SDK release
that adds a model is served at once and a fresh install never disagrees with a list kept by hand.
"""

from __future__ import annotations

import functools

from ..sdk_literals import literals, sdk_object as _sdk


@functools.lru_cache(maxsize=None)
def sdk_models() -> tuple[str, ...]:
    """The chat models first, then the Responses-only ones, as the SDK lists them."""
    chat = literals(_sdk("openai.types.shared.chat_model:ChatModel"))
    responses = literals(_sdk("openai.types.shared.responses_model:ResponsesModel"))
    return chat + tuple(m for m in responses if m not in chat)
