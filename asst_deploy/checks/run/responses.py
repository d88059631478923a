"""A case against an ``api: responses`` deployment: ``responses.create`` with the deployed kwargs.

The kwargs are the lockfile's (what ``asst_deploy.responses_kwargs`` gives runtime code, secrets
filled from the environment), so the case runs exactly what production code sends. Function calls
are answered from the case and sent back as ``function_call_output`` items, continuing by
``previous_response_id`` (or, with ``store: false``, by sending the whole conversation again).
A forced ``tool_choice`` (``required``, a named function) is forced once: after the calls are
answered the model may answer, as the Agents SDK's loop resets it, or it would call forever.
"""

from __future__ import annotations

from typing import Any, Mapping

from ...backends.api import Api
from ..reply import Conversation, Reply
from .common import Transcript


class ResponsesRunner:
    def __init__(self, api: Api, kwargs: Mapping[str, Any]) -> None:
        self.api = api
        self.kwargs = dict(kwargs)

    def converse(self, conversation: Conversation) -> Reply:
        transcript = Transcript(conversation.functions)
        items: list[Any] = [{"role": m.role, "content": m.content} for m in conversation.messages]
        body: dict[str, Any] = {**self.kwargs, "input": items}
        stored = self.kwargs.get("store") is not False
        while True:
            answer = self.api.post("/responses", body)
            output = answer.get("output") or []
            text = _read(output, transcript)
            calls = [item for item in output if item.get("type") == "function_call"]
            if not calls:
                return transcript.reply(text)
            transcript.next_round()
            results = []
            for call in calls:
                result = transcript.call(call.get("name", ""), call.get("arguments", ""))
                if result is None:
                    return transcript.reply(text, unanswered=call.get("name", ""))
                results.append({"type": "function_call_output", "call_id": call.get("call_id"), "output": result})
            again = {**self.kwargs, **({"tool_choice": "auto"} if "tool_choice" in self.kwargs else {})}
            if stored:
                body = {**again, "input": results, "previous_response_id": answer["id"]}
            else:
                items = [*items, *output, *results]
                body = {**again, "input": items}


def _read(output: list[dict[str, Any]], transcript: Transcript) -> str:
    """The answer's text (every ``output_text`` of its messages), its citations noted."""
    parts = []
    for item in output:
        if item.get("type") != "message":
            continue
        for part in item.get("content") or []:
            if part.get("type") == "output_text":
                parts.append(part.get("text", ""))
                for note in part.get("annotations") or []:
                    if note.get("type") == "file_citation":
                        transcript.cite(note.get("file_id"))
    return "".join(parts)
