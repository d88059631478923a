"""What one check case sends to a deployed assistant, and what came back.

A runner (Responses, Agents or Assistants) takes a :class:`Conversation`, answers the function
calls it meets from the conversation's ``functions`` map, and returns a :class:`Reply`; the
expectations read only the reply, so one set of expectations holds for every API. A grader is the
one expectation that needs the network again (a model judges a rubric), hence its own protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Mapping, Protocol


@dataclass(frozen=True)
class Message:
    """One turn the case writes: the user's, or an earlier assistant answer it replays."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Conversation:
    """A case's input: its messages, and the outputs its function tools return (name -> output)."""

    messages: tuple[Message, ...]
    functions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolCall:
    """A function the model called; ``arguments`` is the JSON text it sent."""

    name: str
    arguments: str


@dataclass(frozen=True)
class Citation:
    """A file_search citation: the file id the answer named (mapped to a path through the lockfile)."""

    file_id: str
    quote: str = ""


@dataclass(frozen=True)
class Reply:
    """The final answer, every function call made on the way, and the files cited.

    ``unanswered_function`` names a function the model called that the case's ``functions`` map
    does not answer: the run stops there and the case fails, naming it.
    """

    text: str
    tool_calls: tuple[ToolCall, ...] = ()
    citations: tuple[Citation, ...] = ()
    unanswered_function: str | None = None


class Runner(Protocol):
    """Runs one conversation against one deployed assistant, agent or Responses setting."""

    def converse(self, conversation: Conversation) -> Reply: ...


@dataclass(frozen=True)
class Grade:
    """A model grader's verdict on a rubric: its score in [0, 1] and why, when it says."""

    score: float
    reason: str = ""


class Grader(Protocol):
    """Judges a reply against a rubric with a model (OpenAI's graders), never a prompt of our own."""

    def grade(self, rubric: str, conversation: Conversation, reply: Reply) -> Grade: ...
