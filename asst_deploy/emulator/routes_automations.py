"""``/v1/agents/automations`` (beta Agents API): run an agent on a cron schedule or once.

Create, retrieve, update, list, delete, pause and resume. A ``new_session`` target must name a
saved agent (or an inline one) and the vaults it attaches must exist; a ``periodic`` automation
takes a five-field cron expression and an IANA timezone, a ``once`` automation a future
``run_at``. An update replaces ``target`` and ``metadata`` whole and refuses the other type's
schedule fields. A one-time automation whose moment has passed (on the emulator's clock) is
``completed``. Nothing is ever actually run here: invocations are out of the emulator's scope.

A target's ``environment`` is read back in the SDK's response shape (``AutomationEnvironment``), not
as sent: its confidential parts (setup commands, variables, an inline file's data, an inline skill's
or plugin's archive) and the network's blocked domains are left out, an inline file shows its
decoded size, and the package lists are all present.
"""

from __future__ import annotations

import base64
import re
from typing import Any, get_origin

from pydantic import BaseModel

from . import ids
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .routing import Request, Router
from .sdk_shapes import Limit, SdkBody
from .shapes import metadata_limits, require_beta
from .store import Row

router = Router()

_ONE = Limit(min_len=1)
_LIMITS = {
    "name": _ONE, "expression": _ONE, "timezone": _ONE, "run_at": Limit(minimum=0),
    **metadata_limits("metadata"),
    "target.input": Limit(min_items=1),
    "target.input[].content": Limit(min_items=1),
    "target.agent_id": _ONE, "target.vault_ids[]": _ONE, "target.instructions": _ONE, "target.session_id": _ONE,
    **metadata_limits("target.metadata"),
}
CREATE = SdkBody("openai.types.beta.agents.automation_create_params:AutomationCreateParams", _LIMITS)
UPDATE = SdkBody("openai.types.beta.agents.automation_update_params:AutomationUpdateParams", _LIMITS)
_CRON_FIELD = re.compile(r"(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*|[A-Za-z]{3}(-[A-Za-z]{3})?(,[A-Za-z]{3})*")


def _check_schedule(req: Request, doc: dict[str, Any]) -> None:
    if doc["type"] == "periodic":
        fields = doc["expression"].split()
        if len(fields) != 5 or not all(_CRON_FIELD.fullmatch(f) for f in fields):
            raise invalid(f"Invalid 'expression': {doc['expression']!r} is not a five-field cron expression.",
                          "expression", "invalid_value")
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(doc["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise invalid(f"Invalid 'timezone': {doc['timezone']!r} is not an IANA timezone.", "timezone",
                          "invalid_value") from None
    elif doc["run_at"] <= req.now:
        raise invalid("Invalid 'run_at': it must be a future Unix timestamp in seconds.", "run_at", "invalid_value")


def _check_target(req: Request, target: dict[str, Any]) -> None:
    if target["type"] != "new_session":
        return  # sessions are another route module's: the session is taken as it is named
    if ("agent" in target) == ("agent_id" in target):
        raise invalid("Invalid 'target': provide exactly one of 'agent' and 'agent_id'.", "target", "invalid_value")
    if "agent_id" in target and not req.store.exists("agent", target["agent_id"]):
        raise not_found(f"No agent found with id '{target['agent_id']}'.", "target.agent_id")
    for i, vault in enumerate(target.get("vault_ids") or ()):
        if not req.store.exists("vault", vault):
            raise not_found(f"No vault found with id '{vault}'.", f"target.vault_ids[{i}]")
    for i, item in enumerate((target.get("environment") or {}).get("files") or ()):
        try:
            base64.b64decode(item.get("data") or "", validate=True)
        except ValueError:
            raise invalid("Invalid 'data': not standard base64.", f"target.environment.files[{i}].data",
                          "invalid_value") from None


def _only(model: type[BaseModel], doc: dict[str, Any], **known: Any) -> dict[str, Any]:
    """``doc`` cut to the response model's fields; a list the model requires is an empty one when not given."""
    out = {}
    for name, field in model.model_fields.items():
        value = known.get(name, doc.get(name))
        out[name] = [] if value is None and field.is_required() and get_origin(field.annotation) is list else value
    return out


def _file(item: dict[str, Any]) -> dict[str, Any]:
    from openai.types.beta.agents import automation_environment as shape  # not loaded before a target is shown

    if item["type"] != "inline":
        return _only(shape.AutomationEnvironmentResourceOpenAIHostedFileHostedTemplateFileResourceFileID, item)
    return _only(shape.AutomationEnvironmentResourceOpenAIHostedFileHostedTemplateFileResourceInline, item,
                 size_bytes=len(base64.b64decode(item["data"])))


def _skill(item: dict[str, Any]) -> dict[str, Any]:
    from openai.types.beta.agents import automation_environment as shape

    if item["type"] != "inline":
        return _only(shape.AutomationEnvironmentResourceOpenAIHostedSkillHostedTemplateSkillResourceSkillReference, item)
    return _only(shape.AutomationEnvironmentResourceOpenAIHostedSkillHostedTemplateSkillResourceInline, item)


def _listed(items: Any, each: Any) -> Any:
    return None if items is None else [each(item) for item in items]


def _environment_view(env: dict[str, Any]) -> dict[str, Any]:
    """What the API answers of an automation's environment: the SDK's response type's fields only."""
    from openai.types.beta import hosted_plugin
    from openai.types.beta.agents import automation_environment as shape

    if env["type"] == "self_hosted":
        return _only(shape.AutomationEnvironmentResourceSelfHosted, env)
    if env["type"] != "openai_hosted":
        return _only(shape.AutomationEnvironmentResourceNone, env)
    network, packages = env.get("network"), env.get("packages")
    return _only(shape.AutomationEnvironmentResourceOpenAIHosted, env, files=_listed(env.get("files"), _file),
                 skills=_listed(env.get("skills"), _skill),
                 plugins=_listed(env.get("plugins"), lambda p: _only(hosted_plugin.HostedPlugin, p)),
                 network=network and _only(shape.AutomationEnvironmentResourceOpenAIHostedNetwork, network),
                 packages=packages and _only(shape.AutomationEnvironmentResourceOpenAIHostedPackages, packages))


def _target_view(target: dict[str, Any]) -> dict[str, Any]:
    if target["type"] != "new_session":
        return dict(target)
    environment = _environment_view(dict(target["environment"]))
    return {"type": "new_session", "agent": target.get("agent"), "agent_id": target.get("agent_id"),
            "environment": environment, "metadata": target.get("metadata") or {},
            "input": [{"type": "message", **message} for message in target["input"]],
            "vault_ids": list(target.get("vault_ids") or ())}


def _render(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    status = "paused" if doc.get("paused") else "active"
    if doc["type"] == "once" and doc["run_at"] <= req.now:
        status = "completed"
    out = {"id": row.id, "object": "agent.automation", "created_at": row.created_at, "type": doc["type"],
           "name": doc["name"], "metadata": doc.get("metadata") or {}, "created_by": {"type": "developer"},
           "status": status, "pause_reason": None, "target": _target_view(doc["target"])}
    if doc["type"] == "periodic":
        out.update(expression=doc["expression"], timezone=doc["timezone"])
    else:
        out["run_at"] = doc["run_at"]
    return out


AUTOMATIONS = Resource("automation", _render, lambda id, _p: not_found(f"No automation found with id '{id}'."))


def _beta(req: Request) -> None:
    require_beta(req, "agents=v1", "Agents")


@router.route("POST", "/v1/agents/automations")
def create_automation(req: Request) -> dict[str, Any]:
    _beta(req)
    doc = req.body_as(CREATE)
    _check_schedule(req, doc)
    _check_target(req, doc["target"])
    doc["metadata"] = doc.get("metadata") or {}
    aid = ids.automation_id()
    req.store.insert("automation", aid, doc, created_at=req.created_at)
    return AUTOMATIONS.get(req, aid)


@router.route("GET", "/v1/agents/automations")
def list_automations(req: Request) -> dict[str, Any]:
    _beta(req)
    params = list_params(req, before=False, extra=("session_id",))
    return AUTOMATIONS.page(req, params)


@router.route("GET", "/v1/agents/automations/{automation_id}")
def retrieve_automation(req: Request) -> dict[str, Any]:
    _beta(req)
    return AUTOMATIONS.get(req, req.params["automation_id"])


@router.route("POST", "/v1/agents/automations/{automation_id}")
def update_automation(req: Request) -> dict[str, Any]:
    _beta(req)
    row = AUTOMATIONS.row(req, req.params["automation_id"])
    body = req.body_as(UPDATE)
    doc = dict(row.doc)
    wrong = [k for k in (("expression", "timezone") if doc["type"] == "once" else ("run_at",)) if k in body]
    if wrong:
        raise invalid(f"Invalid '{wrong[0]}': not accepted for a {doc['type']} automation.", wrong[0], "invalid_value")
    if "target" in body:
        if body["target"]["type"] != doc["target"]["type"]:
            raise invalid("Invalid 'target.type': an update keeps the target's type.", "target.type", "invalid_value")
        _check_target(req, body["target"])
    doc.update({k: (v or {}) if k == "metadata" else v for k, v in body.items()})
    _check_schedule(req, doc)
    return _render(req, req.store.update(row, doc))


@router.route("DELETE", "/v1/agents/automations/{automation_id}")
def delete_automation(req: Request) -> dict[str, Any]:
    _beta(req)
    aid = req.params["automation_id"]
    AUTOMATIONS.delete(req, aid)
    return {"id": aid, "object": "agent.automation.deleted", "deleted": True}


def _set_paused(req: Request, paused: bool) -> dict[str, Any]:
    _beta(req)
    row = AUTOMATIONS.row(req, req.params["automation_id"])
    if not paused and row.doc["type"] == "once" and row.doc["run_at"] <= req.now:
        raise invalid("Invalid 'run_at': resuming a one-time automation without a pending invocation needs a "
                      "future run_at.", "run_at", "invalid_value")
    return _render(req, req.store.update(row, {**row.doc, "paused": paused}))


@router.route("POST", "/v1/agents/automations/{automation_id}/pause")
def pause_automation(req: Request) -> dict[str, Any]:
    return _set_paused(req, True)


@router.route("POST", "/v1/agents/automations/{automation_id}/resume")
def resume_automation(req: Request) -> dict[str, Any]:
    return _set_paused(req, False)
