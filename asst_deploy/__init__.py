"""asst-deploy: OpenAI assistants, agents and Responses settings as code.

``import asst_deploy`` is what runtime code does to find ids in the lockfile, so it stays light:
nothing here imports openai, click, deepdiff or yaml.
"""

from __future__ import annotations

from .runtime import (
    LockfileNotFound,
    SecretNotSet,
    UnknownAssistant,
    agent_id,
    assistant_id,
    responses_kwargs,
    session_kwargs,
    vector_store_id,
)

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``asst_deploy.agents`` on first use, so that ``import asst_deploy`` never imports the Agents SDK
    (nor a published source's module, ``asst_deploy.SourceUnavailable``, before a lookup uses one)."""
    if name == "agents":
        import importlib

        return importlib.import_module(".agents", __name__)
    if name == "SourceUnavailable":  # a published source's error: its module loads with the first source lookup
        from .source import SourceUnavailable

        return SourceUnavailable
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "LockfileNotFound",
    "SecretNotSet",
    "SourceUnavailable",
    "UnknownAssistant",
    "__version__",
    "agent_id",
    "assistant_id",
    "responses_kwargs",
    "session_kwargs",
    "vector_store_id",
]
