"""The loaded-project cache: ``plan`` does not build again a project whose files have not changed.

Building a project (YAML with positions, the manifest models, every spec) is most of a no-op
plan's own CPU. An entry keeps a built project with the record of everything the build read
(:meth:`~asst_deploy.manifest.files.Resolver.answers`: the config's and each manifest's text, the
manifests folder's listing, every glob, text and file digest the manifests named) and the
fingerprint of the code that built it (asst-deploy's own files, Python, the installed packages).
An entry is used only when every one of those questions gets the same answer now, asked again
through the same :class:`~asst_deploy.manifest.files.Resolver` (ccache's "direct mode" and
Python's ``.pyc`` work the same way). Anything else builds the project as before and stores it.

Only ``plan`` reads entries: apply, destroy and the other commands build from the files, so a
write never rests on a cached read (an apply of a saved plan checks its fingerprints against
what it builds). Entries live in the user's cache folder, never in the project, so a clone cannot
carry one in. ``ASST_DEPLOY_CACHE=off`` turns the cache off; ``verify`` builds every project too
and fails if an entry served anything else (the test suite runs that way): docs/decisions/0004.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import stat
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Mapping, TypeVar

from . import config as cfg
from .errors import AsstDeployError
from .project import Project, notes_left_behind
from .spec import AssistantSpec

if TYPE_CHECKING:
    from .assemble import Assembled

FORMAT = 1  # of an entry; another format is a miss
MAX_ENTRY_BYTES = 64 << 20  # an entry past this is neither written nor read
# the folder keeps the entries used last, within both bounds (a CI runner that keeps its home
# folder plans in a new checkout every job); a temporary file a killed plan left goes after an hour
MAX_ENTRIES = 100
MAX_FOLDER_BYTES = 512 << 20
STALE_TEMPORARY_S = 3600
# the packages whose code decides what a manifest becomes (the SDK's types check tools and settings)
PACKAGES = ("openai", "pydantic", "pydantic_core", "yaml", "jsonschema")
Mode = Literal["on", "off", "verify"]
_V = TypeVar("_V")


def mode() -> Mode:
    value = os.environ.get("ASST_DEPLOY_CACHE", "on").strip().lower() or "on"
    if value not in ("on", "off", "verify"):
        raise AsstDeployError(f"ASST_DEPLOY_CACHE={value!r}: use on, off or verify")
    return value  # type: ignore[return-value]


def folder() -> Path:
    """``$ASST_DEPLOY_CACHE_DIR``, else ``$XDG_CACHE_HOME/asst-deploy``, else ``~/.cache/asst-deploy``."""
    explicit = os.environ.get("ASST_DEPLOY_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "asst-deploy"


def load_cached(project_dir: Path, env: str | None, api: str | None, *,
                build: Callable[[], Assembled], say: Callable[[str], None] | None = None) -> Project:
    """The project from its entry when its files are unchanged, else ``build()`` (stored)."""
    chosen = mode()
    if chosen == "off":
        return build().project
    path = folder() / "projects" / f"{_key(project_dir, env, api)}.json"
    entry = _read(path)
    stale = _stale(entry, project_dir, env, api)
    project = _decoded(entry, project_dir, env, api) if stale is None else None
    if entry is None or project is None:
        assembled = build()
        seen = _seen(path, project_dir)
        if seen:
            _write(path, assembled, project_dir, env, api)
        if say:
            say(f"cache: rebuilt ({stale or 'an entry of another kind'}"
                f"{'' if seen else '; the next plan of this project here stores one'})")
        return assembled.project
    if chosen == "verify":
        _verify(project, build().project, path)
    _touch(path)
    if say:
        say(f"cache: used (the {_count(entry)} files the project was built from are unchanged)")
    return project


def _seen(path: Path, project_dir: Path) -> bool:
    """Whether this project was planned here before; if not, it is marked so now. An entry costs a
    sixth of a build to write and pays only when the project is planned again on this machine: a CI
    job on a fresh runner plans once, so the first plan of a project leaves only this mark."""
    mark = path.with_name(f"{_key(project_dir, None, None)}.seen")
    if path.exists() or mark.exists():
        return True
    try:
        mark.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        mark.touch()
        _evict(mark.parent)
    except OSError:
        pass
    return False


def _touch(path: Path) -> None:
    """Mark an entry used now, so eviction keeps the entries plans use."""
    try:
        os.utime(path)
    except OSError:
        pass


def _request(project_dir: Path, env: str | None, api: str | None) -> list[Any]:
    """What a load was asked for, as an entry records it (and its file name hashes it)."""
    return [os.path.abspath(project_dir), env, api]


def _key(project_dir: Path, env: str | None, api: str | None) -> str:
    return hashlib.sha256(json.dumps(_request(project_dir, env, api)).encode()).hexdigest()[:40]


def _read(path: Path) -> dict[str, Any] | None:
    """The entry at ``path``, or None: missing, not a regular file, too big, or not an entry.
    Opened without blocking, so a FIFO in its place is refused at once rather than waited on."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            entry = json.loads(stream.read(MAX_ENTRY_BYTES + 1))
    except (OSError, ValueError):
        return None
    finally:
        os.close(handle)
    return entry if isinstance(entry, dict) else None


def _stale(entry: dict[str, Any] | None, project_dir: Path, env: str | None, api: str | None) -> str | None:
    """Why ``entry`` cannot serve this load (a short reason for ``-v``), or None when it can."""
    from .manifest.files import Resolver

    if entry is None:
        return "no entry"
    if entry.get("format") != FORMAT or entry.get("request") != _request(project_dir, env, api):
        return "an entry of another kind"
    if entry.get("tool") != fingerprint():
        return "asst-deploy, Python or a package changed"
    try:
        changed = Resolver(Path(project_dir)).changed(entry["answers"])
    except (KeyError, TypeError):
        return "an entry of another kind"
    return None if changed is None else f"{changed} changed"


def _count(entry: Mapping[str, Any]) -> int:
    answers = entry["answers"]
    return len(answers["reads"]) + len(answers["files"])


@functools.cache
def fingerprint() -> str:
    """What the code that builds a project is: asst-deploy's files, Python, and the packages that
    decide what a manifest becomes (each site folder's installed distributions, by name and version)."""
    digest = hashlib.sha256(f"{FORMAT}|{sys.version}|{sys.prefix}".encode())
    package = Path(__file__).resolve().parent
    for where, folders, names in os.walk(package):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(n for n in names if n.endswith(".py")):
            status = os.stat(os.path.join(where, name))
            digest.update(f"{os.path.relpath(where, package)}/{name}|{status.st_size}|{status.st_mtime_ns}\n".encode())
    sites = set()
    for top in PACKAGES:
        spec = importlib.util.find_spec(top)
        origin = spec.origin if spec is not None and spec.origin else ""
        digest.update(f"{top}|{origin}\n".encode())
        if origin:
            sites.add(os.path.dirname(os.path.dirname(origin)))
    for site in sorted(sites):
        try:
            digest.update("|".join(sorted(n for n in os.listdir(site) if n.endswith((".dist-info", ".egg-info")))).encode())
        except OSError:
            digest.update(f"{site}: unreadable".encode())
    return digest.hexdigest()


def _encode(assembled: Assembled, project_dir: Path, env: str | None, api: str | None) -> dict[str, Any]:
    project = assembled.project
    return {
        "format": FORMAT, "request": _request(project_dir, env, api), "tool": fingerprint(),
        "answers": assembled.answers, "config": assembled.config_data,
        "environment": project.environment, "api": project.api,
        "specs": [spec.to_json() for spec in project.specs],
        "warnings": list(project.warnings), "overridden": list(project.overridden),
    }


def _decoded(entry: Mapping[str, Any] | None, project_dir: Path, env: str | None, api: str | None) -> Project | None:
    try:
        return _decode(entry, project_dir, env, api) if entry is not None else None
    except (KeyError, TypeError, ValueError, AttributeError):  # an entry of another shape
        return None


def _decode(entry: Mapping[str, Any], project_dir: Path, env: str | None, api: str | None) -> Project:
    """The project an entry holds; its behaviour checks and own digests, which a plan with nothing
    to change never reads, are built from the files when first read."""
    root = Path(project_dir)
    config = _config(entry["config"])
    environment = entry["environment"]
    built = _Once(project_dir, env, api)
    return Project(
        root=root, config=config, environment=environment, api=entry["api"],
        specs=tuple(AssistantSpec.from_json(spec) for spec in entry["specs"]),
        lockfile=cfg.lockfile_path(root, config, environment),
        warnings=tuple(entry["warnings"]), overridden=tuple(entry["overridden"]),
        left_behind=notes_left_behind(root, config, environment),
        checks=_Later(built, lambda project: project.checks),
        own_digests=_Later(built, lambda project: project.own_digests),
    )


def _config(data: Mapping[str, Any]) -> cfg.ProjectConfig:
    """The config as written, made again without validating it: it was valid when the entry was
    stored, which stores only a config made this way that equals the validated one (validating
    would build pydantic's validator, a sixth of what a hit costs)."""
    environments = {name: cfg.EnvironmentConfig.model_construct(**env) for name, env in data.get("environments", {}).items()}
    return cfg.ProjectConfig.model_construct(**{**data, **({"environments": environments} if environments else {})})


_COMPARED = ("root", "config", "environment", "api", "specs", "lockfile", "warnings", "overridden", "left_behind")


def _differences(cached: Project, built: Project) -> list[str]:
    return [name for name in _COMPARED if getattr(cached, name) != getattr(built, name)]


def _verify(cached: Project, built: Project, path: Path) -> None:
    different = _differences(cached, built)
    if different:
        raise AssertionError(f"the loaded-project cache served a project that its files no longer build: "
                             f"{', '.join(different)} differ ({path})")


def _write(path: Path, assembled: Assembled, project_dir: Path, env: str | None, api: str | None) -> None:
    """Store the entry, atomically, when it decodes to the same project (a value JSON cannot carry,
    a YAML date say, is not cached). A folder that cannot be written costs the next plan a build."""
    try:
        entry = _encode(assembled, project_dir, env, api)
        text = json.dumps(entry, separators=(",", ":"))
        if len(text) > MAX_ENTRY_BYTES or _differences(_decode(json.loads(text), project_dir, env, api),
                                                        assembled.project):
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
        _evict(path.parent)
    except (OSError, TypeError, ValueError):
        return


def _evict(entries: Path) -> None:
    """Keep the entries (and marks of projects seen) used last within MAX_ENTRIES and MAX_FOLDER_BYTES
    (a hit touches its entry)."""
    now = time.time()
    kept: list[tuple[float, int, str]] = []
    with os.scandir(entries) as found:
        for item in found:
            status = item.stat(follow_symlinks=False)
            if item.name.endswith(".tmp") and now - status.st_mtime > STALE_TEMPORARY_S:
                os.unlink(item.path)
            elif item.name.endswith((".json", ".seen")):
                kept.append((status.st_mtime, status.st_size, item.path))
    kept.sort(reverse=True)  # newest first
    total = 0
    for count, (_, size, where) in enumerate(kept, 1):
        total += size
        if count > MAX_ENTRIES or total > MAX_FOLDER_BYTES:
            os.unlink(where)


class _Once:
    """The project built from its files, once, when first asked for."""

    def __init__(self, project_dir: Path, env: str | None, api: str | None) -> None:
        self._request = (project_dir, env, api)
        self._project: Project | None = None

    def __call__(self) -> Project:
        if self._project is None:
            from .project import load_project

            self._project = load_project(*self._request)
        return self._project


class _Later(Mapping[str, _V]):
    """A mapping of the project built from its files, built when first read."""

    def __init__(self, built: _Once, pick: Callable[[Project], Mapping[str, _V]]) -> None:
        self._built, self._pick = built, pick

    def _mapping(self) -> Mapping[str, _V]:
        return self._pick(self._built())

    def __getitem__(self, key: str) -> _V:
        return self._mapping()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._mapping())

    def __len__(self) -> int:
        return len(self._mapping())
