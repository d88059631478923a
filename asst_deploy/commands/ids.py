"""``asst-deploy ids``: name -> id from the lockfile, for shells, other languages and deployments
(json, env, dotenv, a Kubernetes ConfigMap). No API call."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Mapping

from ..console import Console
from ..errors import EXIT_OK
from ..lock.entry import LockDocument, LockEntry
from ..lock.locate import DEFAULT_ENV
from ..session import Options, load, read_lockfile


def env_var_name(name: str, suffix: str = "") -> str:
    return "ASST_DEPLOY_" + re.sub(r"[^A-Z0-9]", "_", name.upper()) + suffix


def ids_json(entries: Mapping[str, LockEntry]) -> dict[str, dict[str, str]]:
    """Every entry, with whichever of its id (none under api: responses) and vector store it has."""
    listed = {}
    for name, entry in sorted(entries.items()):
        api = entry.api or ("responses" if entry.responses else None)
        fields = {"api": api, "id": entry.id, "vector_store_id": entry.vector_store_id}
        listed[name] = {key: value for key, value in fields.items() if value}
    return listed


def variables(entries: Mapping[str, LockEntry]) -> dict[str, str]:
    """Each entry's id and vector store as ``ASST_DEPLOY_<NAME>`` and ``..._VECTOR_STORE``."""
    found: dict[str, str] = {}
    for name, entry in sorted(entries.items()):
        if entry.id:
            found[env_var_name(name)] = entry.id
        if entry.vector_store_id:
            found[env_var_name(name, "_VECTOR_STORE")] = entry.vector_store_id
    return found


def dotenv(lock: LockDocument) -> str:
    """A ``.env`` file: whose ids (a comment), then ``KEY="value"`` lines (ids need no escaping)."""
    lines = [f"# asst-deploy ids: project {lock.project}, environment {lock.environment}"]
    lines += [f'{key}="{value}"' for key, value in variables(lock.entries).items()]
    return "\n".join(lines) + "\n"


def nothing_deployed(lockfile: Path, environment: str) -> str:
    """Why ``ids`` has no ids to print, and the command that would deploy some."""
    env = "" if environment == DEFAULT_ENV else f" --env {environment}"
    why = f"{lockfile.name} names no assistant" if lockfile.exists() else f"there is no {lockfile.name}"
    return (f"note: nothing is deployed in environment {environment!r}: {why} "
            f"(`asst-deploy apply{env}` deploys the manifests there)")


def run_ids(options: Options, console: Console, *, fmt: str = "json") -> int:
    loaded = load(options)
    lock = read_lockfile(loaded.project, loaded.owner)
    entries = lock.entries
    if not entries:  # an empty answer on stdout alone reads like "deployed, with nothing in it"
        console.say(nothing_deployed(loaded.project.lockfile, loaded.owner.environment))
    if fmt == "env":
        console.out("".join(f"{key}={value}\n" for key, value in variables(entries).items()))
    elif fmt == "dotenv":
        console.out(dotenv(lock))
    elif fmt == "configmap":
        from ..publish.configmap import configmap

        console.out(configmap(lock, loaded.project.specs, variables(entries)))
    else:
        console.out(json.dumps(ids_json(entries), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK
