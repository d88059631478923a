"""OpenAI's graders API (``fine_tuning.alpha.graders.run``) through the real SDK: exact string
checks, and a score_model grader that is scripted and says so."""

from __future__ import annotations

import openai
import pytest
from emulator_helpers import assert_error

RUBRIC = 'Score 1 when the answer names the topic "four-day week" and the role "white hat".'


def _score_model(text: str = RUBRIC, **extra):
    return {"type": "score_model", "name": "rubric", "model": "gpt-4o-mini",
            "input": [{"role": "system", "content": text}, {"role": "user", "content": "{{sample.output_text}}"}],
            **extra}


@pytest.mark.parametrize(("operation", "sample", "reward"), [
    ("eq", "yes", 1.0), ("eq", "Yes", 0.0), ("ne", "no", 1.0), ("like", "oh yes!", 1.0), ("ilike", "OH YES", 1.0),
    ("like", "OH YES", 0.0)])
def test_string_check_is_exact(openai_client, operation, sample, reward):
    grader = {"type": "string_check", "name": "s", "input": "{{sample.output_text}}", "reference": "yes",
              "operation": operation}
    assert openai_client.fine_tuning.alpha.graders.run(grader=grader, model_sample=sample).reward == reward


def test_string_check_reads_the_item(openai_client):
    grader = {"type": "string_check", "name": "s", "input": "{{sample.output_text}}", "reference": "{{item.want}}",
              "operation": "eq"}
    assert openai_client.fine_tuning.alpha.graders.run(grader=grader, model_sample="42", item={"want": "42"}).reward == 1


def test_score_model_scores_the_quoted_phrases_found_and_says_it_is_scripted(openai_client):
    both = openai_client.fine_tuning.alpha.graders.run(
        grader=_score_model(), model_sample='White hat: I read "a Four-day week"')
    assert both.reward == 1.0
    assert "scripted" in both.metadata.sampled_model_name and both.metadata.type == "score_model"
    half = openai_client.fine_tuning.alpha.graders.run(grader=_score_model(), model_sample="the four-day week")
    assert half.reward == 0.5
    ranged = openai_client.fine_tuning.alpha.graders.run(grader=_score_model(range=[0, 10]), model_sample="nothing")
    assert ranged.reward == 0.0
    plain = openai_client.fine_tuning.alpha.graders.run(grader=_score_model("Is it polite?"), model_sample="hello")
    assert plain.reward == 1.0


def test_unknown_or_bad_graders_are_refused(openai_client):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.fine_tuning.alpha.graders.run(
            grader={"type": "python", "name": "p", "source": "def grade(s, i): return 1"}, model_sample="x")
    assert_error(exc.value, param="grader.type", code="unsupported_value")
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.fine_tuning.alpha.graders.run(
            grader={"type": "string_check", "name": "s", "input": "a", "reference": "b", "operation": "same"},
            model_sample="x")
    assert_error(exc.value, param="grader.operation")
