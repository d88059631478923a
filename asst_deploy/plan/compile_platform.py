"""Changes to the Agents platform (vault, credentials, automations) become operations.

Kept apart from ``compile.py``'s stores and files; the same rules hold: each change once, a
stable order, every operation bound later to what it acts on (``bind_part``). An agent waits for
its manifest's credentials (its tools name their ids); an automation waits for its agent and the
vault (their ids are in its target).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Mapping

from ..errors import AsstDeployError
from ..spec import AssistantSpec, Kind
from .ops import (
    CreateVault, DeleteAutomation, DeleteCredential, DeleteVault, Operation, PutAssistant, PutAutomation, PutCredential,
)
from .types import Action, Change

PLATFORM_KINDS = (Kind.VAULT, Kind.CREDENTIAL, Kind.AUTOMATION)


def platform_operations(changes: Iterable[Change]) -> list[Operation]:
    ops: list[Operation] = []
    for change in changes:
        if change.type not in PLATFORM_KINDS:
            continue
        label = change.path or ""
        before, after = change.before or {}, change.after or {}
        if change.type is Kind.VAULT:
            ops.append(CreateVault(change.name, tuple(after.get("for") or ())) if change.action is Action.CREATE
                       else DeleteVault(change.name, _id(change)))
        elif change.type is Kind.CREDENTIAL and change.action is Action.DELETE:
            ops.append(DeleteCredential(change.name, label, _id(change), str(before.get("vault_id"))))
        elif change.type is Kind.CREDENTIAL:
            vault = before.get("vault_id") or after.get("vault_id")
            ops.append(PutCredential(change.name, label, create=change.action is Action.CREATE, credential_id=change.id,
                                     vault_id=vault if isinstance(vault, str) and not vault.startswith("(") else None))
        elif change.action is Action.DELETE:
            ops.append(DeleteAutomation(change.name, label, _id(change)))
        else:
            ops.append(PutAutomation(change.name, label, create=change.action is Action.CREATE,
                                     automation_id=change.id, changed=frozenset(f.root for f in change.fields)))
    return ops


def wait_for_credentials(ops: Mapping[str, Operation]) -> dict[str, Operation]:
    """Each agent's create or update waits for its manifest's credentials (its tools name their ids)."""
    credentials: dict[str, set[str]] = {}
    for op in ops.values():
        if isinstance(op, PutCredential):
            credentials.setdefault(op.name, set()).add(op.key)
    return {key: replace(op, waits_for=op.waits_for | credentials[op.name])
            if isinstance(op, PutAssistant) and op.name in credentials else op for key, op in ops.items()}


def bind_part(op: Operation, spec: AssistantSpec | None) -> Operation:
    """A credential's or automation's operation with the manifest's declaration it sends."""
    if isinstance(op, PutCredential):
        return replace(op, credential=_declared(op, spec, spec.credentials if spec else (), "label"))
    if isinstance(op, PutAutomation):
        return replace(op, automation=_declared(op, spec, spec.automations if spec else (), "name"),
                       attach_vault=bool(spec and spec.credentials))
    return op


def _declared(op: PutCredential | PutAutomation, spec: AssistantSpec | None,
              items: Iterable[Mapping[str, Any]], key: str) -> Mapping[str, Any]:
    found = next((item for item in items if item.get(key) == op.label), None)
    if found is None:
        raise AsstDeployError(f"internal: {op.key} has no declaration in the manifest of {op.name}")
    return found


def _id(change: Change) -> str:
    if change.id is None:
        raise AsstDeployError(f"internal: {change.address} has no id")
    return change.id
