"""What apply does, as typed operations (after alembic's ``ops``): one class per kind of request.

A plan's ``changes`` say what differs, for people; its ``operations`` say what apply will send,
in which order, for the applier. ``compile.py`` turns the first into the second (a pure
function), and the applier dispatches on the operation's type, so nothing is parsed back out of
display strings. Every operation has a ``key`` (unique in a plan) and the keys it waits for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, ClassVar, Mapping, Union

from ..spec import AssistantSpec, Kind

# Phases, in order: renamed manifests move; creates and updates; then deletes of assistants and
# stores; then of files. A step starts only once every step of an earlier phase has finished.
MOVES, WRITES, DELETES, FILE_DELETES = 0, 1, 2, 3
PHASES = (MOVES, WRITES, DELETES, FILE_DELETES)


def _payload(default: Any = None) -> Any:
    """A field apply acts on that the plan's JSON leaves out: bound from the manifests
    (``compile.bind``), which a saved plan's fingerprints prove unchanged since it was made. ``None``:
    not bound yet (the applier refuses such an operation). Keeping it out of the JSON keeps saved
    plans readable by every version."""
    return field(default=default, compare=False, repr=False, metadata={"payload": True})


def payload_fields(op: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields(op) if f.metadata.get("payload"))


class _Step:
    """What every operation has besides its fields: a phase, and the keys it waits for (none by default)."""

    phase: ClassVar[int] = WRITES


    @property
    def deps(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class MoveManifest(_Step):
    """``renamed_from``: mark the old name's vector stores, vault credentials and automations with
    the new name (metadata only: no secret is sent) and move its lock entry.

    The assistant's own marker changes with its update (its metadata), in the writes phase."""

    name: str
    old: str
    stores: tuple[str, ...] = ()
    entry: bool = False
    credentials: tuple[tuple[str, str], ...] = ()  # (vault id, credential id)
    automations: tuple[str, ...] = ()
    op: ClassVar[str] = "move_manifest"
    phase: ClassVar[int] = MOVES

    @property
    def key(self) -> str:
        return f"move:{self.name}"


@dataclass(frozen=True)
class UploadFile(_Step):
    """Upload one local file (by content) and name it in the lockfile at once."""

    name: str  # the manifest that lists it
    role: str  # "files" (retrieval) or "code_interpreter_files"
    path: str  # project-relative
    sha256: str
    size: int = 0
    op: ClassVar[str] = "upload_file"

    @property
    def key(self) -> str:
        return f"upload:{self.sha256}"


@dataclass(frozen=True)
class CreateStore(_Step):
    """Create the manifest's vector store, marked as ours."""

    name: str
    expires_after: dict[str, Any] | None = None  # the manifest's vector_store.expires_after
    op: ClassVar[str] = "create_store"

    @property
    def key(self) -> str:
        return f"store:{self.name}"


@dataclass(frozen=True)
class FileRef:
    """One file as an operation uses it: where it lives in the project, and which object holds it."""

    path: str
    sha256: str
    file_id: str | None = None  # None: the object ``UploadFile(sha256)`` creates in this apply
    attributes: tuple[tuple[str, Any], ...] = ()  # the manifest's own vector-store attributes (retrieval files)

    @property
    def upload_key(self) -> str | None:
        return None if self.file_id else f"upload:{self.sha256}"


@dataclass(frozen=True)
class Detach:
    """A store member to remove; ``forget``: its path leaves the lockfile (not just its object)."""

    path: str
    file_id: str | None
    forget: bool


@dataclass(frozen=True)
class SyncStore(_Step):
    """Attach files to the store, wait for processing, then detach the ones it no longer lists.

    ``reattach``: members detached first and attached again, to be chunked by a changed
    ``chunking_strategy`` (the one every attach uses); ``retag``: members whose attributes change."""

    name: str
    attach: tuple[FileRef, ...] = ()
    detach: tuple[Detach, ...] = ()
    creates_store: bool = False  # the store itself is created by this apply
    reattach: tuple[FileRef, ...] = ()
    retag: tuple[FileRef, ...] = ()
    chunking_strategy: dict[str, Any] | None = None  # None: auto
    listed: frozenset[str] | None = _payload()  # the paths the manifest lists: their members stay
    op: ClassVar[str] = "sync_store"

    @property
    def key(self) -> str:
        return f"attach:{self.name}"

    @property
    def deps(self) -> frozenset[str]:
        uploads = {ref.upload_key for ref in self.attach if ref.upload_key}
        return frozenset(uploads | ({f"store:{self.name}"} if self.creates_store else set()))


@dataclass(frozen=True)
class SetStoreExpiry(_Step):
    """The store's ``expires_after`` (``None``: it never expires)."""

    name: str
    store_id: str
    expires_after: dict[str, Any] | None = None
    op: ClassVar[str] = "set_store_expiry"

    @property
    def key(self) -> str:
        return f"expiry:{self.name}"


@dataclass(frozen=True)
class PutAssistant(_Step):
    """Create or update the assistant, agent or Responses settings, with its tool resources."""

    name: str
    kind: Kind
    create: bool
    object_id: str | None  # the object an update acts on (None under api: responses)
    changed: frozenset[str] = frozenset()  # spec fields an update sends
    code_interpreter_files: tuple[FileRef, ...] = ()  # changed or added ones
    code_interpreter_removed: tuple[str, ...] = ()  # paths no longer listed
    waits_for: frozenset[str] = frozenset()  # uploads, store creation and sync of the same manifest
    spec: AssistantSpec | None = _payload()  # what is sent
    applied: str | None = _payload()  # the lockfile's ``applied`` digest of ``spec``, made by the planner's rule
    op: ClassVar[str] = "put_assistant"

    @property
    def key(self) -> str:
        return f"assistant:{self.name}"

    @property
    def deps(self) -> frozenset[str]:
        return self.waits_for


@dataclass(frozen=True)
class DeleteAssistant(_Step):
    """Delete an assistant or agent (or forget a Responses entry, which has no server object)."""

    name: str
    kind: Kind
    object_id: str | None
    manifest_kept: bool | None = _payload()  # False: the manifest is gone, and so are its attachments
    op: ClassVar[str] = "delete_assistant"
    phase: ClassVar[int] = DELETES

    @property
    def key(self) -> str:
        return f"delete-assistant:{self.name}:{self.object_id}"


@dataclass(frozen=True)
class DeleteStore(_Step):
    """Delete a vector store; in the delete phase, so the assistant has let go of it already."""

    name: str
    store_id: str
    op: ClassVar[str] = "delete_store"
    phase: ClassVar[int] = DELETES

    @property
    def key(self) -> str:
        return f"delete-store:{self.store_id}"


@dataclass(frozen=True)
class DeleteFile(_Step):
    """Delete a file object no manifest uses any more (last, once nothing refers to it)."""

    file_id: str
    name: str  # the manifest it belonged to, or "-"
    path: str | None
    op: ClassVar[str] = "delete_file"
    phase: ClassVar[int] = FILE_DELETES

    @property
    def key(self) -> str:
        return f"delete-file:{self.file_id}"


@dataclass(frozen=True)
class CreateVault(_Step):
    """Create the project's vault (api: agents), named at once in the entries of ``names``."""

    name: str  # project/environment
    names: tuple[str, ...] = ()  # the manifests whose credentials it holds
    op: ClassVar[str] = "create_vault"

    @property
    def key(self) -> str:
        return "vault"


@dataclass(frozen=True)
class DeleteVault(_Step):
    """Delete the project's vault (its credentials go with it): last, once nothing names them."""

    name: str
    vault_id: str
    op: ClassVar[str] = "delete_vault"
    phase: ClassVar[int] = FILE_DELETES

    @property
    def key(self) -> str:
        return f"delete-vault:{self.vault_id}"


@dataclass(frozen=True)
class PutCredential(_Step):
    """Create a vault credential, or rotate one in place: its secret read from the environment now."""

    name: str
    label: str  # the MCP server's label
    create: bool
    credential_id: str | None = None
    vault_id: str | None = None  # None: the vault ``CreateVault`` makes in this apply
    credential: Mapping[str, Any] | None = _payload()  # agent_platform.credential_specs' entry (no secret)
    op: ClassVar[str] = "put_credential"

    @property
    def key(self) -> str:
        return f"credential:{self.name}:{self.label}"

    @property
    def deps(self) -> frozenset[str]:
        return frozenset({"vault"}) if self.vault_id is None else frozenset()


@dataclass(frozen=True)
class DeleteCredential(_Step):
    """Delete a vault credential, after the agent's update has let go of it."""

    name: str
    label: str
    credential_id: str
    vault_id: str
    op: ClassVar[str] = "delete_credential"
    phase: ClassVar[int] = DELETES

    @property
    def key(self) -> str:
        return f"delete-credential:{self.credential_id}"


@dataclass(frozen=True)
class PutAutomation(_Step):
    """Create an automation running the agent, or update it in place (``changed``: view keys)."""

    name: str
    label: str  # the automation's name
    create: bool
    automation_id: str | None = None
    changed: frozenset[str] = frozenset()
    automation: Mapping[str, Any] | None = _payload()  # the manifest's automation (spec.automations' entry)
    attach_vault: bool | None = _payload()  # the agent's credentials are in the project's vault
    op: ClassVar[str] = "put_automation"

    @property
    def key(self) -> str:
        return f"automation:{self.name}:{self.label}"

    @property
    def deps(self) -> frozenset[str]:  # the agent's id and the vault's, when this apply makes them
        return frozenset({f"assistant:{self.name}", "vault"})


@dataclass(frozen=True)
class DeleteAutomation(_Step):
    """Delete an automation: before the agent it runs is deleted."""

    name: str
    label: str
    automation_id: str
    op: ClassVar[str] = "delete_automation"

    @property
    def key(self) -> str:
        return f"delete-automation:{self.automation_id}"


Operation = Union[MoveManifest, UploadFile, CreateStore, SyncStore, SetStoreExpiry, PutAssistant, DeleteAssistant,
                  DeleteStore, DeleteFile, CreateVault, DeleteVault, PutCredential, DeleteCredential, PutAutomation,
                  DeleteAutomation]
OPERATION_TYPES: dict[str, type] = {cls.op: cls for cls in (
    MoveManifest, UploadFile, CreateStore, SyncStore, SetStoreExpiry, PutAssistant, DeleteAssistant, DeleteStore,
    DeleteFile, CreateVault, DeleteVault, PutCredential, DeleteCredential, PutAutomation, DeleteAutomation)}


def operation_to_json(op: Operation) -> dict[str, Any]:
    unbound = payload_fields(op)
    step: Any = op
    cleared = replace(step, **dict.fromkeys(unbound))  # not copied by asdict only to be dropped
    doc = {"op": op.op, **{k: v for k, v in asdict(cleared).items() if k not in unbound}}
    for key, value in doc.items():
        if isinstance(value, frozenset):
            doc[key] = sorted(value)
        elif isinstance(value, Kind):
            doc[key] = value.value
    return doc


def operation_from_json(doc: Mapping[str, Any]) -> Operation:
    values = {k: v for k, v in doc.items() if k != "op"}
    cls = OPERATION_TYPES[doc["op"]]
    if "kind" in values:
        values["kind"] = Kind(values["kind"])
    for key in ("changed", "waits_for"):
        if key in values:
            values[key] = frozenset(values[key])
    for key in ("attach", "code_interpreter_files", "reattach", "retag"):
        if key in values:
            values[key] = tuple(FileRef(**{**ref, "attributes": tuple(tuple(pair) for pair in ref.get("attributes") or ())})
                                for ref in values[key])
    if "detach" in values:
        values["detach"] = tuple(Detach(**item) for item in values["detach"])
    if "credentials" in values:
        values["credentials"] = tuple(tuple(pair) for pair in values["credentials"])
    for key in ("stores", "names", "automations", "code_interpreter_removed"):
        if key in values:
            values[key] = tuple(values[key])
    op: Operation = cls(**values)
    return op
