"""A rubric judged by OpenAI's graders (``fine_tuning.alpha.graders.run``), never by a prompt of ours.

Each rubric expectation sends one ``score_model`` grader: the rubric as written is its system
message, and the case's conversation (``item.conversation``) and the reply (``sample.output_text``)
fill its user message's templates. The grader's model scores the reply in [0, 1]; the judge
passes it at the expectation's threshold. Cost: every rubric case makes a model call on the
account (one per attempt under ``repeat``), billed as the grader model's tokens. On the emulator
the score is scripted (the share of the rubric's quoted phrases the reply holds) and says so.
"""

from __future__ import annotations

from typing import Any

from ..backends.api import Api
from ..errors import AsstDeployError
from .reply import Conversation, Grade, Reply

DEFAULT_MODEL = "gpt-4o-mini"
# The one template: where the grader's model finds what it judges.
JUDGED = "Conversation:\n{{item.conversation}}\n\nReply to grade:\n{{sample.output_text}}"


class GradingFailed(AsstDeployError):
    """The grader answered without a usable score (its model refused, or gave none)."""


class RubricGrader:
    """The :class:`~.reply.Grader` over the graders API, through the command's one ``Api``."""

    def __init__(self, api: Api, model: str = DEFAULT_MODEL) -> None:
        self.api = api
        self.model = model

    def grade(self, rubric: str, conversation: Conversation, reply: Reply) -> Grade:
        grader = {"type": "score_model", "name": "rubric", "model": self.model, "range": [0, 1],
                  "input": [{"role": "system", "content": rubric}, {"role": "user", "content": JUDGED}]}
        said = "\n".join(f"{m.role}: {m.content}" for m in conversation.messages)
        answer = self.api.post("/fine_tuning/alpha/graders/run", {
            "grader": grader, "model_sample": reply.text, "item": {"conversation": said}})
        metadata: dict[str, Any] = answer.get("metadata") or {}
        errors = [name for name, value in (metadata.get("errors") or {}).items() if value is True]
        if errors or not isinstance(answer.get("reward"), (int, float)):
            raise GradingFailed(f"the {self.model} grader gave no score ({', '.join(errors) or 'no reward'})")
        graded_by = metadata.get("sampled_model_name")
        return Grade(score=float(answer["reward"]), reason=f"graded by {graded_by}" if graded_by else "")
