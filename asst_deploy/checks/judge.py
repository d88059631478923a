"""Judging a case: its expectations read against the replies its repeats got back. Pure, apart from
the grader a rubric asks (a model call, made through the :class:`~.reply.Grader` given).

Each failure keeps the expectation as written and what came back, shortened, so that a report
says why without a second run.
"""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable

from ..manifest.checks import cited_by
from ..manifest.models import DEFAULT_THRESHOLD, CheckCase, Expectation, ToolCallMatch, kind_of
from .reply import Conversation, Grader, Message, Reply

SHOWN = 200  # characters of an answer a failure quotes


@dataclass(frozen=True)
class Context:
    """What a case is judged with beside its replies: the deployed files' paths by file id (the
    lockfile's), for ``cites``, and the manifest's response_format schema, for ``json_schema: true``."""

    file_paths: Mapping[str, str] = field(default_factory=dict)
    response_schema: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Failure:
    """One expectation that did not hold: as written, and what came back instead."""

    expectation: str
    got: str


@dataclass(frozen=True)
class Attempt:
    """One repeat of a case: the reply (None when the run itself failed) and what failed."""

    reply: Reply | None
    failures: tuple[Failure, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class CaseResult:
    """A case over all its repeats: it passes when at least ``required`` of them did."""

    case: str
    attempts: tuple[Attempt, ...]
    required: int

    @property
    def passes(self) -> int:
        return sum(a.passed for a in self.attempts)

    @property
    def passed(self) -> bool:
        return self.passes >= self.required

    @property
    def failures(self) -> tuple[Failure, ...]:
        """The failures of the first repeat that failed (the ones a report shows)."""
        return next((a.failures for a in self.attempts if not a.passed), ())


def required_passes(case: CheckCase) -> int:
    """How many of a case's repeats must pass: ``min_pass`` of them, rounded up."""
    return max(1, math.ceil(case.min_pass * case.repeat - 1e-9)) if case.min_pass > 0 else 0


def conversation_of(case: CheckCase) -> Conversation:
    """What a runner sends for a case: its messages (``input`` as one user message) and the
    outputs of its functions."""
    messages = [Message("user", case.input)] if case.input is not None else [
        Message(m.role, m.content) for m in case.messages or ()]
    return Conversation(tuple(messages), {name: case.output_of(name) for name in case.functions})


def judge(case: CheckCase, replies: list[Reply | None], grader: Grader | None,
          context: Context = Context(), errors: Mapping[int, str] | None = None) -> CaseResult:
    """The case's result from one reply per repeat (None, with its error in ``errors``, when the
    run itself failed)."""
    attempts = [judge_one(case, reply, grader, context, (errors or {}).get(n)) for n, reply in enumerate(replies)]
    return CaseResult(case.name, tuple(attempts), required_passes(case))


def judge_one(case: CheckCase, reply: Reply | None, grader: Grader | None, context: Context = Context(),
              error: str | None = None) -> Attempt:
    """One repeat: its reply judged, or the error that kept it from one."""
    if reply is None:
        return Attempt(None, (Failure("a reply", shorten(error or "no reply")),))
    return Attempt(reply, tuple(_failures(case, reply, grader, context)))


def _failures(case: CheckCase, reply: Reply, grader: Grader | None, context: Context) -> list[Failure]:
    if reply.unanswered_function is not None:
        return [Failure(f"an answer for every function called (functions: {', '.join(case.functions) or 'none'})",
                        f"the model called {reply.unanswered_function!r}, which the case's functions: does not "
                        "answer")]
    out = []
    for expectation in case.expect:
        got = _check(expectation, case, reply, grader, context)
        if got is not None:
            out.append(Failure(describe(expectation), got))
    return out


def describe(expectation: Expectation) -> str:
    """An expectation as a person wrote it: ``contains: "pirate"``."""
    kind = kind_of(expectation)
    value = getattr(expectation, kind)
    shown = value.model_dump(exclude_none=True) if isinstance(value, ToolCallMatch) else value
    text = f"{kind}: {json.dumps(shown, ensure_ascii=False)}"
    if kind == "rubric":
        text += f" (threshold {expectation.threshold if expectation.threshold is not None else DEFAULT_THRESHOLD})"
    return shorten(text)


def shorten(text: str, width: int = SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _answer(reply: Reply) -> str:
    return f"answer: {json.dumps(shorten(reply.text), ensure_ascii=False)}" if reply.text else "an empty answer"


_TextCheck = Callable[[str, Any], bool]
_TEXT_CHECKS: dict[str, _TextCheck] = {
    "contains": lambda text, v: v in text,
    "icontains": lambda text, v: v.casefold() in text.casefold(),
    "contains_any": lambda text, v: any(s in text for s in v),
    "contains_all": lambda text, v: all(s in text for s in v),
    "not_contains": lambda text, v: v not in text,
    "regex": lambda text, v: re.search(v, text) is not None,
    "equals": lambda text, v: text.strip() == v.strip(),
}


def _check(expectation: Expectation, case: CheckCase, reply: Reply, grader: Grader | None,
           context: Context) -> str | None:
    """None when the expectation holds, else what came back."""
    kind = kind_of(expectation)
    value = getattr(expectation, kind)
    if kind in _TEXT_CHECKS:
        return None if _TEXT_CHECKS[kind](reply.text, value) else _answer(reply)
    if kind in ("is_json", "json_schema"):
        return _json_check(reply, value if kind == "json_schema" else None, context)
    if kind == "tool_called":
        match = value if isinstance(value, ToolCallMatch) else ToolCallMatch(name=value, arguments=None)
        return None if any(_matches(call.name, call.arguments, match) for call in reply.tool_calls) else _calls(reply)
    if kind == "tool_not_called":
        return _calls(reply) if any(call.name == value for call in reply.tool_calls) else None
    if kind == "cites":
        paths = [context.file_paths.get(c.file_id, c.file_id) for c in reply.citations]
        if any(cited_by(value, path) for path in paths):
            return None
        return f"cited: {', '.join(dict.fromkeys(paths))}" if paths else f"no citation; {_answer(reply)}"
    return _rubric(expectation, case, reply, grader)


def _json_check(reply: Reply, schema: Any, context: Context) -> str | None:
    try:
        data = json.loads(reply.text)
    except json.JSONDecodeError as exc:
        return f"not JSON ({exc.msg}); {_answer(reply)}"
    if schema is None:
        return None
    if schema is True:
        schema = dict(context.response_schema or {})
    from jsonschema.validators import Draft202012Validator, validator_for

    validator = validator_for(schema, default=Draft202012Validator)(schema)
    error = next(iter(validator.iter_errors(data)), None)
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{error.message}{' at ' + where if where else ''}; {_answer(reply)}"


def _matches(name: str, arguments: str, match: ToolCallMatch) -> bool:
    if name != match.name:
        return False
    if not match.arguments:
        return True
    try:
        sent = json.loads(arguments or "{}")
    except ValueError:
        return False
    return _subset(match.arguments, sent)


def _subset(want: Any, got: Any) -> bool:
    """``want`` is found in ``got``: mappings key by key (more keys in ``got`` are fine)."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and _subset(v, got[k]) for k, v in want.items())
    return bool(want == got)


def _calls(reply: Reply) -> str:
    if not reply.tool_calls:
        return f"no function called; {_answer(reply)}"
    return "called: " + shorten(", ".join(f"{c.name}({c.arguments})" for c in reply.tool_calls))


def _rubric(expectation: Expectation, case: CheckCase, reply: Reply, grader: Grader | None) -> str | None:
    if grader is None:
        return "no grader to judge a rubric"
    threshold = expectation.threshold if expectation.threshold is not None else DEFAULT_THRESHOLD
    try:
        grade = grader.grade(str(expectation.rubric), conversation_of(case), reply)
    except Exception as exc:  # an API error, a refused grader: the case fails, saying why
        return f"the grader failed: {shorten(str(exc), 160)}"
    if grade.score >= threshold:
        return None
    why = f" ({shorten(grade.reason, 120)})" if grade.reason else ""
    return f"score {grade.score:g}{why}; {_answer(reply)}"
