"""``/v1/vaults`` and ``/v1/vaults/{vault_id}/credentials`` (beta Agents API, ``OpenAI-Beta: agents=v1``).

A vault holds credentials that agents' MCP tools name by ``credential_id`` and that sessions and
automations attach by ``vault_ids``. Secrets are write-only, as on the real API: the stored
document keeps them apart (``secret``) and no answer ever renders them; a credential's ``auth``
shows only its type and non-secret settings. An update rotates the secret of the credential's
existing method (its type cannot change, nor its server URL); deleting a vault deletes its
credentials. Lists filter on ``metadata[key]=value`` and page like every list.
"""

from __future__ import annotations

from typing import Any

from . import ids
from .errors import invalid, not_found
from .pagination import envelope, list_params
from .resources import Resource
from .routing import Request, Router
from .sdk_shapes import Limit, SdkBody
from .shapes import metadata_limits, require_beta
from .store import Row

router = Router()

_HTTPS = Limit(min_len=1, pattern=r"https://\S+", pattern_hint=" (an HTTPS URL)")
_SECRET = Limit(min_len=1)
_VALUE = Limit(min_len=1, pattern=r"[^\r\n\x00]+", pattern_hint=" (no carriage returns, newlines or NUL bytes)")
_VAULT = {"name": Limit(max_len=256), **metadata_limits("metadata")}
VAULT_CREATE = SdkBody("openai.types.beta.agents.vault_create_params:VaultCreateParams", _VAULT)
VAULT_UPDATE = SdkBody("openai.types.beta.agents.vault_update_params:VaultUpdateParams", _VAULT)
CREDENTIAL_CREATE = SdkBody("openai.types.beta.agents.vaults.credential_create_params:CredentialCreateParams", {
    "name": Limit(max_len=256),
    **metadata_limits("metadata"),
    **{f"auth.{key}": _SECRET for key in ("token", "access_token", "refresh.refresh_token",
                                          "refresh.token_endpoint_auth.client_secret")},
    "auth.mcp_server_url": _HTTPS,
    "auth.refresh.token_endpoint": _HTTPS,
    "auth.networking.allowed_hosts": Limit(max_items=16, min_items=1),
    "auth.networking.allowed_hosts[]": Limit(min_len=1),
    "auth.secret_name": Limit(min_len=1, pattern=r"[A-Za-z_][A-Za-z0-9_]*"),
    "auth.secret_value": _VALUE,
})
CREDENTIAL_UPDATE = SdkBody("openai.types.beta.agents.vaults.credential_update_params:CredentialUpdateParams", {
    **metadata_limits("metadata"),
    "auth.token": _SECRET,
    "auth.secret_value": _VALUE,
}, path_params=("vault_id",))
# what a credential's auth keeps in its answers: everything but these
SECRET_KEYS = ("token", "access_token", "secret_value", "refresh_token", "client_secret")


def _public(value: Any) -> Any:
    """``value`` without any write-only secret, at any depth."""
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if k not in SECRET_KEYS}
    return value


def _trimmed(name: str | None, param: str) -> str | None:
    if name is None:
        return None
    name = name.strip()
    if not 1 <= len(name.encode("utf-8")) <= 256:
        raise invalid(f"Invalid '{param}': the name must contain 1 to 256 UTF-8 bytes after trimming.", param,
                      "invalid_value")
    return name


def _render_vault(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    return {"id": row.id, "object": "vault", "created_at": row.created_at, "name": doc.get("name"),
            "metadata": doc.get("metadata") or {}}


def _auth_view(auth: dict[str, Any]) -> dict[str, Any]:
    kind = auth["type"]
    out = _public(auth)
    if kind == "mcp_oauth":
        out.setdefault("expires_at", None)
        refresh = out.get("refresh")
        if refresh:
            out["refresh"] = {"resource": None, "scope": None, **refresh}
        else:
            out["refresh"] = None
    return out


def _render_credential(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    return {"id": row.id, "object": "vault.credential", "vault_id": row.parent, "created_at": row.created_at,
            "updated_at": doc["updated_at"], "name": doc["name"], "metadata": doc.get("metadata") or {},
            "auth": _auth_view(doc["auth"])}


VAULTS = Resource("vault", _render_vault, lambda id, _p: not_found(f"No vault found with id '{id}'."))
CREDENTIALS = Resource("vault.credential", _render_credential,
                       lambda id, parent: not_found(f"No credential found with id '{id}' in vault '{parent}'."))


def _beta(req: Request) -> None:
    require_beta(req, "agents=v1", "Agents")


def _filtered_page(req: Request, resource: Resource, parent: str = "") -> dict[str, Any]:
    """A list page whose items carry every ``metadata[key]=value`` pair asked for.

    ``status`` is accepted and, as no vault or credential here is ever archived, changes nothing."""
    wanted = {key[len("metadata["):-1]: value for key, value in req.query_items
              if key.startswith("metadata[") and key.endswith("]")}
    if len(wanted) > 16:
        raise invalid("Invalid 'metadata': at most 16 pairs.", "metadata", "invalid_value")
    req.query_items = [(k, v) for k, v in req.query_items if not k.startswith("metadata[")]
    params = list_params(req, before=False, extra=("status", "status[]"))
    if not wanted:
        return resource.page(req, params, parent=parent)
    rows = [row for row in req.store.rows(resource.kind, parent)
            if all((row.doc.get("metadata") or {}).get(k) == v for k, v in wanted.items())]
    if params.order == "desc":
        rows.reverse()
    if params.after is not None:
        at = next((i for i, row in enumerate(rows) if row.id == params.after), None)
        if at is None:
            raise invalid(f"Invalid 'after': no object found with id '{params.after}'.", "after", "invalid_value")
        rows = rows[at + 1:]
    return envelope([resource.render(req, row) for row in rows[:params.limit]], len(rows) > params.limit)


@router.route("POST", "/v1/vaults")
def create_vault(req: Request) -> dict[str, Any]:
    _beta(req)
    body = req.body_as(VAULT_CREATE)
    doc = {"name": _trimmed(body.get("name"), "name"), "metadata": body.get("metadata") or {}}
    vid = ids.vault_id()
    req.store.insert("vault", vid, doc, created_at=req.created_at)
    return VAULTS.get(req, vid)


@router.route("GET", "/v1/vaults")
def list_vaults(req: Request) -> dict[str, Any]:
    _beta(req)
    return _filtered_page(req, VAULTS)


@router.route("GET", "/v1/vaults/{vault_id}")
def retrieve_vault(req: Request) -> dict[str, Any]:
    _beta(req)
    return VAULTS.get(req, req.params["vault_id"])


@router.route("POST", "/v1/vaults/{vault_id}")
def update_vault(req: Request) -> dict[str, Any]:
    _beta(req)
    row = VAULTS.row(req, req.params["vault_id"])
    body = req.body_as(VAULT_UPDATE)
    doc = dict(row.doc)
    if "metadata" in body:
        doc["metadata"] = body["metadata"] or {}
    if "name" in body:
        doc["name"] = _trimmed(body["name"], "name")
    return _render_vault(req, req.store.update(row, doc))


@router.route("DELETE", "/v1/vaults/{vault_id}")
def delete_vault(req: Request) -> dict[str, Any]:
    _beta(req)
    vid = req.params["vault_id"]
    VAULTS.delete(req, vid)
    req.store.delete_children(vid)
    return {"id": vid, "object": "vault.deleted", "deleted": True}


@router.route("POST", "/v1/vaults/{vault_id}/credentials")
def create_credential(req: Request) -> dict[str, Any]:
    _beta(req)
    vid = VAULTS.row(req, req.params["vault_id"]).id
    body = req.body_as(CREDENTIAL_CREATE)
    doc = {"name": _trimmed(body["name"], "name"), "metadata": body.get("metadata") or {}, "auth": body["auth"],
           "updated_at": req.created_at}
    cid = ids.credential_id()
    req.store.insert("vault.credential", cid, doc, parent=vid, created_at=req.created_at)
    return CREDENTIALS.get(req, cid, vid)


@router.route("GET", "/v1/vaults/{vault_id}/credentials")
def list_credentials(req: Request) -> dict[str, Any]:
    _beta(req)
    vid = VAULTS.row(req, req.params["vault_id"]).id
    return _filtered_page(req, CREDENTIALS, vid)


@router.route("GET", "/v1/vaults/{vault_id}/credentials/{credential_id}")
def retrieve_credential(req: Request) -> dict[str, Any]:
    _beta(req)
    return CREDENTIALS.get(req, req.params["credential_id"], VAULTS.row(req, req.params["vault_id"]).id)


def _rotated(auth: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """The stored auth with the rotation's values; its method and server URL stay."""
    if change["type"] != auth["type"]:
        raise invalid(f"Invalid 'auth.type': the credential's method is '{auth['type']}' and cannot change.",
                      "auth.type", "invalid_value")
    out = dict(auth)
    for key, value in change.items():
        if key == "refresh" and isinstance(value, dict) and isinstance(out.get("refresh"), dict):
            refresh = dict(out["refresh"])
            refresh.update({k: v for k, v in value.items() if v is not None or k == "scope"})
            out["refresh"] = refresh
        elif value is not None:
            out[key] = value
    if change["type"] == "mcp_oauth" and change.get("access_token") and "expires_at" not in change:
        out["expires_at"] = None  # a new token without an expiry clears the old one
    return out


@router.route("POST", "/v1/vaults/{vault_id}/credentials/{credential_id}")
def update_credential(req: Request) -> dict[str, Any]:
    _beta(req)
    row = CREDENTIALS.row(req, req.params["credential_id"], VAULTS.row(req, req.params["vault_id"]).id)
    body = req.body_as(CREDENTIAL_UPDATE)
    doc = dict(row.doc)
    if "metadata" in body:
        doc["metadata"] = body["metadata"] or {}
    if "auth" in body:
        doc["auth"] = _rotated(doc["auth"], body["auth"])
    doc["updated_at"] = req.created_at
    return _render_credential(req, req.store.update(row, doc))


@router.route("DELETE", "/v1/vaults/{vault_id}/credentials/{credential_id}")
def delete_credential(req: Request) -> dict[str, Any]:
    _beta(req)
    vid = VAULTS.row(req, req.params["vault_id"]).id
    cid = req.params["credential_id"]
    CREDENTIALS.delete(req, cid, vid)
    return {"id": cid, "object": "vault.credential.deleted", "deleted": True}
