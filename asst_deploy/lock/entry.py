"""One manifest's lockfile entry as a type: the only place that knows the entry's keys.

The file format (``lock/file.py``, README "Sharing ids with other teams") is a JSON object per manifest
name. Everything that reads or writes an entry (planner, applier, repairs, import, show, ids)
goes through ``LockEntry``, so the rules about it exist once: when an entry is empty, which
file objects it names, how a file is attached, retired and forgotten. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

FILE_ROLES = ("files", "code_interpreter_files")
# Every map of an entry that names file objects: attached ones, uploads not yet attached, and
# replaced ones that a later step of the same apply deletes (named until then: no orphan on a stop).
TRACKED_FILES = (*FILE_ROLES, "pending_files", "retired_files")
_SCALARS = ("id", "api", "applied", "vector_store_id", "replaced_api", "reasoning_effort", "vault_id")
_ID_MAPS = ("credentials", "automations")  # api: agents: MCP server label / automation name -> id
USAGE_KEY = "vector_store_usage"
_OBJECTS = ("responses", "spec", "settings", "responses_env", "chunking_strategy", "environment")


@dataclass(frozen=True)
class LockedFile:
    id: str
    sha256: str | None = None
    attributes: tuple[tuple[str, Any], ...] = ()  # the manifest's own vector-store attributes, as set

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "sha256": self.sha256}
        if self.attributes:
            data["attributes"] = dict(self.attributes)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "LockedFile":
        if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
            raise TypeError("a file must be an object with a string 'id'")
        sha = data.get("sha256")
        if sha is not None and not isinstance(sha, str):
            raise TypeError("a file's 'sha256' must be a string")
        attributes = data.get("attributes") or {}
        if not isinstance(attributes, Mapping):
            raise TypeError("a file's 'attributes' must be an object")
        return cls(data["id"], sha, tuple(sorted(attributes.items())))


@dataclass
class LockEntry:
    """What the lockfile records for one manifest name (see the README for each key's meaning)."""

    id: str | None = None  # the assistant or agent
    api: str | None = None  # the api it was deployed with
    applied: str | None = None  # digest of the last applied settings: tells a manifest edit from drift
    vector_store_id: str | None = None
    files: dict[str, LockedFile] = field(default_factory=dict)  # path -> retrieval file
    code_interpreter_files: dict[str, LockedFile] = field(default_factory=dict)  # path -> file
    pending_files: dict[str, LockedFile] = field(default_factory=dict)  # uploaded, not yet attached
    retired_files: dict[str, LockedFile] = field(default_factory=dict)  # file id -> replaced file
    replaced_api: str | None = None  # an api migration whose old object is not deleted yet
    reasoning_effort: str | None = None  # sent but never shown by the Assistants API
    responses: dict[str, Any] | None = None  # api: responses: kwargs for client.responses.create
    spec: dict[str, Any] | None = None  # api: responses: the comparable spec last applied
    settings: dict[str, Any] | None = None  # agents: verbosity/service_tier as sent (a later removal resets them)
    # the vector store as last seen agreeing with ``files`` ({"vector_store_id", "usage_bytes",
    # "file_count"}): while the store still says so, a plan need not list its files
    store_usage: dict[str, Any] | None = None
    responses_env: list[dict[str, Any]] | None = None  # api: responses: {path, env} of secrets filled at call time
    chunking_strategy: dict[str, Any] | None = None  # how the store's files were attached (None: auto)
    vault_id: str | None = None  # api: agents: the project's vault, which holds this agent's credentials
    credentials: dict[str, str] = field(default_factory=dict)  # MCP server label -> vault credential id
    automations: dict[str, str] = field(default_factory=dict)  # automation name -> automation id
    environment: dict[str, Any] | None = None  # api: agents: its sessions' environment (session_kwargs)
    extra: dict[str, Any] = field(default_factory=dict)  # keys a newer version wrote: kept as they are

    # -- the file format ---------------------------------------------------------------------
    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "LockEntry":
        """Raises ``ValueError``/``TypeError``/``KeyError`` on a malformed entry (the reader names the file)."""
        if not isinstance(data, Mapping):
            raise TypeError(f"an entry must be an object, not {type(data).__name__}")
        entry = cls(extra={k: v for k, v in data.items()
                           if k not in (*_SCALARS, *TRACKED_FILES, *_OBJECTS, *_ID_MAPS, USAGE_KEY)})
        for key in _SCALARS:
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{key!r} must be a string")
            setattr(entry, key, value)
        for role in TRACKED_FILES:
            members = data.get(role)
            members = {} if members is None else members
            if not isinstance(members, Mapping):
                raise TypeError(f"{role!r} must be an object")
            setattr(entry, role, {str(k): LockedFile.from_dict(v) for k, v in members.items()})
        for key in _ID_MAPS:
            ids = data.get(key) or {}
            if not isinstance(ids, Mapping) or not all(isinstance(v, str) for v in ids.values()):
                raise TypeError(f"{key!r} must be an object of ids")
            setattr(entry, key, {str(k): v for k, v in ids.items()})
        entry.responses = data.get("responses")
        entry.spec = data.get("spec")
        entry.settings = data.get("settings")
        usage = data.get(USAGE_KEY)
        if usage is not None and not isinstance(usage, Mapping):
            raise TypeError(f"{USAGE_KEY!r} must be an object")
        entry.store_usage = dict(usage) if usage is not None else None
        entry.responses_env = data.get("responses_env")
        entry.chunking_strategy = data.get("chunking_strategy")
        entry.environment = data.get("environment")
        if entry.responses_env is not None and not isinstance(entry.responses_env, list):
            raise TypeError("'responses_env' must be a list")
        return entry

    def to_dict(self) -> dict[str, Any]:
        """The entry as written: empty keys left out, except the file maps a deployed object has."""
        data: dict[str, Any] = dict(self.extra)
        for key in _SCALARS:
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        for role in TRACKED_FILES:
            members: dict[str, LockedFile] = getattr(self, role)
            present = bool(members) or (role == "files" and self.vector_store_id is not None) or (
                role == "code_interpreter_files" and (self.id is not None or self.responses is not None))
            if present:
                data[role] = {k: v.to_dict() for k, v in members.items()}
        if self.responses is not None:
            data["responses"] = self.responses
        if self.spec is not None:
            data["spec"] = self.spec
        if self.settings:
            data["settings"] = self.settings
        if self.store_usage is not None and self.vector_store_id is not None:
            data[USAGE_KEY] = self.store_usage
        if self.responses_env:
            data["responses_env"] = self.responses_env
        if self.chunking_strategy:
            data["chunking_strategy"] = self.chunking_strategy
        if self.environment:
            data["environment"] = self.environment
        for key in _ID_MAPS:
            if getattr(self, key):
                data[key] = dict(sorted(getattr(self, key).items()))
        return data

    # -- questions ---------------------------------------------------------------------------
    def is_empty(self) -> bool:
        """Names nothing on the account: the entry can leave the lockfile."""
        return not (self.id or self.vector_store_id or self.responses or self.vault_id or self.credentials
                    or self.automations or any(getattr(self, role) for role in TRACKED_FILES))

    def file_ids(self) -> Iterator[str]:
        """Every file object the entry names, in any role."""
        for role in TRACKED_FILES:
            for item in getattr(self, role).values():
                yield item.id

    def role(self, role: str) -> dict[str, LockedFile]:
        members: dict[str, LockedFile] = getattr(self, role)
        return members

    # -- changes -----------------------------------------------------------------------------
    def attach(self, path: str, item: LockedFile, *, deleting: frozenset[str] | set[str] = frozenset()) -> None:
        """``path`` is now a member of the store as ``item``; an object it replaces is retired."""
        old = self.files.get(path)
        if old is not None and old.id != item.id:
            self.retire(old, deleting)
        self.files[path] = item
        self.pending_files.pop(path, None)
        self.retired_files.pop(item.id, None)  # attached again: no longer retired

    def retire(self, item: LockedFile | None, deleting: frozenset[str] | set[str]) -> None:
        """A file object no longer attached here: named under retired_files until its delete step."""
        if item is not None and item.id in deleting:
            self.retired_files[item.id] = item

    def release(self, role: str, deleting: frozenset[str] | set[str]) -> None:
        """Forget a detached role's files, except those a later step deletes: until then the lock
        names them (no orphan if the apply stops here); that step forgets them. A file whose content
        another manifest still uses is named by that manifest's entry, not this one."""
        members = self.role(role)
        for path in [p for p, item in members.items() if item.id not in deleting]:
            members.pop(path)

    def forget_file(self, file_id: str) -> None:
        """The file object is deleted: no role names it any more."""
        for role in TRACKED_FILES:
            members = self.role(role)
            for key in [k for k, item in members.items() if item.id == file_id]:
                members.pop(key)

    def merged(self, repair: Mapping[str, Any]) -> "LockEntry":
        """This entry with ``repair``'s keys set (a planner's lock repair; ``None`` removes a key)."""
        data = {**self.to_dict(), **repair}
        return LockEntry.from_dict({k: v for k, v in data.items() if v is not None})

    def store_agrees(self, store_id: str, usage_bytes: int | None, file_count: int) -> bool:
        """The store says what it said when it last agreed with ``files`` (see ``store_usage``)."""
        return self.store_usage == usage_record(store_id, usage_bytes, file_count)

    def copy(self) -> "LockEntry":
        return LockEntry.from_dict(self.to_dict())


@dataclass
class LockDocument:
    """The whole lockfile: whose it is, and one entry per manifest name."""

    project: str
    environment: str
    entries: dict[str, LockEntry] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # top-level keys a newer version wrote

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: object = "lockfile") -> "LockDocument":
        """``source`` names the file in the one-line error a malformed entry gives."""
        from .file import LockfileError

        entries = {}
        for name, raw in (data.get("assistants") or {}).items():
            try:
                entries[str(name)] = LockEntry.from_dict(raw)
            except (TypeError, ValueError, KeyError, AttributeError) as exc:
                raise LockfileError(f"{source}: entry {name!r} is malformed ({exc}); restore the file from "
                                    "git, or delete it to rebuild it from the account's markers") from None
        extra = {k: v for k, v in data.items() if k not in ("version", "project", "environment", "assistants")}
        return cls(str(data.get("project") or ""), str(data.get("environment") or ""), entries, extra)

    def to_dict(self) -> dict[str, Any]:
        from .file import LOCK_VERSION

        return {**self.extra, "version": LOCK_VERSION, "project": self.project, "environment": self.environment,
                "assistants": entries_to_dict(self.entries)}

    def get(self, name: str) -> LockEntry:
        """The entry for ``name``, or an empty one (not added)."""
        return self.entries.get(name) or LockEntry()

    def remember_usage(self, usage: Mapping[str, Mapping[str, Any]]) -> bool:
        """Record stores seen agreeing with their entries (``Plan.store_usage``); True if any is new."""
        changed = False
        for name, seen in usage.items():
            entry = self.entries.get(name)
            if entry is not None and entry.vector_store_id == seen.get("vector_store_id") and entry.store_usage != seen:
                entry.store_usage = dict(seen)
                changed = True
        return changed

    def repair(self, repairs: Mapping[str, Mapping[str, Any]]) -> None:
        """Record what a plan found on the account by its markers and the lockfile lacks or has
        wrong (``Plan.lock_repairs``; ``None`` removes a key whose object is gone)."""
        for name, repair in repairs.items():
            entry = self.get(name).merged(repair)
            if entry.is_empty():
                self.entries.pop(name, None)
            else:
                self.entries[name] = entry


def found_by_markers(repairs: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The names whose lock repair records objects the markers found (or forgets gone ones), not
    only a refreshed ``applied`` digest (the account found as the manifest asks: nothing to tell) or
    the sessions' environment (the manifest's, which the plan tells on its own)."""
    return sorted(name for name, repair in repairs.items() if set(repair) - {"applied", "environment"})


def usage_record(store_id: str, usage_bytes: int | None, file_count: int) -> dict[str, Any]:
    """What ``store_usage`` holds: a vector store's id, ``usage_bytes`` and usable file count. On
    api.openai.com ``usage_bytes`` is the processed size (chunks, embeddings), not the files' own:
    only a value seen on the store itself can be compared with it."""
    return {"vector_store_id": store_id, "usage_bytes": usage_bytes, "file_count": file_count}


def entries_to_dict(entries: Mapping[str, LockEntry]) -> dict[str, dict[str, Any]]:
    return {name: entry.to_dict() for name, entry in entries.items() if not entry.is_empty()}


def read_document(path: "Path | str", project: str, environment: str) -> LockDocument:
    """The lockfile at ``path`` (an empty one when there is none); ``LockfileError`` names the file."""
    from .file import read_lock

    return LockDocument.from_dict(read_lock(path, project, environment), path)


def write_document(path: "Path | str", lock: LockDocument) -> None:
    from .file import write_lock

    write_lock(path, lock.to_dict())
