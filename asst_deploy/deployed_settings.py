"""The Responses request settings a deployed manifest stands for, under any ``api``.

Under ``api: responses`` the lockfile holds them (what :func:`asst_deploy.responses_kwargs`
returns). Under ``api: assistants`` and ``api: agents`` the settings live on the server object, so
they are made from the project's manifests (for the lockfile's environment) with the ids the
lockfile recorded (vector store, code interpreter files), exactly as ``api: responses`` would
record them. This is what :mod:`asst_deploy.agents` builds an Agents SDK agent from, and what code
without the Agents SDK passes to ``client.responses.create``. It loads the manifests (pydantic,
YAML), so it is not part of the light ``import asst_deploy``.
"""

from __future__ import annotations

import copy
import os
import warnings
from typing import TYPE_CHECKING, Any, Mapping

from . import runtime
from .lock.locate import CONFIG_FILE

if TYPE_CHECKING:
    from .spec import AssistantSpec


class DeployedSettingsError(ValueError):
    """The lockfile names an entry its project's manifests no longer declare."""


class TranslatedSetting(UserWarning):
    """A manifest setting the Responses API takes in another form (or not at all) was changed for it."""


def request_settings(name: str, *, env: str | None = None, path: Any = None, source: Any = None) -> dict[str, Any]:
    """The ``client.responses.create`` settings of ``name`` as deployed, under any api; from a
    published document (``source``, ASST_DEPLOY_SOURCE), which holds them under any api too."""
    if runtime.uses_source(path, source):
        entry = runtime._entry(name, env, None, source)
        if not entry.get("responses"):
            raise DeployedSettingsError(f"the published document holds no request settings for {name!r} (its "
                                        "manifest was gone when it was published); publish it again")
        return runtime.fill_secrets(name, copy.deepcopy(entry["responses"]), entry.get("responses_env"))
    found = runtime.find_lockfile(env, path)
    entry = runtime._entry(name, None, found)
    if entry.get("responses"):
        return runtime.fill_secrets(name, copy.deepcopy(entry["responses"]), entry.get("responses_env"))
    return _kwargs_from_manifest(name, entry, found)


def _kwargs_from_manifest(name: str, entry: Mapping[str, Any], lockfile: str) -> dict[str, Any]:
    """``api: assistants``/``agents``: the manifest's settings with the ids the lockfile holds."""
    from pathlib import Path

    from .lock.file import parse_lock
    from .project import load_project

    lock = parse_lock(Path(lockfile).read_text(encoding="utf-8"), lockfile)
    root = _project_root(os.path.dirname(lockfile))
    project = load_project(Path(root), lock.get("environment"), entry.get("api"))
    spec = next((s for s in project.specs if s.name == name), None)
    if spec is None:
        raise DeployedSettingsError(f"{name!r} is in {lockfile} but no manifest in {root} declares it any more")
    files = [f["id"] for f in (entry.get("code_interpreter_files") or {}).values() if f.get("id")]
    return kwargs_of_spec(name, spec, entry.get("vector_store_id"), tuple(files))


def kwargs_of_spec(name: str, spec: AssistantSpec, vector_store_id: str | None,
                   code_interpreter_file_ids: tuple[str, ...]) -> dict[str, Any]:
    """A manifest's Responses settings with the ids it was deployed with (also what is published)."""
    from .backends.base import Resources
    from .backends.responses import responses_kwargs

    resources = Resources(vector_store_id=vector_store_id, code_interpreter_file_ids=code_interpreter_file_ids)
    return _for_responses(name, responses_kwargs(spec, resources))


def _for_responses(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """What only the manifest's API takes, made what the Responses API takes, and said: an
    Assistants ranker (``default_2024_08_21``) is refused there with a 400, so it is left out and
    the Responses API chooses its own (``auto``)."""
    from .manifest.api_rules import RANKERS

    for tool in kwargs.get("tools") or ():
        ranking = tool.get("ranking_options") if tool.get("type") == "file_search" else None
        if ranking and ranking.get("ranker") == RANKERS["assistants"]:
            ranking.pop("ranker")
            if not ranking:
                tool.pop("ranking_options")
            warnings.warn(f"{name!r}: file_search ranking_options.ranker {RANKERS['assistants']!r} is the Assistants "
                          "API's ranker, which the Responses API refuses: the request leaves it out, so the Responses "
                          "API chooses its ranker ('auto')", TranslatedSetting, stacklevel=5)
    return kwargs


def _project_root(folder: str) -> str:
    start = folder
    while not os.path.isfile(os.path.join(folder, CONFIG_FILE)):
        parent = os.path.dirname(folder)
        if parent == folder:
            return start  # a project without asst-deploy.yaml keeps its lockfile at the root
        folder = parent
    return folder
