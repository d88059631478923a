"""Vaults, their write-only credentials and automations, through the real SDK against the emulator."""

from __future__ import annotations

import json

import openai
import pytest
from emulator_helpers import assert_error

BEARER = {"type": "static_bearer", "token": "tok-SECRET-1", "mcp_server_url": "https://mcp.example.com/t"}


def test_vault_crud_and_metadata_filter(openai_client):
    vaults = openai_client.beta.agents.vaults
    a = vaults.create(name="  team vault  ", metadata={"owner": "a"})
    b = vaults.create(metadata={"owner": "b"})
    assert a.id.startswith("vault_") and a.object == "vault" and a.name == "team vault" and b.name is None
    assert [v.id for v in vaults.list(metadata={"owner": "b"})] == [b.id]
    assert {v.id for v in vaults.list()} >= {a.id, b.id}
    assert vaults.update(a.id, name=None, metadata={"owner": "c"}).to_dict()["name"] is None
    assert vaults.retrieve(a.id).metadata == {"owner": "c"}
    assert vaults.delete(a.id).deleted
    with pytest.raises(openai.NotFoundError):
        vaults.retrieve(a.id)


def test_credential_secrets_are_never_returned(openai_client, asst_emulator, raw):
    vault = openai_client.beta.agents.vaults.create(name="v")
    creds = openai_client.beta.agents.vaults.credentials
    made = [
        creds.create(vault.id, name="bearer", auth=BEARER, metadata={"k": "v"}),
        creds.create(vault.id, name="oauth", auth={
            "type": "mcp_oauth", "access_token": "at-SECRET", "mcp_server_url": "https://mcp.example.com/o",
            "refresh": {"client_id": "cid", "refresh_token": "rt-SECRET", "token_endpoint": "https://auth.example.com/t",
                        "token_endpoint_auth": {"type": "client_secret_post", "client_secret": "cs-SECRET"}}}),
        creds.create(vault.id, name="env", auth={
            "type": "environment_variable", "secret_name": "SERVICE_KEY", "secret_value": "sv-SECRET",
            "networking": {"type": "limited", "allowed_hosts": ["api.example.com"]}}),
    ]
    assert made[0].auth.to_dict() == {"type": "static_bearer", "mcp_server_url": "https://mcp.example.com/t"}
    assert made[1].auth.refresh.token_endpoint_auth.type == "client_secret_post"
    assert made[2].auth.secret_name == "SERVICE_KEY" and made[0].vault_id == vault.id
    answers = [creds.list(vault.id).to_dict(), *(creds.retrieve(c.id, vault_id=vault.id).to_dict() for c in made)]
    status, _, listed = raw("GET", f"/v1/vaults/{vault.id}/credentials", headers={"OpenAI-Beta": "agents=v1"})
    assert status == 200
    assert "SECRET" not in json.dumps([answers, listed, [c.to_dict() for c in made]])


def test_credential_rotation_keeps_method_and_url(openai_client):
    vault = openai_client.beta.agents.vaults.create()
    creds = openai_client.beta.agents.vaults.credentials
    cred = creds.create(vault.id, name="bearer", auth=BEARER)
    rotated = creds.update(cred.id, vault_id=vault.id, auth={"type": "static_bearer", "token": "tok-2"},
                           metadata={"revision": "2"})
    assert rotated.metadata == {"revision": "2"}
    assert rotated.auth.mcp_server_url == BEARER["mcp_server_url"]
    with pytest.raises(openai.BadRequestError) as err:
        creds.update(cred.id, vault_id=vault.id, auth={"type": "environment_variable", "secret_value": "x"})
    assert_error(err.value, param="auth.type")
    with pytest.raises(openai.BadRequestError) as err:  # the SDK's own type has no such key
        creds.create(vault.id, name="x", auth={**BEARER, "mcp_server_url": "http://plain.example.com"})
    assert_error(err.value, param="auth.mcp_server_url")
    assert creds.delete(cred.id, vault_id=vault.id).deleted
    assert [c.id for c in creds.list(vault.id)] == []


def test_deleting_a_vault_deletes_its_credentials(openai_client, raw):
    vault = openai_client.beta.agents.vaults.create()
    cred = openai_client.beta.agents.vaults.credentials.create(vault.id, name="b", auth=BEARER)
    openai_client.beta.agents.vaults.delete(vault.id)
    again = openai_client.beta.agents.vaults.create()
    with pytest.raises(openai.NotFoundError):
        openai_client.beta.agents.vaults.credentials.retrieve(cred.id, vault_id=again.id)
    status, _, _ = raw("GET", f"/v1/vaults/{vault.id}/credentials", headers={"OpenAI-Beta": "agents=v1"})
    assert status == 404


def test_a_body_the_sdk_types_refuse_is_refused(raw):
    status, _, body = raw("POST", "/v1/vaults", {"name": "v", "labels": {}}, headers={"OpenAI-Beta": "agents=v1"})
    assert status == 400 and body["error"]["param"] == "labels"
    status, _, body = raw("POST", "/v1/vaults", {"name": "v"})
    assert status == 400 and body["error"]["code"] == "invalid_beta"


def _target(agent_id: str, vault_ids: list[str]) -> dict:
    return {"type": "new_session", "agent_id": agent_id, "vault_ids": vault_ids, "environment": {"type": "none"},
            "input": [{"role": "user", "content": [{"type": "input_text", "text": "Send the digest"}]}]}


def test_automation_lifecycle(openai_client, asst_emulator):
    agent = openai_client.beta.agents.create(model="gpt-4.1")
    vault = openai_client.beta.agents.vaults.create()
    autos = openai_client.beta.agents.automations
    made = autos.create(type="periodic", name="weekday digest", expression="0 9 * * 1-5", timezone="Europe/Paris",
                        target=_target(agent.id, [vault.id]), metadata={"m": "1"})
    assert made.object == "agent.automation" and made.status == "active" and made.created_by.type == "developer"
    assert made.target.agent_id == agent.id and made.target.vault_ids == [vault.id]
    assert made.target.input[0].type == "message" and made.target.environment.type == "none"
    assert autos.pause(made.id).status == "paused" and autos.resume(made.id).status == "active"
    changed = autos.update(made.id, expression="30 8 * * 1-5", name="early digest")
    assert (changed.expression, changed.name, changed.timezone) == ("30 8 * * 1-5", "early digest", "Europe/Paris")
    with pytest.raises(openai.BadRequestError) as err:
        autos.update(made.id, run_at=2_000_000_000)
    assert_error(err.value, param="run_at")
    assert [a.id for a in autos.list()] == [made.id]
    assert autos.delete(made.id).deleted
    with pytest.raises(openai.NotFoundError):
        autos.retrieve(made.id)


def test_one_time_automation_completes_on_the_clock(openai_client, asst_emulator):
    agent = openai_client.beta.agents.create(model="gpt-4.1")
    at = int(asst_emulator.advance_clock(0)) + 3600
    once = openai_client.beta.agents.automations.create(type="once", name="launch", run_at=at,
                                                        target=_target(agent.id, []))
    assert once.status == "active" and once.run_at == at
    asst_emulator.advance_clock(7200)
    assert openai_client.beta.agents.automations.retrieve(once.id).status == "completed"


def test_automation_refusals(openai_client):
    agent = openai_client.beta.agents.create(model="gpt-4.1")
    autos = openai_client.beta.agents.automations
    cases = [
        (dict(expression="every day", timezone="UTC", target=_target(agent.id, [])), "expression"),
        (dict(expression="0 9 * * *", timezone="Mars/Olympus", target=_target(agent.id, [])), "timezone"),
        (dict(expression="0 9 * * *", timezone="UTC", target=_target("agent_missing", [])), "target.agent_id"),
        (dict(expression="0 9 * * *", timezone="UTC", target=_target(agent.id, ["vault_missing"])),
         "target.vault_ids[0]"),
    ]
    for kwargs, param in cases:
        with pytest.raises((openai.BadRequestError, openai.NotFoundError)) as err:
            autos.create(type="periodic", name="n", **kwargs)
        assert_error(err.value, param=param)
    assert list(autos.list()) == []
