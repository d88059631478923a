"""A rubric judged through OpenAI's graders API (the emulator's, scripted) by the tool's own client."""

from __future__ import annotations

from asst_deploy.checks.grading import RubricGrader
from asst_deploy.checks.judge import judge
from asst_deploy.checks.reply import Conversation, Message, Reply
from asst_deploy.manifest.models import CheckCase

RUBRIC = 'The summary names the topic "four-day week" and the "blue hat".'


def _case(**expectation) -> CheckCase:
    return CheckCase.model_validate({"name": "summary", "input": "Sum up", "expect": [{"rubric": RUBRIC,
                                                                                       **expectation}]})


def test_a_rubric_is_scored_by_a_score_model_grader(api_client):
    grader = RubricGrader(api_client)
    asked = Conversation((Message("user", "Sum up"),))
    full = grader.grade(RUBRIC, asked, Reply("Blue hat: we weighed the four-day week."))
    assert full.score == 1.0 and "scripted" in full.reason  # the emulator says its grader is no model
    assert grader.grade(RUBRIC, asked, Reply("Blue hat: we talked.")).score == 0.5


def test_the_judge_passes_a_rubric_at_its_threshold(api_client):
    grader = RubricGrader(api_client)
    half = Reply("Blue hat: we talked.")
    assert judge(_case(threshold=0.5), [half], grader).passed
    [failure] = judge(_case(threshold=0.8), [half], grader).failures
    assert failure.got.startswith("score 0.5 (graded by gpt-4o-mini (scripted")
