"""Runtime lookups: the ids and request settings that an apply recorded in the lockfile, or
that a project published (``ASST_DEPLOY_SOURCE`` or ``source=``: :mod:`asst_deploy.source`).

This is what a web service or worker imports, so it costs a few milliseconds: stdlib only (not
even pathlib), the lockfile parsed once per (path, mtime) and cached; the source module (and
boto3 or urllib.request) is imported only by a lookup that uses a source.
"""

from __future__ import annotations

import copy
import os
from .lock.locate import CONFIG_FILE, DEFAULT_ENV, folders_upward, lock_filename, read_table
from .lock.file import parse_lock

TYPE_CHECKING = False  # importing typing would cost a runtime lookup more than the lookup itself
if TYPE_CHECKING:
    from typing import Any, Mapping



class LockfileNotFound(FileNotFoundError):
    """No lockfile where we looked; the message lists the places."""


class SecretNotSet(LookupError):
    """A secret the deployed settings take from the environment (an MCP header or token) is unset."""


class UnknownAssistant(KeyError):
    """A name the lockfile does not hold; the message lists the names it does."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


_cache: dict[str, tuple[int, dict[str, Any]]] = {}


def _environment(env: str | None) -> str | None:
    return env or os.environ.get("ASST_DEPLOY_ENV") or None


def find_lockfile(env: str | None = None, path: Any = None) -> str:
    """``path`` if given (a lockfile, or a folder to search upward from), else ASST_DEPLOY_LOCKFILE,
    else a search upward from the current folder. The first folder holding ``asst-deploy.yaml`` is
    the project: its environments (``env`` > ASST_DEPLOY_ENV > ``default_environment``) and their
    ``lockfile:`` paths decide, as in the CLI. A folder without one that holds the environment's
    lockfile by its default name (a lockfile vendored into another repository) is used as is."""
    chosen = _environment(env)
    explicit = os.fspath(path) if path else os.environ.get("ASST_DEPLOY_LOCKFILE")
    if explicit and not os.path.isdir(explicit):
        if not os.path.isfile(explicit):
            raise LockfileNotFound(f"no lockfile at {explicit}")
        return os.path.abspath(explicit)
    name = lock_filename(chosen or DEFAULT_ENV)
    first = os.path.abspath(explicit or os.getcwd())
    for folder in folders_upward(first):
        if os.path.isfile(os.path.join(folder, CONFIG_FILE)):
            return _project_lockfile(folder, chosen)
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    raise LockfileNotFound(
        f"no {CONFIG_FILE} and no {name} (environment {chosen or DEFAULT_ENV!r}) in {first} or any parent "
        "folder; run `asst-deploy apply` in the project first, or pass path= / set ASST_DEPLOY_LOCKFILE"
    )


def _project_lockfile(root: str, env: str | None) -> str:
    """The lockfile of ``env`` in the project at ``root``, by the config's rule."""
    config = os.path.join(root, CONFIG_FILE)
    table = read_table(root)
    lockfiles = table["lockfiles"]
    known = ", ".join(lockfiles)
    chosen = env or table.get("default_environment")
    if chosen is None:
        raise LockfileNotFound(
            f"{config} declares the environments {known} and no default_environment: "
            "choose one with env= or ASST_DEPLOY_ENV"
        )
    if chosen not in lockfiles:
        raise LockfileNotFound(f"unknown environment {chosen!r} in {config}; known environments: {known}")
    found = os.path.join(root, lockfiles[chosen])
    if not os.path.isfile(found):
        raise LockfileNotFound(
            f"no lockfile {lockfiles[chosen]} for environment {chosen!r} in the project at {root}; "
            f"run `asst-deploy apply{'' if chosen == DEFAULT_ENV else ' --env ' + chosen}` there first"
        )
    return os.path.abspath(found)


def load(env: str | None = None, path: Any = None) -> dict[str, Any]:
    """The parsed lockfile, cached until the file changes."""
    found = find_lockfile(env, path)
    mtime = os.stat(found).st_mtime_ns
    cached = _cache.get(found)
    if cached and cached[0] == mtime:
        return cached[1]
    with open(found, "rb") as handle:
        data = parse_lock(handle.read(), found)
    _cache[found] = (mtime, data)
    return data


def uses_source(path: Any, source: Any) -> bool:
    """A lookup reads a published document: ``source=``, or ASST_DEPLOY_SOURCE unless ``path=`` names a lockfile."""
    return bool(source) or (not path and bool(os.environ.get("ASST_DEPLOY_SOURCE")))


def _entry(name: str, env: str | None, path: Any, source: Any = None) -> dict[str, Any]:
    if uses_source(path, source):
        from .source import published, source_url

        chosen = _environment(env)
        where = source_url(source, chosen) or ""
        assistants = published(where, chosen)["assistants"]
    else:
        where, assistants = "the lockfile", load(env, path)["assistants"]
    try:
        return assistants[name]
    except KeyError:
        known = ", ".join(sorted(assistants)) or "(none)"
        raise UnknownAssistant(f"no assistant named {name!r} in {where}; known: {known}") from None


def _field(name: str, key: str, env: str | None, path: Any, source: Any) -> str:
    entry = _entry(name, env, path, source)
    value = entry.get(key)
    if value:
        return value
    api = entry.get("api") or ("responses" if "responses" in entry else None)
    if key == "id" and api == "responses":
        raise UnknownAssistant(
            f"{name!r} was deployed with api: responses, which keeps no assistant or agent on the server, "
            f"so it has no id; call client.responses.create(**asst_deploy.responses_kwargs({name!r}), input=...)"
        )
    if key == "vector_store_id" and not entry.get("files") and not entry.get("pending_files"):
        raise UnknownAssistant(
            f"{name!r} has no vector store: its manifest lists no retrieval files (files:), "
            "so nothing was uploaded for file_search"
        )
    raise UnknownAssistant(
        f"{name!r} has no {key} in the lockfile yet: its last apply did not finish; run `asst-deploy apply` again"
    )


def assistant_id(name: str, env: str | None = None, path: Any = None, *, source: Any = None) -> str:
    """The deployed id of ``name``: an ``asst_...`` id, or the agent id under ``api: agents``.
    ``source``: a published document (s3://, https://, a path) instead of the lockfile."""
    return _field(name, "id", env, path, source)


def agent_id(name: str, env: str | None = None, path: Any = None, *, source: Any = None) -> str:
    """The agent id of ``name`` deployed with ``api: agents`` (same as :func:`assistant_id`)."""
    return _field(name, "id", env, path, source)


def vector_store_id(name: str, env: str | None = None, path: Any = None, *, source: Any = None) -> str:
    """The vector store holding ``name``'s retrieval files (any api)."""
    return _field(name, "vector_store_id", env, path, source)


def session_kwargs(name: str, env: str | None = None, path: Any = None) -> dict[str, Any]:
    """Keyword arguments for ``client.beta.agents.sessions.create(**kwargs, input=...)`` (``api: agents``):
    the deployed agent, the project's vault when the agent's MCP servers take credentials from it,
    and the execution environment: the manifest's ``environment`` as applied, else none (then ``input``
    is required)."""
    entry = _entry(name, env, path)
    if (entry.get("api") or "assistants") != "agents":
        raise UnknownAssistant(
            f"{name!r} was deployed with api: {entry.get('api') or 'responses'}; session_kwargs needs api: agents "
            f"(a session runs a saved agent)")
    return session_settings(_field(name, "id", env, path, None), entry.get("environment"),
                            entry.get("vault_id") if entry.get("credentials") else None)


def session_settings(agent_id: str, environment: Mapping[str, Any] | None, vault_id: str | None) -> dict[str, Any]:
    """A session of the deployed agent as runtime code and ``asst-deploy test`` both open it: its
    environment as applied (else none), and the project's vault when the agent takes credentials."""
    kwargs: dict[str, Any] = {"agent_id": agent_id, "environment": copy.deepcopy(dict(environment or {"type": "none"}))}
    if vault_id:
        kwargs["vault_ids"] = [vault_id]
    return kwargs


def responses_kwargs(name: str, env: str | None = None, path: Any = None, *, source: Any = None) -> dict[str, Any]:
    """Keyword arguments for ``client.responses.create(**kwargs, input=...)`` (``api: responses``)."""
    entry = _entry(name, env, path, source)
    kwargs = entry.get("responses")
    api = entry.get("api") or ("responses" if kwargs else "assistants")
    if not kwargs or api != "responses":
        raise UnknownAssistant(
            f"{name!r} was deployed with api: {api}, which keeps its settings on the server "
            f"(use asst_deploy.assistant_id({name!r}), or asst_deploy.agents.agent({name!r}) for the Agents SDK); "
            "responses_kwargs needs api: responses"
        )
    import copy  # a caller mutating the result must not change the cache

    return fill_secrets(name, copy.deepcopy(kwargs), entry.get("responses_env"))


def fill_secrets(name: str, kwargs: dict[str, Any], refs: Any) -> dict[str, Any]:
    """``kwargs`` with each secret the lockfile names (``{"path": [...], "env": VAR}``: an MCP
    header, an MCP authorization token) read from ``os.environ`` now; the lockfile holds only
    the variable's name. An unset variable is an error naming it: a request without the
    credential would fail later, at the MCP server, with less to go on."""
    for ref in refs or ():
        variable, path = ref["env"], ref["path"]
        value = os.environ.get(variable)
        if value is None:
            raise SecretNotSet(
                f"{name!r} takes {_describe(kwargs, path)} from the environment variable {variable}, which is "
                f"not set here: set {variable} where this code runs (asst-deploy never stores its value)"
            )
        holder: Any = kwargs
        for key in path[:-1]:
            holder = holder[key] if isinstance(key, int) else holder.setdefault(key, {})
        holder[path[-1]] = value
    return kwargs


def _describe(kwargs: dict[str, Any], path: list[Any]) -> str:
    """``the header Authorization of MCP server 'docs'`` for a secret's path in the kwargs."""
    try:
        label = kwargs["tools"][path[1]].get("server_label")
    except (KeyError, IndexError, TypeError, AttributeError):
        label = None
    what = f"the header {path[3]}" if len(path) == 4 and path[2] == "headers" else f"the {path[-1]}"
    if len(path) > 3 and path[-3] == "domain_secrets":  # a network policy's secret for one domain
        holder: Any = kwargs
        try:
            for key in path[:-1]:
                holder = holder[key]
            what = f"the domain secret {holder['name']!r} for {holder['domain']}"
        except (KeyError, IndexError, TypeError):
            what = "a domain secret"
    return what + (f" of MCP server {label!r}" if label else "")
