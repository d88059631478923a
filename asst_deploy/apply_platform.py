"""Carrying out the Agents platform's operations: the vault, its credentials, the automations.

Each step names what it made in the lockfile at once (the vault in the entries of the manifests
it serves, a credential or automation in its manifest's entry), so a stop leaves nothing unnamed
that the next plan cannot find by its marker. A credential's secret is read from its variable at
the moment it is sent, handed to the request body and to nothing else: no event, message or
lockfile key ever holds it.
"""

from __future__ import annotations

import threading
from typing import Any, Callable, Iterable, Mapping

from .agent_environment import WRITTEN_KEY, written
from .agent_platform import (
    ENV_KEY, ENV_KEYS, NO_ENVIRONMENT, REVISION_KEY, SECRET_ENVS, VAULT_NAME, WRITTEN, MissingSecret, at_seconds,
    auth_body, part_key, secret_value,
)
from .backends.platform import AgentPlatform
from .errors import AsstDeployError
from .lock.entry import LockEntry
from .lock.writer import LockState
from .ownership import MARKER_KEY, Owner
from .plan.types import Action, Change
from .spec import Kind
from .plan.ops import (
    CreateVault, DeleteAutomation, DeleteCredential, DeleteVault, MoveManifest, PutAutomation, PutCredential,
)

Done = tuple[str, "str | None"]


class PlatformSteps:
    """The handlers of the platform's operations, for the ``Applier``."""

    def __init__(self, platform: Callable[[], AgentPlatform], owner: Owner, state: LockState) -> None:
        self._platform = platform
        self.owner = owner
        self.state = state
        self.vault_id: str | None = None  # made by this apply
        self._lock = threading.Lock()

    def handlers(self) -> dict[type, Callable[[Any], Done]]:
        return {CreateVault: self.create_vault, DeleteVault: self.delete_vault, PutCredential: self.put_credential,
                DeleteCredential: self.delete_credential, PutAutomation: self.put_automation,
                DeleteAutomation: self.delete_automation}

    @property
    def platform(self) -> AgentPlatform:
        return self._platform()

    def move_parts(self, op: MoveManifest) -> None:
        """``renamed_from``: the old name's credentials and automations are marked with the new
        name in place (their ids, secret and schedule stay), before the lock entry moves."""
        old, new = self.owner.marker(part_key(op.old, "")), self.owner.marker(part_key(op.name, ""))
        for vault_id, credential_id in op.credentials:
            self.platform.remark_credential(vault_id, credential_id, MARKER_KEY, old, new)
        for automation_id in op.automations:
            self.platform.remark_automation(automation_id, MARKER_KEY, old, new)

    # -- the vault and its credentials ------------------------------------------------------------
    def create_vault(self, op: CreateVault) -> Done:
        vault_id = self.platform.create_vault(f"asst-deploy {op.name}", {MARKER_KEY: self.owner.marker(VAULT_NAME)})
        self.vault_id = vault_id
        for name in op.names:  # named at once: a stop before its credentials leaves no orphan
            self.state.update(name, lambda entry: setattr(entry, "vault_id", vault_id))
        return f"created vault.{op.name} ({vault_id})", vault_id

    def delete_vault(self, op: DeleteVault) -> Done:
        self.platform.delete_vault(op.vault_id)

        def forget(entry: LockEntry) -> None:
            if entry.vault_id == op.vault_id:
                entry.vault_id = None
                entry.credentials = {}  # deleted with their vault

        self.state.update_all(forget)
        return f"deleted vault.{op.name} ({op.vault_id})", op.vault_id

    def _vault(self, op: PutCredential) -> str:
        vault_id = op.vault_id or self.vault_id or self.state.get(op.name).vault_id
        if not vault_id:
            raise AsstDeployError(f"internal: no vault for {op.key}; run plan again")
        return vault_id

    def put_credential(self, op: PutCredential) -> Done:
        credential = _bound(op.key, op.credential)
        try:
            auth = auth_body(credential, op.create)
        except MissingSecret as exc:
            raise AsstDeployError(missing_secret(op.name, op.label, str(exc))) from None
        vault_id = self._vault(op)
        metadata = {MARKER_KEY: self.owner.marker(part_key(op.name, op.label)),
                    ENV_KEY: f"{credential['from']}:{credential['env']}", REVISION_KEY: str(credential["revision"]),
                    **{meta: credential[key] for key, meta in ENV_KEYS.items() if credential.get(key)}}
        if op.create:
            credential_id = self.platform.create_credential(vault_id, f"{op.name} {op.label}"[:256], auth, metadata)
        else:
            credential_id = str(op.credential_id)
            self.platform.rotate_credential(vault_id, credential_id, auth, metadata)
        del auth

        def record(entry: LockEntry) -> None:
            entry.credentials[op.label] = credential_id
            entry.vault_id = vault_id

        self.state.update(op.name, record)
        verb = "created" if op.create else "rotated"
        return f"{verb} credential.{op.name}:{op.label} ({credential_id}) from {credential['env']}", credential_id

    def delete_credential(self, op: DeleteCredential) -> Done:
        self.platform.delete_credential(op.vault_id, op.credential_id)

        def forget(entry: LockEntry) -> None:
            if entry.credentials.get(op.label) == op.credential_id:
                entry.credentials.pop(op.label)
            if not entry.credentials:
                entry.vault_id = None  # the vault is named by the entries whose credentials it holds

        self.state.update(op.name, forget)
        return f"deleted credential.{op.name}:{op.label} ({op.credential_id})", op.credential_id

    # -- automations ------------------------------------------------------------------------------
    def _target(self, op: PutAutomation) -> dict[str, Any]:
        automation = _bound(op.key, op.automation)
        entry = self.state.get(op.name)
        if not entry.id:
            raise AsstDeployError(f"internal: {op.key}: the agent of {op.name} is not in the lockfile")
        vaults = [entry.vault_id] if op.attach_vault and entry.vault_id else []
        return {"type": "new_session", "agent_id": entry.id, "vault_ids": vaults, "environment": dict(automation.get("environment") or NO_ENVIRONMENT),
                "input": [{"type": "message", "role": "user",
                           "content": [{"type": "input_text", "text": automation["input"]}]}]}

    def put_automation(self, op: PutAutomation) -> Done:
        automation = _bound(op.key, op.automation)
        target = self._target(op)
        schedule = _schedule(automation)
        digest = written(target["environment"])
        if op.create:
            body = {**schedule, "name": op.label, "target": target, "metadata": {
                MARKER_KEY: self.owner.marker(part_key(op.name, op.label)), **({WRITTEN_KEY: digest} if digest else {})}}
            automation_id = self.platform.create_automation(body)
            self.state.update(op.name, lambda entry: entry.automations.__setitem__(op.label, automation_id))
        else:
            automation_id = str(op.automation_id)
            sent = {k: v for k, v in schedule.items() if k != "type" and _sends(op.changed, k)}
            if op.changed & {"input", "agent", "vaults", "environment", WRITTEN}:
                sent["target"] = target
                sent["metadata"] = self._written(automation_id, digest)  # in the same update: moves only with it
            if sent:
                self.platform.update_automation(automation_id, sent)
        enabled = automation.get("enabled", True) is not False
        if (op.create and not enabled) or "enabled" in op.changed:
            self.platform.set_paused(automation_id, not enabled)
        verb = "created" if op.create else "updated"
        return f"{verb} automation.{op.name}:{op.label} ({automation_id})", automation_id

    def _written(self, automation_id: str, digest: str | None) -> dict[str, str]:
        """The automation's metadata (an update replaces it whole) recording the write-only digest sent."""
        metadata = {k: v for k, v in self.platform.automation_metadata(automation_id).items() if k != WRITTEN_KEY}
        return {**metadata, WRITTEN_KEY: digest} if digest else metadata

    def delete_automation(self, op: DeleteAutomation) -> Done:
        self.platform.delete_automation(op.automation_id)

        def forget(entry: LockEntry) -> None:
            if entry.automations.get(op.label) == op.automation_id:
                entry.automations.pop(op.label)

        self.state.update(op.name, forget)
        return f"deleted automation.{op.name}:{op.label} ({op.automation_id})", op.automation_id


_SENT_FOR = {"expression": ("cron",), "timezone": ("timezone", "cron"), "run_at": ("at",)}


def _sends(changed: frozenset[str], key: str) -> bool:
    return bool(changed & set(_SENT_FOR.get(key, ())))


def _schedule(automation: Mapping[str, Any]) -> dict[str, Any]:
    if automation.get("cron"):
        return {"type": "periodic", "expression": automation["cron"], "timezone": automation["timezone"]}
    return {"type": "once", "run_at": at_seconds(automation["at"])}


def unset_variables(changes: Iterable[Change]) -> list[tuple[str, str, str]]:
    """(manifest, label, variable) of each variable a credential's create or rotation reads that is
    unset (or empty) here."""
    missing = []
    for change in changes:
        after = change.after or {}
        if change.type is Kind.CREDENTIAL and change.action in (Action.CREATE, Action.UPDATE):
            for key in (k for k in SECRET_ENVS if after.get(k)):
                try:
                    secret_value({"from": after.get("secret_from"), key: after[key]}, key)
                except MissingSecret:
                    missing.append((change.name, change.path or "", str(after[key])))
    return missing


def missing_secret(name: str, label: str, env: str) -> str:
    return (f"credential.{name}:{label}: the environment variable {env} is not set (or empty) here; apply sends "
            f"its value to the vault credential {label!r}: set {env} and run apply again "
            "(asst-deploy never stores its value)")


def _bound(key: str, value: Any) -> Any:
    if value is None:
        raise AsstDeployError(f"internal: {key} is not bound to its manifest")
    return value
