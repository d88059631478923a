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

from .agent_environment import readable, written

VAULT_REF = "(this project's vault credential)"
VAULT_NAME = "~vault"  # the vault's marker name: never a manifest's (names start with a letter or digit)
ENV_KEY = "asst-deploy-env"  # credential metadata: where its secret came from (a variable's name, never a value)
# credential metadata: an mcp_oauth credential's other variables (names only)
ENV_KEYS = {"refresh_env": "asst-deploy-env-refresh", "client_secret_env": "asst-deploy-env-client-secret"}
SANDBOX = "secrets"  # where an environment_variable credential's value comes from: the manifest's secrets
REVISION_KEY = "asst-deploy-revision"  # credential metadata: the manifest's revision when it was last sent
AUTHORIZATION = "authorization_from_env"
HEADER = "headers_from_env.Authorization"
NO_ENVIRONMENT: dict[str, Any] = {"type": "none"}
WRITTEN = "environment_write_only"  # an automation view's digest of its environment's write-only parts


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
        credential = {"label": str(tool["server_label"]), "type": "static_bearer",
                      "mcp_server_url": (tool.get("transport") or {}).get("server_url"),
                      "from": source[0], "env": source[1], "revision": int(tool.get("revision") or 0)}
        oauth = tool.get("oauth")
        if oauth:
            credential.update(type="mcp_oauth", **_oauth(oauth))
        out.append(credential)
    return tuple(out)


def _oauth(oauth: Mapping[str, Any]) -> dict[str, Any]:
    secret = oauth.get("client_secret_from_env")
    fields = {"client_id": oauth["client_id"], "token_endpoint": oauth["token_endpoint"],
              "token_endpoint_auth": oauth.get("token_endpoint_auth") or ("client_secret_post" if secret else "none"),
              "scope": oauth.get("scope"), "resource": oauth.get("resource"),
              "refresh_env": oauth["refresh_token_from_env"], "client_secret_env": secret}
    return {k: v for k, v in fields.items() if v is not None}


def sandbox_credentials(secrets: Iterable[Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    """The environment_variable credentials of a manifest's ``secrets`` (OpenAI-hosted environments)."""
    out = []
    for secret in secrets:
        credential = {"label": f"env:{secret['name']}", "type": "environment_variable", "secret_name": secret["name"],
                      "from": SANDBOX, "env": secret["from_env"], "revision": int(secret.get("revision") or 0)}
        if secret.get("allowed_hosts"):
            credential["allowed_hosts"] = sorted({h.lower() for h in secret["allowed_hosts"]})
        out.append(credential)
    return tuple(out)


def vault_tools(tools: Iterable[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    """The tools with each environment secret replaced by ``credential_id: VAULT_REF``."""
    out: list[Mapping[str, Any]] = []
    for tool in tools:
        if tool.get("type") != "mcp" or _secret_source(tool) is None:
            out.append(tool)
            continue
        kept = {k: v for k, v in tool.items() if k not in ("authorization_from_env", "revision", "oauth")}
        transport = dict(kept.get("transport") or {})
        transport.pop("headers_from_env", None)
        kept["transport"] = transport
        kept["credential_id"] = VAULT_REF
        out.append(kept)
    return tuple(out)


class MissingSecret(LookupError):
    """A credential's variable is unset where apply runs."""


def secret_value(credential: Mapping[str, Any], key: str = "env", environ: Mapping[str, str] | None = None) -> str:
    """The secret a credential is sent with, read now from its variable (``key``: which of its
    variables); a header's ``Bearer`` scheme is left out (the credential holds the token alone)."""
    environ = os.environ if environ is None else environ
    value = environ.get(credential[key]) or ""
    if key == "env" and credential["from"] == HEADER and value[:7].lower() == "bearer ":
        value = value[7:]
    if not value.strip():
        raise MissingSecret(credential[key])
    return value.strip()


SECRET_ENVS = ("env", "refresh_env", "client_secret_env")


def credential_view(credential: Mapping[str, Any]) -> dict[str, Any]:
    """What a plan shows and compares of a credential: never a value, nor anything derived from one."""
    return {"secret_from" if k == "from" else k: v for k, v in credential.items() if k != "label" and v is not None}


def auth_body(credential: Mapping[str, Any], create: bool) -> dict[str, Any]:
    """The ``auth`` of a credential's create (or, ``create=False``, its rotation), secrets read now."""
    kind = credential["type"]
    if kind == "environment_variable":
        auth: dict[str, Any] = {"type": kind, "secret_value": secret_value(credential)}
        if create:
            hosts = credential.get("allowed_hosts")
            auth.update(secret_name=credential["secret_name"],
                        networking={"type": "limited", "allowed_hosts": list(hosts)} if hosts else {"type": "unrestricted"})
        return auth
    token = secret_value(credential)
    if kind == "static_bearer":
        return {"type": kind, "token": token, **({"mcp_server_url": credential["mcp_server_url"]} if create else {})}
    method = credential["token_endpoint_auth"]
    endpoint: dict[str, Any] = {"type": method}
    if method != "none":
        endpoint["client_secret"] = secret_value(credential, "client_secret_env")
    refresh: dict[str, Any] = {"refresh_token": secret_value(credential, "refresh_env"), "scope": credential.get("scope")}
    if create:
        refresh.update(client_id=credential["client_id"], token_endpoint=credential["token_endpoint"],
                       token_endpoint_auth=endpoint, **({"resource": credential["resource"]}
                                                        if credential.get("resource") else {}))
        refresh = {k: v for k, v in refresh.items() if v is not None}
        return {"type": kind, "access_token": token, "mcp_server_url": credential["mcp_server_url"], "refresh": refresh}
    if method != "none":
        refresh["token_endpoint_auth"] = endpoint
    return {"type": kind, "access_token": token, "refresh": refresh}


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
    environment = automation.get("environment") or NO_ENVIRONMENT
    out["environment"] = readable(environment)  # as the API reads it back
    if (digest := written(environment)) is not None:
        out[WRITTEN] = digest  # what it never reads back: the observed side has apply's record of it
    return out
