"""Reads the Agents platform's owned objects (vaults, credentials, automations) into ``Observed``.

Only what carries this project's and environment's marker is read: the vault by its marker name
(``agent_platform.VAULT_NAME``), each credential and automation by ``manifest:label``. An agent's
MCP tool that names one of its own credentials is then shown as naming ``VAULT_REF``, as the
manifest's side is, so a plan compares the agent without the credential's id.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..agent_environment import WRITTEN_KEY
from ..agent_platform import (
    AUTHORIZATION, ENV_KEY, ENV_KEYS, REVISION_KEY, VAULT_NAME, WRITTEN, at_text, automation_view, split_key,
)
from ..backends.platform import AgentPlatform
from ..ownership import Owner
from .observed import ObservedPart, ObservedVault

Platform = tuple[tuple[ObservedVault, ...], tuple[ObservedPart, ...], tuple[ObservedPart, ...]]


def observe_platform(platform: AgentPlatform, owner: Owner) -> Platform:
    """This project's vaults, their credentials that are its own, and its automations."""
    vaults = tuple(ObservedVault(str(v["id"]), int(v.get("created_at") or 0)) for v in platform.list_vaults()
                   if owner.owns(v.get("metadata")) == VAULT_NAME)
    credentials = tuple(part for vault in vaults for item in platform.list_credentials(vault.id)
                        if (part := _credential(item, vault.id, owner)) is not None)
    automations = tuple(part for item in platform.list_automations() if (part := _automation(item, owner)) is not None)
    return vaults, credentials, automations


def _owned(item: Mapping[str, Any], owner: Owner) -> tuple[str, str] | None:
    key = owner.owns(item.get("metadata"))
    return split_key(key) if key else None


def _credential(item: Mapping[str, Any], vault_id: str, owner: Owner) -> ObservedPart | None:
    owned = _owned(item, owner)
    if owned is None:
        return None
    auth, metadata = item.get("auth") or {}, item.get("metadata") or {}
    how, _, env = str(metadata.get(ENV_KEY) or f"{AUTHORIZATION}:").partition(":")
    revision = str(metadata.get(REVISION_KEY) or "0")
    view: dict[str, Any] = {"type": auth.get("type"), "mcp_server_url": auth.get("mcp_server_url"), "secret_from": how, "env": env,
            "revision": int(revision) if revision.isdigit() else revision, **_more(auth, metadata)}
    view = {k: v for k, v in view.items() if v is not None}
    return ObservedPart(str(item["id"]), owned[0], owned[1], view, int(item.get("created_at") or 0), vault_id=vault_id)


def _more(auth: Mapping[str, Any], metadata: Mapping[str, Any]) -> dict[str, Any]:
    """What an mcp_oauth or environment_variable credential shows besides the common fields."""
    out: dict[str, Any] = {}
    if auth.get("type") == "mcp_oauth":
        refresh = auth.get("refresh") or {}
        out = {"client_id": refresh.get("client_id"), "token_endpoint": refresh.get("token_endpoint"),
               "token_endpoint_auth": (refresh.get("token_endpoint_auth") or {}).get("type"),
               "scope": refresh.get("scope"), "resource": refresh.get("resource"),
               **{key: metadata.get(meta) for key, meta in ENV_KEYS.items()}}
    elif auth.get("type") == "environment_variable":
        networking = auth.get("networking") or {}
        out = {"secret_name": auth.get("secret_name"),
               "allowed_hosts": sorted(networking.get("allowed_hosts") or ()) or None}
    return {k: v for k, v in out.items() if v is not None}


def _automation(item: Mapping[str, Any], owner: Owner) -> ObservedPart | None:
    owned = _owned(item, owner)
    if owned is None:
        return None
    target = item.get("target") or {}
    messages = target.get("input") or [{}]
    text = next((c.get("text") for c in messages[0].get("content") or () if c.get("type") == "input_text"), None)
    schedule = ({"cron": item.get("expression"), "timezone": item.get("timezone")} if item.get("type") == "periodic"
                else {"at": at_text(int(item.get("run_at") or 0))})
    view = automation_view({**schedule, "input": text, "enabled": item.get("status") != "paused",
                            "environment": target.get("environment")})
    view.pop(WRITTEN, None)  # never read back: judged by the digest apply recorded with what it sent
    if (item.get("metadata") or {}).get(WRITTEN_KEY):
        view[WRITTEN] = str(item["metadata"][WRITTEN_KEY])
    return ObservedPart(str(item["id"]), owned[0], owned[1], view, int(item.get("created_at") or 0),
                        agent_id=target.get("agent_id"), vault_ids=tuple(target.get("vault_ids") or ()))
