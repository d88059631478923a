"""Where an environment's lockfile is: the one rule the CLI and the runtime lookups share.

Stdlib only (runtime code reaches it through ``import asst_deploy``). The project's
``asst-deploy.yaml`` may choose a ``default_environment`` and per-environment ``lockfile:`` paths.
Importing YAML costs more than a whole runtime lookup may take, so ``apply``
leaves the config's lockfile table as JSON in ``.asst-deploy/runtime.json`` together with the
config's text; the runtime trusts that table only while the config is byte-for-byte the same
(compared as text: hashlib's OpenSSL import alone costs more than the lookup). Otherwise (a fresh
clone, an edited config) :mod:`asst_deploy.configscan` reads plain block YAML without PyYAML, and
only a config it is unsure of (flow style, anchors, ...) is read with PyYAML's C loader, lazily.
"""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False  # importing typing would cost a runtime lookup more than the lookup itself
if TYPE_CHECKING:
    from typing import Any, Iterator

CONFIG_FILE = "asst-deploy.yaml"
DEFAULT_ENV = "default"
INDEX_FILE = os.path.join(".asst-deploy", "runtime.json")
INDEX_VERSION = 1


def folders_upward(start: str) -> Iterator[str]:
    """``start`` (made absolute) and every folder above it, nearest first."""
    folder = os.path.abspath(start)
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def project_root(start: str) -> str | None:
    """The project a command run in ``start`` means: the nearest folder upward holding
    ``asst-deploy.yaml``, as the runtime lookup searches; None when no folder up to the root has one."""
    return next((folder for folder in folders_upward(start) if os.path.isfile(os.path.join(folder, CONFIG_FILE))),
                None)


def enclosing_config(folder: str) -> str | None:
    """The ``asst-deploy.yaml`` of a project that holds ``folder`` (strictly above it), if any."""
    outer = project_root(os.path.dirname(os.path.abspath(folder)))
    return os.path.join(outer, CONFIG_FILE) if outer else None


def lock_filename(environment: str) -> str:
    """The lockfile's name when the config names none."""
    return "assistants.lock.json" if environment == DEFAULT_ENV else f"assistants.{environment}.lock.json"


def lockfile_name(environment: str, env_lockfile: str | None = None, project_lockfile: str | None = None) -> str:
    """The lockfile path, relative to the project root: the environment's ``lockfile:``, else the
    top-level ``lockfile:`` (the single 'default' environment only), else :func:`lock_filename`."""
    if env_lockfile:
        return env_lockfile
    if project_lockfile and environment == DEFAULT_ENV:
        return project_lockfile
    return lock_filename(environment)


def lockfile_table(default_environment: str | None, environments: dict[str, str | None],
                   project_lockfile: str | None) -> dict[str, Any]:
    """What the runtime needs from the config: the default environment and each lockfile path.

    ``environments`` maps each declared environment to its own ``lockfile:`` (or None); with none
    declared the project has the single environment 'default'."""
    names = environments or {DEFAULT_ENV: None}
    return {
        "default_environment": default_environment if environments else DEFAULT_ENV,
        "lockfiles": {env: lockfile_name(env, own, project_lockfile) for env, own in names.items()},
    }


def table_from_yaml(data: Any) -> dict[str, Any]:
    """:func:`lockfile_table` of a parsed ``asst-deploy.yaml`` (unvalidated: wrong types count as unset)."""
    data = data if isinstance(data, dict) else {}
    raw_envs = data.get("environments")
    environments: dict[str, str | None] = {}
    if isinstance(raw_envs, dict):
        for name, env in raw_envs.items():
            own = env.get("lockfile") if isinstance(env, dict) else None
            environments[str(name)] = own if isinstance(own, str) else None
    default = data.get("default_environment")
    top = data.get("lockfile")
    return lockfile_table(default if isinstance(default, str) else None, environments,
                          top if isinstance(top, str) else None)


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def write_index(root: str | os.PathLike[str], table: dict[str, Any]) -> None:
    """Leave the config's lockfile table where the runtime reads it without YAML (called by apply)."""
    from .file import write_lock_text

    config = os.path.join(os.fspath(root), CONFIG_FILE)
    try:
        source: str | None = _read_bytes(config).decode("utf-8", "surrogateescape")
    except FileNotFoundError:
        source = None
    text = json.dumps({"version": INDEX_VERSION, "config": source, **table}, indent=2, sort_keys=True)
    write_lock_text(os.path.join(os.fspath(root), INDEX_FILE), text + "\n")


_tables: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}


def read_table(root: str) -> dict[str, Any]:
    """The lockfile table of the project at ``root`` (which holds ``asst-deploy.yaml``), cached
    until the config changes: apply's JSON index when it matches the config, else the YAML."""
    config = os.path.join(root, CONFIG_FILE)
    stat = os.stat(config)
    key = (stat.st_mtime_ns, stat.st_size)
    cached = _tables.get(config)
    if cached and cached[0] == key:
        return cached[1]
    raw = _read_bytes(config)
    table = _index_table(root, raw) or _scanned_table(raw)
    if table is None:
        import yaml  # only for a config the scanner leaves to PyYAML (flow style, anchors, ...)

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            table = table_from_yaml(yaml.load(raw, Loader=loader))
        except yaml.YAMLError:
            table = table_from_yaml(None)  # the CLI names the mistake; here the defaults apply
    _tables[config] = (key, table)
    return table


def _scanned_table(raw: bytes) -> dict[str, Any] | None:
    from ..configscan import scan

    try:
        found = scan(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    if found is None:
        return None
    return lockfile_table(found["default_environment"], found["environments"], found["lockfile"])


def _index_table(root: str, raw: bytes) -> dict[str, Any] | None:
    try:
        index = json.loads(_read_bytes(os.path.join(root, INDEX_FILE)))
    except (OSError, ValueError):
        return None
    if not isinstance(index, dict) or index.get("version") != INDEX_VERSION:
        return None
    if index.get("config") != raw.decode("utf-8", "surrogateescape") or not isinstance(index.get("lockfiles"), dict):
        return None
    return {"default_environment": index.get("default_environment"), "lockfiles": index["lockfiles"]}
