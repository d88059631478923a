"""The emulator's body shape for each route the tool writes to, by counter key (``METHOD /v1/path``
with ids as ``{id}``), to hold recorded request bodies against."""

from __future__ import annotations

from typing import Any

from asst_deploy.emulator import routes_agents, routes_assistants, routes_automations, routes_responses
from asst_deploy.emulator import routes_vaults, routes_vector_store_files, routes_vector_stores
from asst_deploy.emulator.sdk_shapes import SdkBody, problems

BODIES: dict[str, SdkBody] = {
    "POST /v1/assistants": routes_assistants.CREATE,
    "POST /v1/assistants/{id}": routes_assistants.UPDATE,
    "POST /v1/agents": routes_agents.CREATE,
    "POST /v1/agents/{id}": routes_agents.UPDATE,
    "POST /v1/vector_stores": routes_vector_stores.CREATE,
    "POST /v1/vector_stores/{id}": routes_vector_stores.UPDATE,
    "POST /v1/vector_stores/{id}/files": routes_vector_store_files.CREATE_FILE,
    "POST /v1/vector_stores/{id}/files/{id}": routes_vector_store_files.UPDATE_FILE,
    "POST /v1/vector_stores/{id}/file_batches": routes_vector_store_files.CREATE_BATCH,
    "POST /v1/responses": routes_responses.CREATE,
    "POST /v1/vaults": routes_vaults.VAULT_CREATE,
    "POST /v1/vaults/{id}": routes_vaults.VAULT_UPDATE,
    "POST /v1/vaults/{id}/credentials": routes_vaults.CREDENTIAL_CREATE,
    "POST /v1/vaults/{id}/credentials/{id}": routes_vaults.CREDENTIAL_UPDATE,
    "POST /v1/agents/automations": routes_automations.CREATE,
    "POST /v1/agents/automations/{id}": routes_automations.UPDATE,
}


def request_problems(key: str, body: Any) -> list[tuple[str, str]]:
    """What the route's shape (the SDK's type plus the API's limits) refuses in ``body``; a route
    the tool should not be writing to at all is a problem too."""
    shape = BODIES.get(key)
    return problems(body, shape.spec) if shape else [(key, "not a route the tool writes a JSON body to")]
