"""The only code that talks to an API.

``client.py`` builds the one API client (the openai SDK's, read through ``api.py``); ``storage.py`` drives files and vector stores (the
same on every API); ``assistants.py``, ``agents.py`` and ``responses.py`` each map the neutral
spec to one API and back. ``open_target`` picks the one for an ``api:`` value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import AsstDeployError

if TYPE_CHECKING:
    from .api import Api
    from .base import Target

APIS = ("assistants", "agents", "responses")


def open_target(api: str, client: Api) -> Target:
    """The backend for ``api`` over the open API client (each module loads only when used)."""
    if api == "assistants":
        from .assistants import AssistantsTarget

        return AssistantsTarget(client)
    if api == "agents":
        from .agents import AgentsTarget

        return AgentsTarget(client)
    if api == "responses":
        from .responses import ResponsesTarget

        return ResponsesTarget(client)
    raise AsstDeployError(f"unknown api {api!r}; use {', '.join(APIS)}")
