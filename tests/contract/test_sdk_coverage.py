"""The README's table of what a manifest declares of the openai SDK's request types follows the
installed SDK: every field and tool type the SDK declares is in it, either declared by a manifest
field or tool type (which validate lets through for that API) or with a written reason, and a row
the SDK no longer has fails as stale."""

from __future__ import annotations

import re

import typing_extensions as te
from support.projects import REPO

from asst_deploy.manifest.api_rules import API_TOOLS, FIELD_APIS
from asst_deploy.manifest.models import MANIFEST_FIELDS
from asst_deploy.manifest.sdk_shapes import AGENT_PARAMS, AGENT_TOOL, RESPONSES_TOOL, union_members
from asst_deploy.sdk_literals import sdk_object

RESPONSES_CREATE = "openai.types.responses.response_create_params:ResponseCreateParamsNonStreaming"
# The SDK type as the README names it -> (its module:Name, the API it belongs to, what its rows name: "fields"
# and "tools" are checked against the manifest's fields and the API's tool types; "params" (objects the tool
# makes besides the assistant, such as vaults) need only names or a reason)
SOURCES = {
    "ResponseCreateParams": (RESPONSES_CREATE, "responses", "fields"),
    "AgentCreateParams": (AGENT_PARAMS, "agents", "fields"),
    "ToolParam": (RESPONSES_TOOL, "responses", "tools"),
    "PersistedAgentToolParam": (AGENT_TOOL, "agents", "tools"),
    **{name: (f"openai.types.beta.agents.{module}:{name}", "agents", "params") for module, name in (
        ("vault_create_params", "VaultCreateParams"),
        ("vaults.credential_create_params", "CredentialCreateParams"),
        ("vaults.credential_auth_create_param", "CreateVaultCredentialAuthParamStaticBearer"),
        ("vaults.credential_auth_create_param", "CreateVaultCredentialAuthParamMcpOauth"),
        ("vaults.credential_auth_create_param", "CreateVaultCredentialAuthParamMcpOauthRefresh"),
        ("vaults.credential_auth_create_param", "CreateVaultCredentialAuthParamEnvironmentVariable"),
        ("automation_create_params", "CreateAutomationParamsPeriodic"),
        ("automation_create_params", "CreateAutomationParamsOnce"),
        ("automation_target_param", "AutomationTargetParamNewSession"),
    )},
}
ROW = re.compile(r"^\| `(\w+)` \| `(\w+)` \| (.*?) \| (.*?) \|$", re.M)


def _table() -> dict[tuple[str, str], tuple[list[str], str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return {(sdk, key): (re.findall(r"`(\w+)`", names), why.strip())
            for sdk, key, names, why in ROW.findall(text) if sdk in SOURCES}


def _sdk_keys(ref: str, what: str) -> set[str]:
    return set(union_members(ref)) if what == "tools" else set(te.get_type_hints(sdk_object(ref)))


def test_every_sdk_field_and_tool_type_is_in_the_table_and_no_row_is_stale() -> None:
    table = _table()
    for sdk, (ref, _, what) in SOURCES.items():
        listed = {key for (owner, key) in table if owner == sdk}
        assert sorted(_sdk_keys(ref, what) - listed) == [], f"{sdk}: in the SDK, not in README.md's table"
        assert sorted(listed - _sdk_keys(ref, what)) == [], f"{sdk}: in README.md's table, no longer in the SDK"


def test_each_row_is_declared_by_what_validate_takes_for_that_api_or_says_why_not() -> None:
    for (sdk, key), (names, why) in _table().items():
        _, api, what = SOURCES[sdk]
        assert bool(names) != bool(why), f"{sdk}.{key}: give the manifest's names or a reason, one of them"
        for name in names:
            if what == "tools":
                assert name in API_TOOLS[api], f"{sdk}.{key}: api: {api} takes no tool {name!r}"
            elif what == "fields":
                assert name in MANIFEST_FIELDS, f"{sdk}.{key}: the manifest has no field {name!r}"
                assert api in FIELD_APIS.get(name, {api}), f"{sdk}.{key}: api: {api} refuses {name!r}"
