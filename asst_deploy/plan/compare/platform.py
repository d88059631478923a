"""The Agents platform around the agents (api: agents): the project's vault, each manifest's vault
credentials and automations. Created when missing, changed in place where the API allows
(credentials rotate, automations update, pause and resume), replaced where it does not (a
credential's server URL, an automation's kind of schedule), deleted when no manifest wants them.

Secrets are write-only: a credential is compared by where its secret comes from (the variable's
name), the server it authorizes and the manifest's ``revision``; a changed value is sent only
when asked (``revision``, ``--rotate-credentials``), and the plan says which.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from ...account.observed import ObservedPart, ObservedVault
from ...lock.entry import LockEntry
from ...agent_platform import NO_ENVIRONMENT, VAULT_REF, automation_view, credential_view
from ...spec import AssistantSpec, Kind
from ..types import Action, Change, FieldDiff
from .context import Context, Current, Findings
from .values import leaf_diffs

NEW_VAULT = "(new vault, known after apply)"
THIS_AGENT = "(this agent)"
THIS_VAULT = "(this project's vault)"
# what the API cannot change in place: a credential's method and what it is for; an automation's kind of schedule
_REPLACED_BY = {Kind.CREDENTIAL: ("type", "mcp_server_url", "client_id", "token_endpoint", "token_endpoint_auth",
                                  "resource", "secret_name", "allowed_hosts"), Kind.AUTOMATION: ("cron", "at")}
_WHAT = {Kind.CREDENTIAL: "credential", Kind.AUTOMATION: "automation"}


@dataclass(frozen=True)
class Vault:
    """The vault this plan leads to: its id (None: created by this apply, or none wanted)."""

    id: str | None
    wanted: bool

    @property
    def shown(self) -> str | None:
        return (self.id or NEW_VAULT) if self.wanted else None


def vault_name(ctx: Context) -> str:
    return f"{ctx.desired.project}/{ctx.desired.environment}"


def compare_vault(ctx: Context) -> tuple[Vault, list[Change]]:
    """One vault per project and environment while some agent's manifest needs a credential."""
    needed = ctx.desired.api == "agents" and any(spec.credentials for spec in ctx.specs.values())  # --target or not: the vault is everyone's
    needing = sorted(name for name, spec in ctx.specs.items() if spec.credentials and ctx.wanted(name))
    locked = {entry.vault_id for entry in ctx.entries.values() if entry.vault_id}
    vaults = sorted(ctx.observed.vaults, key=lambda v: (v.id not in locked, v.created_at, v.id))
    keep: ObservedVault | None = vaults[0] if vaults and needed else None
    changes = []
    for extra in vaults[1:] if keep else vaults:
        reason = (TWIN if keep else DESTROYED if ctx.desired.destroy
                  else "no manifest's MCP server takes a secret from the environment any more")
        changes.append(Change(Kind.VAULT, vault_name(ctx), Action.DELETE, id=extra.id,
                              before={"vault_id": extra.id}, reason=reason))
    if needing and keep is None:
        changes.append(Change(Kind.VAULT, vault_name(ctx), Action.CREATE, after={"for": needing},
                              reason="holds the vault credentials of this project and environment's agents"))
    return Vault(keep.id if keep else None, needed), changes


TWIN = "a second vault carrying this project's marker (left by an interrupted apply): deleted"
DESTROYED = "asst-deploy destroy: everything this project and environment own is destroyed"


def compare_parts(ctx: Context, findings: Findings, name: str, spec: AssistantSpec | None, now: Current,
                  vault: Vault) -> list[Change]:
    """The manifest's credentials, then its automations."""
    creds = {c["label"]: {**credential_view(c), "vault_id": vault.shown}
             for c in (spec.credentials if spec and ctx.desired.api == "agents" else ())}
    agent_id = now.assistant.id if now.assistant else None
    autos = {a["name"]: {**automation_view(a), "agent": THIS_AGENT,
                         "vaults": [THIS_VAULT] if spec is not None and spec.credentials else []}
             for a in (spec.automations if spec else ())}

    def seen_auto(part: ObservedPart) -> dict[str, Any]:
        return {**part.view, "agent": THIS_AGENT if agent_id and part.agent_id == agent_id else part.agent_id,
                "vaults": [THIS_VAULT] if vault.id and part.vault_ids == (vault.id,) else list(part.vault_ids)}

    entry = ctx.entry(name)
    found_creds, found_autos = ctx.credentials.get(name, []), ctx.automations.get(name, [])
    changes, kept_creds = _compare_kind(ctx, name, Kind.CREDENTIAL, creds, found_creds, entry.credentials,
                                        lambda p: {**p.view, "vault_id": p.vault_id})
    more, kept_autos = _compare_kind(ctx, name, Kind.AUTOMATION, autos, found_autos, entry.automations, seen_auto)
    if ctx.desired.api == "agents" or found_creds or found_autos or entry.credentials or entry.automations:
        held = _repair(findings, name, entry.credentials, kept_creds, found_creds, "credentials")
        _repair(findings, name, entry.automations, kept_autos, found_autos, "automations")
        vault_id = {p.vault_id for p in found_creds if p.id in held.values() and p.vault_id}
        if entry.vault_id not in vault_id:
            if vault_id or entry.vault_id:
                findings.repairs.setdefault(name, {})["vault_id"] = min(vault_id) if vault_id else None
    _environment(findings, name, entry, spec)
    return changes + more


def _environment(findings: Findings, name: str, entry: LockEntry, spec: AssistantSpec | None) -> None:
    """The sessions' environment lives only in the lockfile (``session_kwargs``): a changed one is
    recorded there by apply, and said. A new agent's entry gets it when the agent is created."""
    want = dict(spec.environment) if spec is not None and spec.environment else None
    if entry.id and spec is not None and (entry.environment or None) != want:
        findings.repairs.setdefault(name, {})["environment"] = want
        before, after = (entry.environment or NO_ENVIRONMENT)["type"], (want or NO_ENVIRONMENT)["type"]
        findings.notes.append(f"{name}: the environment session_kwargs returns changes ({before} -> {after}"
                              f"{', settings differ' if before == after else ''}): apply records it in the lockfile")


NEW_CREDENTIAL = "(new credential, known after apply)"


def relink(ctx: Context, spec: AssistantSpec | None, now: Current, changes: list[Change]) -> list[Change]:
    """An existing agent whose MCP server gets a new credential (one replaced, or lost) is updated so
    that its tool names the new one, even when nothing else of the tool changed: left as it was, it
    would name a deleted credential."""
    agent = now.assistant
    tools = {c["label"] for c in (spec.credentials if spec else ()) if c["type"] != "environment_variable"}
    made = {c.path for c in changes if c.type is Kind.CREDENTIAL and c.action is Action.CREATE and c.path in tools}
    if agent is None or spec is None or not made:
        return changes
    update = next((c for c in changes if c.type is ctx.desired.kind and c.action is Action.UPDATE), None)
    if update is not None and any(f.root == "tools" for f in update.fields):
        return changes  # the tools are sent anyway, each naming its credential's id as apply finds it
    old = {p.label: p.id for p in ctx.credentials.get(spec.name, ())}
    diffs = tuple(FieldDiff(f"tools[mcp {label}].credential_id", old.get(label, VAULT_REF), NEW_CREDENTIAL, "tools")
                  for label in sorted(str(label) for label in made))
    if update is None:
        update = Change(ctx.desired.kind, spec.name, Action.UPDATE, id=agent.id, before=agent.spec.comparable(),
                        after=spec.comparable(), reason="its MCP server's credential is replaced: the tool names the "
                        "new one")
        return [*changes, replace(update, fields=diffs)]
    return [replace(c, fields=c.fields + diffs) if c is update else c for c in changes]


def say_moved(ctx: Context, name: str, changes: list[Change]) -> list[Change]:
    """A renamed agent's change says which of its credentials and automations move with it: the
    ones this plan neither deletes nor replaces."""
    move = ctx.moves.get(name)
    said = move.keeping(changes).parts_kept() if move is not None else ""
    if not said:
        return changes
    return [replace(c, reason=f"{c.reason}{said}") if c.type is ctx.desired.kind and c.action is Action.UPDATE
            else c for c in changes]


def _repair(findings: Findings, name: str, locked: Mapping[str, str], kept: Mapping[str, str],
            found: Sequence[ObservedPart], key: str) -> dict[str, str]:
    """What the lockfile should name (label -> id): every one of the manifest's parts the markers
    found (a kill between a create and its lockfile write), and none that is gone (between a delete
    and its write). Kept parts win; a part about to be deleted stays named until it is."""
    ids = {p.id for p in found}
    held = {label: part_id for label, part_id in locked.items() if part_id in ids}
    for part in found:
        held.setdefault(part.label, part.id)
    held.update(kept)
    if held != dict(locked):
        findings.repairs.setdefault(name, {})[key] = held or None
    return held


def _compare_kind(ctx: Context, name: str, kind: Kind, wanted: Mapping[str, Mapping[str, Any]],
                  found: list[ObservedPart], locked: Mapping[str, str],
                  seen: Any) -> tuple[list[Change], dict[str, str]]:
    """Changes for one kind of part, and the ids kept (label -> id)."""
    by_label: dict[str, list[ObservedPart]] = {}
    for part in sorted(found, key=lambda p: (p.id != locked.get(p.label), p.created_at, p.id)):
        by_label.setdefault(part.label, []).append(part)
    changes: list[Change] = []
    kept: dict[str, str] = {}
    for label in sorted(set(wanted) | set(by_label)):
        have = by_label.get(label, [])
        for twin in have[1:]:
            changes.append(_delete(kind, name, label, twin, seen(twin), f"a second {_WHAT[kind]} carrying this "
                                   "marker (left by an interrupted apply): deleted"))
        want = wanted.get(label)
        if not have:
            if want is not None:
                changes.append(_create(ctx, kind, name, label, want))
            continue
        part, before = have[0], seen(have[0])
        if want is None:
            changes.append(_delete(kind, name, label, part, before, _gone_reason(ctx, kind)))
        elif any(before.get(k) != want.get(k) for k in _REPLACED_BY[kind]) and _replaced(kind, before, want):
            changes.append(_delete(kind, name, label, part, before, _replace_reason(kind)))
            changes.append(_create(ctx, kind, name, label, want))
        else:
            kept[label] = part.id
            update = _update(ctx, kind, name, label, part, before, want)
            if update is not None:
                changes.append(update)
    return changes, kept


def _replaced(kind: Kind, before: Mapping[str, Any], want: Mapping[str, Any]) -> bool:
    if kind is Kind.CREDENTIAL:
        return True  # its method and server URL cannot change
    return ("cron" in before) != ("cron" in want)  # periodic <-> once: the API keeps an automation's type


def _replace_reason(kind: Kind) -> str:
    if kind is Kind.CREDENTIAL:
        return ("a credential's method, server and OAuth client cannot change: it is replaced by a new one "
                "(its secret sent again)")
    return "an automation keeps its kind of schedule (cron or at): it is replaced by a new one"


def _gone_reason(ctx: Context, kind: Kind) -> str:
    if ctx.desired.destroy:
        return DESTROYED
    if kind is Kind.CREDENTIAL and ctx.desired.api != "agents":
        return f"api: {ctx.desired.api} takes MCP secrets from the environment at call time: the vault credential goes"
    return f"no longer in the manifest: the {_WHAT[kind]} is deleted"


def _create(ctx: Context, kind: Kind, name: str, label: str, want: Mapping[str, Any]) -> Change:
    reason = (f"apply sends the value of {want['env']} (write-only: never shown, never stored here)"
              if kind is Kind.CREDENTIAL else "a new session of the agent at each run")
    return Change(kind, name, Action.CREATE, path=label, after=dict(want), reason=reason)


def _delete(kind: Kind, name: str, label: str, part: ObservedPart, before: Mapping[str, Any], reason: str) -> Change:
    return Change(kind, name, Action.DELETE, id=part.id, path=label, before=dict(before), reason=reason)


def _update(ctx: Context, kind: Kind, name: str, label: str, part: ObservedPart, before: Mapping[str, Any],
            want: Mapping[str, Any]) -> Change | None:
    diffs = [d for key in want if key != "vault_id" and before.get(key) != want.get(key)
             for d in leaf_diffs(key, before.get(key), want.get(key))]
    reason = "the manifest changed, or it was changed outside asst-deploy"
    if kind is Kind.CREDENTIAL:
        if ctx.desired.rotate_credentials:
            diffs.append(FieldDiff("secret", "(write-only)", f"(sent again from {want['env']}: --rotate-credentials)",
                                   "secret"))
        elif diffs:
            diffs.append(FieldDiff("secret", "(write-only)", f"(sent again from {want['env']})", "secret"))
        reason = "rotated in place: the secret is sent again, from the variable named below"
    if not diffs:
        return None
    return Change(kind, name, Action.UPDATE, id=part.id, path=label, before=dict(before), after=dict(want),
                  fields=tuple(diffs), reason=reason)
