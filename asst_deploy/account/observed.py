"""What the account holds that is ours: the ``Observed`` value the planner compares against.

Types, and ``with_vault_refs`` (how an agent's own credentials are read, used when observing and
again when a rename folds in). ``observe.py`` fills them from a backend; the planner reads them;
neither this module nor the planner knows any API's object shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Mapping

from ..agent_platform import VAULT_REF
from ..spec import AssistantSpec, Kind


@dataclass(frozen=True)
class ObservedAssistant:
    """An owned assistant (or agent) on the account, mapped back to a spec by its backend."""

    id: str
    name: str  # the manifest name its marker records
    spec: AssistantSpec
    vector_store_ids: tuple[str, ...] = ()
    code_interpreter_file_ids: tuple[str, ...] = ()
    created_at: int = 0
    kind: Kind = Kind.ASSISTANT  # which API holds it (api migrations see both)


@dataclass(frozen=True)
class StoreFile:
    """A file's membership of a vector store, with the attributes we gave it."""

    file_id: str
    path: str | None
    sha256: str | None
    status: str = "completed"
    attributes: tuple[tuple[str, object], ...] = ()  # the manifest's own, besides path and sha256
    chunking_strategy: Mapping[str, Any] | None = field(default=None, compare=False)  # as the API reports it


@dataclass(frozen=True)
class ObservedVectorStore:
    id: str
    name: str  # the manifest name its marker records
    file_count: int  # file_counts.total minus failed/cancelled
    files: tuple[StoreFile, ...] | None = None  # None: not listed (the counts agreed with the lock)
    created_at: int = 0
    usage_bytes: int | None = None
    expires_after: dict[str, object] | None = None  # {anchor, days}, as the API shows it
    expired: bool = False


@dataclass(frozen=True)
class ObservedFile:
    id: str
    sha256: str  # from the uploaded filename
    filename: str
    bytes: int = 0


@dataclass(frozen=True)
class ObservedVault:
    """The project's vault (api: agents), found by its marker."""

    id: str
    created_at: int = 0


@dataclass(frozen=True)
class ObservedPart:
    """An owned vault credential or automation: whose (manifest name) and which (server label or
    automation name), and its comparable view (``agent_platform.credential_view``/``automation_view``)."""

    id: str
    name: str
    label: str
    view: Mapping[str, Any]
    created_at: int = 0
    vault_id: str | None = None  # a credential's vault
    agent_id: str | None = None  # an automation's target agent
    vault_ids: tuple[str, ...] = ()  # an automation's attached vaults


@dataclass(frozen=True)
class Observed:
    """Everything owned by this project and environment, and nothing else."""

    assistants: tuple[ObservedAssistant, ...] = ()
    vector_stores: tuple[ObservedVectorStore, ...] = ()
    files: tuple[ObservedFile, ...] = ()
    gone: frozenset[str] = field(default_factory=frozenset)  # APIs that answered 404 (sunset): not listed
    dead_leases: tuple[str, ...] = ()  # this project's account leases whose apply died (account/lease.py)
    vaults: tuple[ObservedVault, ...] = ()  # api: agents
    credentials: tuple[ObservedPart, ...] = ()
    automations: tuple[ObservedPart, ...] = ()

    def fingerprint(self) -> str:
        """A digest of what was observed, so a saved plan can tell the account moved on."""
        import hashlib
        import json

        rows = sorted(
            [("a", a.id, a.name, json.dumps(a.spec.comparable(), sort_keys=True), a.vector_store_ids,
              a.code_interpreter_file_ids) for a in self.assistants]
            + [("v", v.id, v.name, v.file_count) for v in self.vector_stores]
            + [("f", f.id, f.sha256) for f in self.files]
            + [("w", w.id) for w in self.vaults]
            + [("p", p.id, p.name, p.label, json.dumps(p.view, sort_keys=True), p.agent_id, p.vault_ids)
               for p in (*self.credentials, *self.automations)],
            key=repr,
        )
        return hashlib.sha256(repr(rows).encode()).hexdigest()


def with_vault_refs(assistants: Iterable[ObservedAssistant], credentials: Iterable[ObservedPart]) -> list[ObservedAssistant]:
    """The agents with each MCP tool naming its own manifest's credential shown as ``VAULT_REF``."""
    own = {(c.name, c.label, c.id) for c in credentials}
    out = []
    for agent in assistants:
        tools = tuple({**tool, "credential_id": VAULT_REF}
                      if (agent.name, tool.get("server_label"), tool.get("credential_id")) in own else tool
                      for tool in agent.spec.tools)
        out.append(replace(agent, spec=replace(agent.spec, tools=tools)) if tools != agent.spec.tools else agent)
    return out
