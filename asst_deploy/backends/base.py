"""The small protocol every target API implements, and the neutral records it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Protocol

from ..spec import AssistantSpec, Capabilities, Capable, Defaults, Kind


@dataclass(frozen=True)
class Resources:
    """What an assistant's tools point at, resolved to ids at apply time."""

    vector_store_id: str | None = None
    code_interpreter_file_ids: tuple[str, ...] = ()
    credential_ids: Mapping[str, str] = field(default_factory=dict)  # agents: MCP server label -> vault credential


@dataclass(frozen=True)
class RemoteAssistant:
    """An assistant or agent as listed, before the ownership filter."""

    id: str
    metadata: Mapping[str, str]
    spec: AssistantSpec  # name is "" until the marker is read
    vector_store_ids: tuple[str, ...] = ()
    code_interpreter_file_ids: tuple[str, ...] = ()
    created_at: int = 0


@dataclass(frozen=True)
class RemoteStore:
    id: str
    metadata: Mapping[str, str]
    usable_files: int  # completed + in progress: what the lock should account for
    usage_bytes: int | None = None  # what the API says the store holds
    created_at: int = 0
    expires_after: Mapping[str, Any] | None = None  # {anchor, days}: the store's expiry policy
    expired: bool = False  # it expired: file_search finds nothing in it any more


@dataclass(frozen=True)
class RemoteFile:
    id: str
    filename: str
    bytes: int = 0
    created_at: int = 0


@dataclass(frozen=True)
class Deployed:
    """What the lockfile should remember about a deployed assistant."""

    id: str | None  # None: no server object (api: responses)
    reasoning_effort: str | None = None  # sent, but the API never shows it back
    responses: Mapping[str, Any] | None = None  # api: responses: kwargs for client.responses.create
    spec: Mapping[str, Any] | None = None  # api: responses: the comparable spec, for the next plan
    settings: Mapping[str, Any] | None = None  # agents: settings the API fills in when unset, as sent
    responses_env: list[dict[str, Any]] | None = None  # api: responses: secrets the kwargs take from the environment


class Target(Protocol):
    """One API an assistant can become: Assistants, Agents, or Responses settings."""

    capabilities: Capabilities

    @property
    def kind(self) -> Kind: ...

    @property
    def api(self) -> str: ...

    @property
    def defaults(self) -> Defaults: ...

    def canonical(self, spec: AssistantSpec) -> AssistantSpec:
        """Strip what this API fills in by itself; applied to both sides before a diff."""

    def list(self, keep: Callable[[Mapping[str, Any]], bool] | None = None) -> list[RemoteAssistant]:
        """The API's objects (only those whose metadata ``keep`` accepts, when given)."""

    def create(self, spec: AssistantSpec, metadata: Mapping[str, str], resources: Resources) -> Deployed: ...

    def update(self, object_id: str | None, spec: AssistantSpec, changed: frozenset[str],
               metadata: Mapping[str, str], resources: Resources) -> Deployed: ...

    def delete(self, object_id: str) -> None: ...

    def retrieve(self, object_id: str) -> RemoteAssistant:
        """One object by id, whoever owns it; an ApiError naming the id when there is none."""

    def adopt(self, object_id: str, metadata: Mapping[str, str]) -> None:
        """Set an existing object's metadata (``import``): the only field sent, nothing else changes."""
