"""Behaviour checks written beside a manifest (README: Behaviour checks): their format and rules.

A manifest's ``checks:`` (or the list in its ``checks_file:``) is never deployed: it is read here,
checked with ``file:line:col`` like the rest of the manifest, and handed to ``asst-deploy test``.
Expectations are one-key mappings named as promptfoo names its assertions (``contains``,
``regex``, ``tool_called``, ...), so that a misspelt one is an unknown key with a "did you mean".
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from pydantic import ValidationError

from ..errors import ManifestProblem
from ..spec import AssistantSpec, digest
from .models import EXPECTATIONS, CheckCase, ChecksFile, Expectation, Manifest
from .yamlpos import Located, Path_, Pos, load_documents

if TYPE_CHECKING:
    from .files import Resolver

@dataclass(frozen=True)
class CheckSuite:
    """One assistant's checks as read: the cases, where they are written, and their digest (what a
    passing ``test`` records, so an edit of a case needs a new pass)."""

    cases: tuple[CheckCase, ...] = ()
    source: str = ""
    digest: str = digest([])[:16]


def read_checks(manifest: Manifest, doc: Located, spec: AssistantSpec,
                resolver: "Resolver") -> tuple[CheckSuite, list[ManifestProblem]]:
    """The manifest's checks (inline, or from its checks_file), checked against its spec."""
    cases, where = list(manifest.checks or ()), doc
    if manifest.checks_file is not None:
        if manifest.checks is not None:
            return CheckSuite(), [doc.problem(("checks_file",), "give checks or checks_file, not both")]
        loaded, problems = _checks_file(manifest.checks_file, doc, resolver)
        if loaded is None:
            return CheckSuite(), problems
        cases, where = loaded
    problems = []

    def fail(path: Path_, message: str, *, key: bool = False) -> None:
        problems.append(where.problem(path, message, key=key))

    case_problems(cases, spec, fail)
    source = where.where(("checks",), key=True)[0]
    dumped = [case.model_dump(mode="json", exclude_none=True) for case in cases]
    return CheckSuite(tuple(cases), f"{source.file}:{source.line}", digest(dumped)[:16]), problems


def _checks_file(rel: str, doc: Located, resolver: "Resolver") -> tuple[
        tuple[list[CheckCase], Located] | None, list[ManifestProblem]]:
    """The cases of a checks file, each problem naming that file's own line and column."""
    path, why = resolver.one_file(rel)
    if path is None:
        return None, [doc.problem(("checks_file",), why or f"{rel!r} not found")]
    text, problems = resolver.read(path)
    if text is None:
        return None, problems
    docs, problems = load_documents(text, path)
    if problems:
        return None, problems
    if len(docs) != 1 or not isinstance(docs[0].data, list):
        return None, [(docs[0] if docs else Located(None, {(): Pos(path, 1, 1, ())})).problem(
            (), "a checks file holds one list of cases: - name: ..., input: ..., expect: [...]")]
    located = _under_checks(docs[0])
    try:
        checked = ChecksFile.model_validate(located.data)
    except ValidationError as exc:
        from .messages import problems_from

        return None, problems_from(exc, ChecksFile, located)
    return (checked.checks, located), []


def _under_checks(doc: Located) -> Located:
    """A checks file's list as if written under ``checks:``, so errors name ``checks[0].expect``."""
    def moved(table: dict[Path_, Pos]) -> dict[Path_, Pos]:
        return {("checks", *p): Pos(v.file, v.line, v.col, ("checks", *v.path)) for p, v in table.items()}

    values = moved(doc.values)
    values[()] = doc.values.get((), Pos(doc.values[()].file if () in doc.values else "", 1, 1, ()))
    return Located({"checks": doc.data}, values, moved(doc.keys),
                   {("checks", *p): raw for p, raw in doc.raw.items()})


# ---- what one value cannot tell ------------------------------------------------------------------


class Fail(Protocol):
    """Places a problem in the file the checks came from."""

    def __call__(self, path: Path_, message: str, *, key: bool = False) -> None: ...


def case_problems(cases: list[CheckCase], spec: AssistantSpec, fail: Fail) -> None:
    """Rules across fields, and against the manifest the cases check (its functions, files, format)."""
    seen: dict[str, int] = {}
    for index, case in enumerate(cases):
        at = ("checks", index)
        if case.name in seen:
            fail(at + ("name",), f"{case.name!r} is also the name of checks[{seen[case.name]}]; "
                                 "names must be unique within the assistant")
        seen.setdefault(case.name, index)
        if (case.input is None) == (case.messages is None):
            fail(at, "write `input` (the user's message) or `messages` (a conversation), one of them")
        elif case.messages is not None and case.messages[-1].role != "user":
            fail(at + ("messages", len(case.messages) - 1, "role"), "the last message must be the user's")
        functions = _functions(spec)
        for name in case.functions:
            if name not in functions:
                fail(at + ("functions", name), _not_a_function(name, functions), key=True)
        for n, expectation in enumerate(case.expect):
            _expectation_problems(expectation, spec, functions, at + ("expect", n), fail)


def _expectation_problems(expectation: Expectation, spec: AssistantSpec, functions: list[str],
                          at: tuple[Any, ...], fail: Fail) -> None:
    kinds = [k for k in EXPECTATIONS if getattr(expectation, k) is not None]
    if not kinds:
        fail(at, f"write one expectation: {', '.join(EXPECTATIONS)}")
        return
    if len(kinds) > 1:
        fail(at + (kinds[1],), f"one expectation per item: put {kinds[0]} and {kinds[1]} in two items", key=True)
        return
    kind, value = kinds[0], getattr(expectation, kinds[0])
    if expectation.threshold is not None and kind != "rubric":
        fail(at + ("threshold",), "threshold goes with rubric only", key=True)
    if value is False:
        fail(at + (kind,), f"{kind}: false checks nothing: write true, or remove it")
    elif kind == "regex":
        try:
            re.compile(value)
        except re.error as exc:
            fail(at + (kind,), f"not a regular expression: {exc}")
    elif kind == "json_schema":
        _schema_problem(value, spec, at + (kind,), fail)
    elif kind in ("tool_called", "tool_not_called"):
        name = value if isinstance(value, str) else value.name
        if name not in functions:
            fail(at + (kind,), _not_a_function(name, functions))
    elif kind == "cites":
        _cites_problem(value, spec, at + (kind,), fail)


def _schema_problem(value: Any, spec: AssistantSpec, at: tuple[Any, ...], fail: Fail) -> None:
    if value is True:
        if own_schema(spec) is None:
            fail(at, "true means the manifest's own response_format schema, and it has none: "
                     "write the schema here, or set response_format: {type: json_schema, ...}")
        return
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import Draft202012Validator, validator_for

    try:
        validator_for(value, default=Draft202012Validator).check_schema(value)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        fail(at, f"not a valid JSON Schema{' at ' + where if where else ''}: {exc.message}")


def _cites_problem(pattern: str, spec: AssistantSpec, at: tuple[Any, ...], fail: Fail) -> None:
    if not any(t.get("type") == "file_search" for t in spec.tools):
        fail(at, "the assistant has no file_search tool, so nothing is ever cited: add one, with files")
    elif not any(cited_by(pattern, f.path) for f in spec.files):
        fail(at, f"{pattern!r} names none of the assistant's retrieval files (files:)")


def cited_by(pattern: str, path: str) -> bool:
    """Whether a ``cites`` path or glob names the retrieval file at ``path``."""
    return path == pattern or fnmatch.fnmatchcase(path, pattern)


def own_schema(spec: AssistantSpec) -> dict[str, Any] | None:
    """The manifest's response_format JSON Schema, for ``json_schema: true``."""
    fmt = spec.response_format
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        schema = (fmt.get("json_schema") or {}).get("schema")
        return schema if isinstance(schema, dict) else None
    return None


def _functions(spec: AssistantSpec) -> list[str]:
    return [str(t.get("name") or (t.get("function") or {}).get("name"))
            for t in spec.tools if t.get("type") == "function"]


def _not_a_function(name: str, functions: list[str]) -> str:
    from .messages import did_you_mean

    hint = did_you_mean(name, functions)
    known = ", ".join(functions) or "none"
    return f"{name!r} is not a function of this assistant{hint or f' (its functions: {known})'}"
