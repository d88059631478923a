"""A case against an ``api: assistants`` deployment: a thread and a run on the deployed assistant.

The case's messages open the thread (``POST /threads/runs``); the run is polled until it ends or
asks for tool outputs, which are answered from the case. The answer is the run's own messages;
the thread is deleted afterwards, so checks leave nothing on the account.
"""

from __future__ import annotations

from typing import Any

from ...backends.api import Api, ApiCallError, path
from ..reply import Conversation, Reply
from .common import ConversationFailed, Transcript, poll

BETA = {"OpenAI-Beta": "assistants=v2"}
_BUSY = ("queued", "in_progress", "cancelling")


class AssistantsRunner:
    def __init__(self, api: Api, assistant_id: str) -> None:
        self.api = api
        self.assistant_id = assistant_id

    def converse(self, conversation: Conversation) -> Reply:
        messages = [{"role": m.role, "content": m.content} for m in conversation.messages]
        run = self.api.post("/threads/runs", {"assistant_id": self.assistant_id, "thread": {"messages": messages}},
                            headers=BETA)
        try:
            return self._follow(run, Transcript(conversation.functions))
        finally:
            try:
                self.api.delete(path("/threads/{thread_id}", thread_id=run["thread_id"]), headers=BETA)
            except ApiCallError:
                pass  # a thread left behind costs nothing; the case's result stands

    def _follow(self, run: dict[str, Any], transcript: Transcript) -> Reply:
        where = {"thread_id": run["thread_id"], "run_id": run["id"]}
        while True:
            run = poll(lambda: self.api.get(path("/threads/{thread_id}/runs/{run_id}", **where), headers=BETA),
                       lambda r: r.get("status") in _BUSY, f"run {run['id']}") if run.get("status") in _BUSY else run
            if run.get("status") == "completed":
                return transcript.reply(self._answer(where, transcript))
            if run.get("status") != "requires_action":
                error = (run.get("last_error") or {}).get("message") or "no reason given"
                raise ConversationFailed(f"run {run['id']} ended {run.get('status')!r}: {error}")
            transcript.next_round()
            outputs = []
            for call in run["required_action"]["submit_tool_outputs"]["tool_calls"]:
                function = call.get("function") or {}
                result = transcript.call(function.get("name", ""), function.get("arguments", ""))
                if result is None:
                    self.api.post(path("/threads/{thread_id}/runs/{run_id}/cancel", **where), headers=BETA)
                    return transcript.reply("", unanswered=function.get("name", ""))
                outputs.append({"tool_call_id": call["id"], "output": result})
            run = self.api.post(path("/threads/{thread_id}/runs/{run_id}/submit_tool_outputs", **where),
                                {"tool_outputs": outputs}, headers=BETA)

    def _answer(self, where: dict[str, str], transcript: Transcript) -> str:
        """The run's messages, oldest first: their text, their file citations noted."""
        parts = []
        listed = self.api.pages(path("/threads/{thread_id}/messages", thread_id=where["thread_id"]),
                                params={"run_id": where["run_id"], "order": "asc", "limit": 100}, headers=BETA)
        for message in listed:
            for block in message.get("content") or []:
                if block.get("type") != "text":
                    continue
                parts.append(block["text"].get("value", ""))
                for note in block["text"].get("annotations") or []:
                    if note.get("type") == "file_citation":
                        transcript.cite((note.get("file_citation") or {}).get("file_id"), note.get("text", ""))
        return "\n".join(parts)
