"""A case against an ``api: agents`` deployment: a session of the deployed agent, turn by turn.

The Agents API takes only user messages as input, so each user message of the case is one turn,
in order, and an assistant message the case writes is not sent (the agent answers for itself).
A session waiting on a function call is answered from the case with a tool result. The answer is
the agent's last assistant message; the session is deleted afterwards.
"""

from __future__ import annotations

from typing import Any, Mapping

from ...backends.api import Api, ApiCallError, path
from ..reply import Conversation, Reply
from .common import ConversationFailed, Transcript, poll

BETA = {"OpenAI-Beta": "agents=v1"}
_SESSION = "/agents/sessions/{session_id}"


def _message(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


class AgentsRunner:
    """``session``: what a session of the deployed agent is opened with, as runtime code opens it
    (``runtime.session_settings``: its environment, its vault), so a case runs what users run."""

    def __init__(self, api: Api, session: Mapping[str, Any]) -> None:
        self.api = api
        self.session = dict(session)

    def converse(self, conversation: Conversation) -> Reply:
        said = [m.content for m in conversation.messages if m.role == "user"]
        if not said:
            raise ConversationFailed("the Agents API takes user messages as input: this case has none")
        session = self.api.post("/agents/sessions", {**self.session, "input": [_message(said[0])]}, headers=BETA)
        sid = session["id"]
        transcript = Transcript(conversation.functions)
        try:
            for index, text in enumerate(said):
                if index:
                    self._send(sid, [{"type": "agent.session.input.message", "input": [_message(text)]}])
                    session = self._settled(sid)
                unanswered = self._finish_turn(sid, session, transcript)
                if unanswered is not None:
                    return transcript.reply("", unanswered=unanswered)
            return transcript.reply(self._answer(sid))
        finally:
            try:
                self.api.delete(path(_SESSION, session_id=sid), headers=BETA)
            except ApiCallError:
                pass  # a session left behind is idle; the case's result stands

    def _settled(self, sid: str, session: dict[str, Any] | None = None) -> dict[str, Any]:
        """The session once its turn is no longer in progress."""
        if session is not None and session.get("status") != "in_progress":
            return session
        return poll(lambda: self.api.get(path(_SESSION, session_id=sid), headers=BETA),
                    lambda s: s.get("status") == "in_progress", f"session {sid}")

    def _finish_turn(self, sid: str, session: dict[str, Any], transcript: Transcript) -> str | None:
        """Answer the turn's function calls until the session is idle; a function the case does not
        answer ends it there (its name is returned)."""
        session = self._settled(sid, session)
        while session.get("status") == "requires_action":
            transcript.next_round()
            results = []
            for action in session.get("required_actions") or []:
                if action.get("type") != "function_call":
                    raise ConversationFailed(f"session {sid} waits for a {action.get('type')}, "
                                             "which a check cannot give")
                output = transcript.call(action.get("name", ""), action.get("arguments"))
                if output is None:
                    return str(action.get("name", ""))
                results.append({"type": "agent.session.input.tool_result", "call_id": action["call_id"],
                                "turn_id": action["turn_id"], "success": True, "output": output})
            self._send(sid, results)
            session = self._settled(sid)
        if session.get("status") != "idle":
            raise ConversationFailed(f"session {sid} ended {session.get('status')!r}: "
                                     f"{session.get('error') or 'no reason given'}")
        return None

    def _send(self, sid: str, events: list[dict[str, Any]]) -> None:
        self.api.post(path(_SESSION + "/events", session_id=sid), {"events": events}, headers=BETA)

    def _answer(self, sid: str) -> str:
        """The text of the agent's last assistant message (its final answer)."""
        last = ""
        for item in self.api.pages(path(_SESSION + "/items", session_id=sid), params={"order": "asc", "limit": 100},
                                   headers=BETA):
            if item.get("type") == "message" and item.get("role") == "assistant":
                last = "".join(part.get("text", "") for part in item.get("content") or []
                               if part.get("type") == "output_text")
        return last
