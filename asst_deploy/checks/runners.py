"""Which runner runs a case against what an environment deployed, by the project's ``api``.

The Responses runner here sends ``responses.create`` with the lockfile's deployed kwargs and
answers function calls from the case's ``functions:``, as an app's own loop would. Runners of
the Agents API (sessions and turns) and the Assistants API (threads and runs) plug in here.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from ..errors import AsstDeployError
from ..lock.entry import LockEntry
from ..runtime import fill_secrets
from .reply import Citation, Conversation, Reply, Runner, ToolCall

if TYPE_CHECKING:
    from ..backends.api import Api

MAX_TURNS = 8  # model turns per case: function calls answered, then the answer


def runner_for(api: str, client: "Api", name: str, entry: LockEntry) -> Runner:
    """The runner of one deployed assistant; an error naming what is missing when nothing is deployed."""
    if api == "responses":
        if not entry.responses:
            raise AsstDeployError(f"{name}: the lockfile records no deployed settings: apply first")
        return ResponsesRunner(client, fill_secrets(name, copy.deepcopy(entry.responses), entry.responses_env))
    raise AsstDeployError(f"asst-deploy test runs api: responses for now; {name} is deployed with api: {api}")


class ResponsesRunner:
    """One conversation through ``POST /v1/responses`` with the deployed kwargs."""

    def __init__(self, client: "Api", kwargs: dict[str, Any]) -> None:
        self.client = client
        self.kwargs = kwargs

    def converse(self, conversation: Conversation) -> Reply:
        items: list[dict[str, Any]] = [{"role": m.role, "content": m.content} for m in conversation.messages]
        body = dict(self.kwargs)
        calls: list[ToolCall] = []
        for _ in range(MAX_TURNS):
            answer = self.client.post("/responses", {**body, "input": items})
            output = answer.get("output") or []
            asked = [item for item in output if item.get("type") == "function_call"]
            if not asked:
                return Reply(_text(output), tuple(calls), _citations(output))
            items += output
            for call in asked:
                calls.append(ToolCall(call["name"], call.get("arguments") or "{}"))
                if call["name"] not in conversation.functions:
                    return Reply(_text(output), tuple(calls), unanswered_function=call["name"])
                items.append({"type": "function_call_output", "call_id": call["call_id"],
                              "output": conversation.functions[call["name"]]})
            body["tool_choice"] = "auto"  # as the Agents SDK does: a forced call is made once, then answered
        return Reply(f"(no answer after {MAX_TURNS} turns of function calls)", tuple(calls))


def _text(output: list[dict[str, Any]]) -> str:
    return "".join(part.get("text", "") for item in output if item.get("type") == "message"
                   for part in item.get("content") or () if part.get("type") == "output_text")


def _citations(output: list[dict[str, Any]]) -> tuple[Citation, ...]:
    return tuple(Citation(str(note["file_id"]), str(note.get("filename") or ""))
                 for item in output if item.get("type") == "message"
                 for part in item.get("content") or () if part.get("type") == "output_text"
                 for note in part.get("annotations") or ()
                 if note.get("type") == "file_citation" and note.get("file_id"))
