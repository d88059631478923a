"""Runners: a case's conversation held with what an environment's lockfile says was deployed,
each API its own way (Responses: ``responses.create`` with the deployed kwargs; Agents: a session
of the deployed agent; Assistants: a thread and a run on the deployed assistant).

Every request goes through the command's one :class:`~asst_deploy.backends.api.Api`, so checks
share apply's rate limiter and 429 patience; a run the API cannot finish raises
:class:`~asst_deploy.checks.run.common.ConversationFailed`.
"""

from __future__ import annotations

import copy

from ...backends.api import Api
from ...errors import AsstDeployError
from ...lock.entry import LockEntry
from ...runtime import SecretNotSet, fill_secrets, session_settings
from ..reply import Runner
from .agents import AgentsRunner
from .assistants import AssistantsRunner
from .common import ConversationFailed
from .responses import ResponsesRunner

__all__ = ["AgentsRunner", "AssistantsRunner", "ConversationFailed", "ResponsesRunner", "runner_for"]


def runner_for(api_kind: str, entry: LockEntry, api: Api, name: str = "") -> Runner:
    """The runner for one deployed manifest (``api_kind``: assistants, agents or responses)."""
    if api_kind == "responses":
        if not entry.responses:
            raise _not_deployed(name, "Responses settings")
        try:
            return ResponsesRunner(api, fill_secrets(name, copy.deepcopy(entry.responses), entry.responses_env))
        except SecretNotSet as exc:
            raise AsstDeployError(str(exc)) from None
    if not entry.id:
        raise _not_deployed(name, "agent id" if api_kind == "agents" else "assistant id")
    if api_kind == "agents":
        return AgentsRunner(api, session_settings(entry.id, entry.environment,
                                                  entry.vault_id if entry.credentials else None))
    if api_kind == "assistants":
        return AssistantsRunner(api, entry.id)
    raise ValueError(f"unknown api {api_kind!r}")


def _not_deployed(name: str, what: str) -> AsstDeployError:
    return AsstDeployError(f"{name or 'this assistant'!r} has no {what} in the lockfile: it is not deployed "
                           "(or its last apply did not finish)", hint="run `asst-deploy apply` first")
