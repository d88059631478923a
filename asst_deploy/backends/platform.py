"""The Agents platform's objects around an agent: the project's vault, its credentials, automations.

Plain dicts in and out, as the other backends (collection.py): ``client.beta.agents.vaults`` would
build typed objects only to take them apart. Creates go through ``JsonCollection.create`` (sent
again after a timeout only if nothing carries the body's ownership marker), deletes of what is
gone already succeed, so a rerun after a kill converges. A credential's secret is in the body of
exactly two requests (create, rotate) and in no error message: a refused request names the
credential, never its body.
"""

from __future__ import annotations

from typing import Any, Mapping

from .api import Api, path
from .collection import JsonCollection
from .errors import api_error, is_not_found

BETA = "agents=v1"


class AgentPlatform:
    def __init__(self, client: Api) -> None:
        self.client = client
        self.vaults = JsonCollection(client, "/vaults", beta=BETA)
        self.automations_api = JsonCollection(client, "/agents/automations", beta=BETA)

    def _credentials(self, vault_id: str) -> JsonCollection:
        return JsonCollection(self.client, path("/vaults/{id}/credentials", id=vault_id), beta=BETA)

    # -- reading -----------------------------------------------------------------------------------
    def list_vaults(self) -> list[dict[str, Any]]:
        try:
            return list(self.vaults.list())
        except Exception as exc:
            raise api_error(exc, "list vaults") from exc

    def list_credentials(self, vault_id: str) -> list[dict[str, Any]]:
        """The vault's credentials; none when the vault is gone (deleted since it was listed)."""
        try:
            return list(self._credentials(vault_id).list())
        except Exception as exc:
            if is_not_found(exc):
                return []
            raise api_error(exc, f"list the credentials of vault {vault_id}") from exc

    def list_automations(self) -> list[dict[str, Any]]:
        try:
            return list(self.automations_api.list())
        except Exception as exc:
            raise api_error(exc, "list automations") from exc

    # -- writing -----------------------------------------------------------------------------------
    def create_vault(self, name: str, metadata: Mapping[str, str]) -> str:
        try:
            return str(self.vaults.create({"name": name, "metadata": dict(metadata)})["id"])
        except Exception as exc:
            raise api_error(exc, f"create vault {name}") from exc

    def delete_vault(self, vault_id: str) -> None:
        self._delete(self.vaults, vault_id, f"delete vault {vault_id}")

    def create_credential(self, vault_id: str, name: str, auth: Mapping[str, Any], metadata: Mapping[str, str]) -> str:
        try:
            made = self._credentials(vault_id).create({"name": name, "auth": dict(auth), "metadata": dict(metadata)})
        except Exception as exc:
            raise _secretless(exc, f"create credential {name!r} in vault {vault_id}") from None
        return str(made["id"])

    def rotate_credential(self, vault_id: str, credential_id: str, auth: Mapping[str, Any],
                          metadata: Mapping[str, str]) -> None:
        try:
            self._credentials(vault_id).update(credential_id, {"auth": dict(auth), "metadata": dict(metadata)})
        except Exception as exc:
            raise _secretless(exc, f"rotate credential {credential_id} in vault {vault_id}") from None

    def remark_credential(self, vault_id: str, credential_id: str, key: str, old: str, new: str) -> None:
        """A credential's metadata ``key`` starting ``old`` starts ``new`` instead, its other keys
        kept; its auth (the secret) is not sent."""
        self._remark(self._credentials(vault_id), credential_id, (key, old, new), f"credential {credential_id}")

    def remark_automation(self, automation_id: str, key: str, old: str, new: str) -> None:
        self._remark(self.automations_api, automation_id, (key, old, new), f"automation {automation_id}")

    @staticmethod
    def _remark(objects: JsonCollection, object_id: str, change: tuple[str, str, str], what: str) -> None:
        """An update replaces all metadata: read first, so other keys stay. An object gone, or whose
        key does not start ``old`` (re-marked already), is left as it is."""
        key, old, new = change
        try:
            metadata = dict(objects.retrieve(object_id).get("metadata") or {})
            value = str(metadata.get(key) or "")
            if value.startswith(old):
                objects.update(object_id, {"metadata": {**metadata, key: new + value[len(old):]}})
        except Exception as exc:
            if is_not_found(exc):
                return
            raise api_error(exc, f"re-mark {what}") from exc

    def delete_credential(self, vault_id: str, credential_id: str) -> None:
        self._delete(self._credentials(vault_id), credential_id, f"delete credential {credential_id}")

    def create_automation(self, body: Mapping[str, Any]) -> str:
        try:
            return str(self.automations_api.create(body)["id"])
        except Exception as exc:
            raise api_error(exc, f"create automation {body.get('name')!r}") from exc

    def automation_metadata(self, automation_id: str) -> dict[str, str]:
        try:
            return {str(k): str(v) for k, v in (self.automations_api.retrieve(automation_id).get("metadata") or {}).items()}
        except Exception as exc:
            raise api_error(exc, f"read automation {automation_id}") from exc

    def update_automation(self, automation_id: str, body: Mapping[str, Any]) -> None:
        try:
            self.automations_api.update(automation_id, body)
        except Exception as exc:
            raise api_error(exc, f"update automation {automation_id}") from exc

    def set_paused(self, automation_id: str, paused: bool) -> None:
        verb = "pause" if paused else "resume"
        try:
            self.client.post(path("/agents/automations/{id}/" + verb, id=automation_id), {},
                             headers={"OpenAI-Beta": BETA})
        except Exception as exc:
            raise api_error(exc, f"{verb} automation {automation_id}") from exc

    def delete_automation(self, automation_id: str) -> None:
        self._delete(self.automations_api, automation_id, f"delete automation {automation_id}")

    @staticmethod
    def _delete(objects: JsonCollection, object_id: str, what: str) -> None:
        try:
            objects.delete(object_id)
        except Exception as exc:
            if is_not_found(exc):  # already gone: a rerun after a crash must converge
                return
            raise api_error(exc, what) from exc


def _secretless(exc: BaseException, what: str) -> Exception:
    """The error of a request that carried a secret: the API's status and message, never the
    exception's chain (``from None``), whose request the SDK may hold with its body."""
    return api_error(exc, what)
