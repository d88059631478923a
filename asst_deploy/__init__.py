"""asst-deploy: OpenAI assistants, agents and Responses settings as code.

``import asst_deploy`` is what runtime code does to find ids in the lockfile, so it stays light:
nothing here imports openai, click, deepdiff or yaml.
"""

from __future__ import annotations

from .runtime import (
    LockfileNotFound,
    UnknownAssistant,
    agent_id,
    assistant_id,
    responses_kwargs,
    vector_store_id,
)

__version__ = "0.1.0"

__all__ = [
    "LockfileNotFound",
    "UnknownAssistant",
    "__version__",
    "agent_id",
    "assistant_id",
    "responses_kwargs",
    "vector_store_id",
]
