"""Judging a case from its replies: each expectation, repeat/min_pass, an unanswered function, and
a rubric through a grader (here a scripted one: the real graders API is driven in tests/e2e)."""

from __future__ import annotations

import json

import pytest

from asst_deploy.checks.judge import Context, conversation_of, judge
from asst_deploy.checks.reply import Citation, Conversation, Grade, Message, Reply, ToolCall
from asst_deploy.manifest.models import CheckCase


def case(*expect: dict, **fields) -> CheckCase:
    return CheckCase.model_validate({"name": "c", "input": "hi", "expect": list(expect), **fields})


ANSWER = Reply("Ahoy! The treasure lies north.", (ToolCall("search", json.dumps({"query": "treasure", "n": 3})),),
               (Citation("file-1"),))


@pytest.mark.parametrize("expectation, passes", [
    ({"contains": "treasure"}, True), ({"contains": "Treasure"}, False),
    ({"icontains": "TREASURE"}, True), ({"contains_any": ["gold", "north"]}, True),
    ({"contains_any": ["gold", "silver"]}, False), ({"contains_all": ["Ahoy", "north"]}, True),
    ({"contains_all": ["Ahoy", "south"]}, False), ({"not_contains": "south"}, True),
    ({"not_contains": "north"}, False), ({"regex": r"lies (north|south)"}, True), ({"regex": r"^north"}, False),
    ({"equals": " Ahoy! The treasure lies north.\n"}, True), ({"equals": "Ahoy!"}, False),
    ({"is_json": True}, False), ({"tool_called": "search"}, True), ({"tool_called": "lookup"}, False),
    ({"tool_called": {"name": "search", "arguments": {"query": "treasure"}}}, True),
    ({"tool_called": {"name": "search", "arguments": {"query": "gold"}}}, False),
    ({"tool_not_called": "lookup"}, True), ({"tool_not_called": "search"}, False),
    ({"cites": "docs/*.md"}, True), ({"cites": "docs/b.md"}, False),
])
def test_each_expectation(expectation: dict, passes: bool) -> None:
    result = judge(case(expectation), [ANSWER], None, Context(file_paths={"file-1": "docs/a.md"}))
    assert result.passed is passes
    if not passes:
        [failure] = result.failures
        assert failure.expectation.startswith(next(iter(expectation)) + ": ")


def test_a_failure_says_what_came_back() -> None:
    [failure] = judge(case({"contains": "gold"}), [ANSWER], None).failures
    assert failure.expectation == 'contains: "gold"'
    assert failure.got == 'answer: "Ahoy! The treasure lies north."'
    [failure] = judge(case({"tool_called": "lookup"}), [ANSWER], None).failures
    assert failure.got == 'called: search({"query": "treasure", "n": 3})'
    [failure] = judge(case({"cites": "docs/b.md"}), [ANSWER], None, Context({"file-1": "docs/a.md"})).failures
    assert failure.got == "cited: docs/a.md"
    long = Reply("word " * 200)
    [failure] = judge(case({"contains": "gold"}), [long], None).failures
    assert len(failure.got) < 230 and failure.got.endswith('…"')


def test_json_and_its_schema() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    good, bad = Reply('{"n": 1}'), Reply('{"n": "one"}')
    assert judge(case({"is_json": True}), [good], None).passed
    assert judge(case({"json_schema": schema}), [good], None).passed
    [failure] = judge(case({"json_schema": schema}), [bad], None).failures
    assert failure.got.startswith("'one' is not of type 'integer' at n")
    own = Context(response_schema=schema)
    assert judge(case({"json_schema": True}), [good], None, own).passed
    assert not judge(case({"json_schema": True}), [bad], None, own).passed


def test_an_unanswered_function_fails_naming_it() -> None:
    reply = Reply("", (ToolCall("lookup", "{}"),), unanswered_function="lookup")
    result = judge(case({"contains": "x"}, functions={"search": "found"}), [reply], None)
    [failure] = result.failures
    assert not result.passed
    assert "'lookup'" in failure.got and "functions: search" in failure.expectation


def test_repeat_and_min_pass() -> None:
    hit, miss = Reply("yes"), Reply("no")
    three_of_four = [hit, hit, miss, hit]
    assert judge(case({"contains": "yes"}, repeat=4, min_pass=0.75), three_of_four, None).passed
    result = judge(case({"contains": "yes"}, repeat=4, min_pass=0.8), three_of_four, None)
    assert (result.passed, result.passes, result.required) == (False, 3, 4)
    assert not judge(case({"contains": "yes"}, repeat=2), [hit, None], None, errors={1: "HTTP 500"}).passed
    assert judge(case({"contains": "yes"}, repeat=2, min_pass=0.5), [hit, None], None).passed


class ScriptedGrader:
    """A grader that scores by a keyword and records what it was asked (a Grader, not a mock)."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Conversation, Reply]] = []

    def grade(self, rubric: str, conversation: Conversation, reply: Reply) -> Grade:
        self.asked.append((rubric, conversation, reply))
        return Grade(1.0 if "north" in reply.text else 0.2, "names no direction")


def test_a_rubric_goes_to_the_grader_with_its_threshold() -> None:
    grader = ScriptedGrader()
    assert judge(case({"rubric": "says where", "threshold": 0.9}), [ANSWER], grader).passed
    [failure] = judge(case({"rubric": "says where"}), [Reply("somewhere")], grader).failures
    assert failure.expectation == 'rubric: "says where" (threshold 0.5)'
    assert failure.got.startswith("score 0.2 (names no direction)")
    assert grader.asked[0][1] == Conversation((Message("user", "hi"),))


def test_the_conversation_of_a_case() -> None:
    c = CheckCase.model_validate({"name": "c", "messages": [{"role": "user", "content": "a"},
                                                            {"role": "assistant", "content": "b"},
                                                            {"role": "user", "content": "c"}],
                                  "expect": [{"contains": "x"}], "functions": {"search": {"hits": 1}}})
    assert conversation_of(c) == Conversation(
        (Message("user", "a"), Message("assistant", "b"), Message("user", "c")), {"search": '{"hits": 1}'})
