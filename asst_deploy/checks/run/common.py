"""What the three runners share: answering function calls from a case, polling, failures.

A runner is one conversation at a time on one thread; the test command runs many at once, each
on its own thread, through the one ``Api`` (so its rate limiter and 429 patience hold for all).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from ...errors import AsstDeployError
from ..reply import Citation, Reply, ToolCall

# Function-call rounds one conversation may take: a deployment that calls a function at every
# turn (tool_choice: required) would otherwise never answer.
MAX_ROUNDS = 16
# How long a run or a session may stay in progress before the case is given up on.
POLL_DEADLINE = 600.0
_FIRST_WAIT, _LONGEST_WAIT = 0.1, 2.0


class ConversationFailed(AsstDeployError):
    """The API could not hold the conversation (a failed run or session, no answer in time, too many
    function rounds): the case has no reply to judge, which is itself a failure of the case."""


@dataclass
class Transcript:
    """What a conversation gathered on its way: every function called, every file cited."""

    functions: Mapping[str, str]
    calls: list[ToolCall] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    rounds: int = 0

    def call(self, name: str, arguments: Any) -> str | None:
        """Record a call; the case's output for it, or None when the case does not answer it."""
        text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        self.calls.append(ToolCall(name, text))
        return self.functions.get(name)

    def next_round(self) -> None:
        self.rounds += 1
        if self.rounds > MAX_ROUNDS:
            raise ConversationFailed(f"the model kept calling functions: {MAX_ROUNDS} rounds without an answer "
                                     f"(last: {self.calls[-1].name if self.calls else 'none'})")

    def cite(self, file_id: Any, quote: Any = "") -> None:
        if isinstance(file_id, str) and file_id:
            self.citations.append(Citation(file_id, quote if isinstance(quote, str) else ""))

    def reply(self, text: str, unanswered: str | None = None) -> Reply:
        return Reply(text=text, tool_calls=tuple(self.calls), citations=tuple(self.citations),
                     unanswered_function=unanswered)


def poll(fetch: Callable[[], dict[str, Any]], busy: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
    """``fetch()`` again, waiting longer each time (up to 2 s), until ``busy`` is false; a deadline ends it."""
    deadline = time.monotonic() + POLL_DEADLINE
    wait = _FIRST_WAIT
    while True:
        answer = fetch()
        if not busy(answer):
            return answer
        if time.monotonic() + wait > deadline:
            raise ConversationFailed(f"{what} was still {answer.get('status')!r} after {POLL_DEADLINE:.0f} s")
        time.sleep(wait)
        wait = min(wait * 2, _LONGEST_WAIT)
