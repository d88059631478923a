"""Runtime lookups: the ids and request settings that an apply recorded in the lockfile.

This is what a web service or worker imports, so it costs a few milliseconds: stdlib only (not
even pathlib), the lockfile parsed once per (path, mtime) and cached.
"""

from __future__ import annotations

import os
from .lockfile import lock_filename, parse_lock

TYPE_CHECKING = False  # typing itself costs ~10 ms at import; runtime readers skip it
if TYPE_CHECKING:
    from typing import Any



class LockfileNotFound(FileNotFoundError):
    """No lockfile where we looked; the message lists the places."""


class UnknownAssistant(KeyError):
    """A name the lockfile does not hold; the message lists the names it does."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


_cache: dict[str, tuple[int, dict[str, Any]]] = {}


def _environment(env: str | None) -> str:
    return env or os.environ.get("ASST_DEPLOY_ENV") or "default"


def find_lockfile(env: str | None = None, path: Any = None) -> str:
    """``path`` if given (a file, or a folder to search upward from), else ASST_DEPLOY_LOCKFILE,
    else the environment's lockfile in the current folder or the nearest parent holding one."""
    env = _environment(env)
    explicit = os.fspath(path) if path else os.environ.get("ASST_DEPLOY_LOCKFILE")
    if explicit and not os.path.isdir(explicit):
        if not os.path.isfile(explicit):
            raise LockfileNotFound(f"no lockfile at {explicit}")
        return os.path.abspath(explicit)
    name = lock_filename(env)
    folder = os.path.abspath(explicit or os.getcwd())
    first = folder
    while True:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    raise LockfileNotFound(
        f"no {name} (environment {env!r}) in {first} or any parent folder; "
        "run `asst-deploy apply` first, or pass path= / set ASST_DEPLOY_LOCKFILE"
    )


def load(env: str | None = None, path: Any = None) -> dict[str, Any]:
    """The parsed lockfile, cached until the file changes."""
    found = find_lockfile(env, path)
    mtime = os.stat(found).st_mtime_ns
    cached = _cache.get(found)
    if cached and cached[0] == mtime:
        return cached[1]
    with open(found, encoding="utf-8") as handle:
        data = parse_lock(handle.read(), found)
    _cache[found] = (mtime, data)
    return data


def _entry(name: str, env: str | None, path: Any) -> dict[str, Any]:
    assistants = load(env, path)["assistants"]
    try:
        return assistants[name]
    except KeyError:
        known = ", ".join(sorted(assistants)) or "(none)"
        raise UnknownAssistant(f"no assistant named {name!r} in the lockfile; known: {known}") from None


def _field(name: str, key: str, env: str | None, path: Any) -> str:
    value = _entry(name, env, path).get(key)
    if not value:
        raise UnknownAssistant(
            f"assistant {name!r} has no {key} in the lockfile (was it deployed with this api?)"
        )
    return value


def assistant_id(name: str, env: str | None = None, path: Any = None) -> str:
    """The deployed id of ``name``: an ``asst_...`` id, or the agent id under ``api: agents``."""
    return _field(name, "id", env, path)


def agent_id(name: str, env: str | None = None, path: Any = None) -> str:
    """The agent id of ``name`` deployed with ``api: agents`` (same as :func:`assistant_id`)."""
    return _field(name, "id", env, path)


def vector_store_id(name: str, env: str | None = None, path: Any = None) -> str:
    return _field(name, "vector_store_id", env, path)


def responses_kwargs(name: str, env: str | None = None, path: Any = None) -> dict[str, Any]:
    """Keyword arguments for ``client.responses.create(**kwargs, input=...)`` (``api: responses``)."""
    kwargs = _entry(name, env, path).get("responses")
    if not kwargs:
        raise UnknownAssistant(
            f"assistant {name!r} has no Responses settings in the lockfile; deploy it with api: responses"
        )
    import copy  # a caller mutating the result must not change the cache

    return copy.deepcopy(kwargs)
