"""The Agents platform around a deployed agent, API-neutral: vault credentials and automations.

Under ``api: agents`` an MCP tool whose secret comes from the environment (``authorization_from_env``,
or ``transport.headers_from_env: {Authorization: VAR}``) gets a credential in the project's vault,
one per manifest and server label, and the agent's tool names it by ``credential_id``. The tool in
a spec names it by :data:`VAULT_REF` instead (both sides of a diff), so the agent is compared
without the credential's id, which only exists after apply; the credential itself is compared on
its own (:func:`credential_specs`). Secrets are write-only: nothing here holds a value, only the
variable's name; :func:`secret_value` reads it at the moment a credential is created or rotated.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

VAULT_REF = "(this project's vault credential)"
VAULT_NAME = "~vault"  # the vault's marker name: never a manifest's (names start with a letter or digit)
ENV_KEY = "asst-deploy-env"  # credential metadata: where its secret came from (a variable's name, never a value)
REVISION_KEY = "asst-deploy-revision"  # credential metadata: the manifest's revision when it was last sent
AUTHORIZATION = "authorization_from_env"
HEADER = "headers_from_env.Authorization"
NO_ENVIRONMENT: dict[str, Any] = {"type": "none"}


def part_key(name: str, label: str) -> str:
    """The marker name of a manifest's credential or automation: ``manifest:label`` (a manifest
    name holds no ``:``)."""
    return f"{name}:{label}"


def split_key(key: str) -> tuple[str, str] | None:
    name, sep, label = key.partition(":")
    return (name, label) if sep and name and label else None


def _secret_source(tool: Mapping[str, Any]) -> tuple[str, str] | None:
    """(how, variable) of an MCP tool's secret from the environment, or None."""
    if tool.get("authorization_from_env"):
        return AUTHORIZATION, str(tool["authorization_from_env"])
    headers = (tool.get("transport") or {}).get("headers_from_env") or {}
    for header, env in headers.items():
        if header.lower() == "authorization":
            return HEADER, str(env)
    return None


def credential_specs(tools: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    """The vault credentials a manifest's tools need, as the planner compares them."""
    out = []
    for tool in tools:
        source = _secret_source(tool) if tool.get("type") == "mcp" else None
        if source is None:
            continue
        out.append({"label": str(tool["server_label"]), "type": "static_bearer",
                    "mcp_server_url": (tool.get("transport") or {}).get("server_url"),
                    "from": source[0], "env": source[1], "revision": int(tool.get("revision") or 0)})
    return tuple(out)


def vault_tools(tools: Iterable[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    """The tools with each environment secret replaced by ``credential_id: VAULT_REF``."""
    out: list[Mapping[str, Any]] = []
    for tool in tools:
        if tool.get("type") != "mcp" or _secret_source(tool) is None:
            out.append(tool)
            continue
        kept = {k: v for k, v in tool.items() if k not in ("authorization_from_env", "revision")}
        transport = dict(kept.get("transport") or {})
        transport.pop("headers_from_env", None)
        kept["transport"] = transport
        kept["credential_id"] = VAULT_REF
        out.append(kept)
    return tuple(out)


class MissingSecret(LookupError):
    """A credential's variable is unset where apply runs."""


def secret_value(credential: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> str:
    """The secret a credential is sent with, read now from its variable; a header's ``Bearer``
    scheme is left out (a static_bearer credential holds the token alone)."""
    environ = os.environ if environ is None else environ
    value = environ.get(credential["env"]) or ""
    if credential["from"] == HEADER and value[:7].lower() == "bearer ":
        value = value[7:]
    if not value.strip():
        raise MissingSecret(credential["env"])
    return value.strip()


def credential_view(credential: Mapping[str, Any]) -> dict[str, Any]:
    """What a plan shows and compares of a credential: never a value, nor anything derived from one."""
    return {"type": credential["type"], "mcp_server_url": credential["mcp_server_url"],
            "secret_from": credential["from"], "env": credential["env"], "revision": credential["revision"]}


def at_text(value: Any) -> str:
    """A one-time automation's moment as the plan shows it: ISO 8601 in UTC."""
    if isinstance(value, (int, float)):
        moment = datetime.fromtimestamp(value, timezone.utc)
    else:
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def at_seconds(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp())


def automation_view(automation: Mapping[str, Any]) -> dict[str, Any]:
    """What a plan shows and compares of an automation (its name is its address)."""
    out: dict[str, Any] = {}
    if automation.get("cron"):
        out.update(cron=automation["cron"], timezone=automation.get("timezone"))
    else:
        out["at"] = automation["at"]
    out.update(input=automation["input"], enabled=automation.get("enabled", True) is not False)
    return out
