"""The same checks as a promptfoo config, for teams that also evaluate or red-team with promptfoo.

One config per assistant, its provider pointed at what the environment deployed (the lockfile's
ids and Responses kwargs): ``openai:assistant:<id>``, ``openai:agents-api`` with the agent's
``agent_id``, or ``openai:responses:<model>`` with the deployed settings. Expectations map to
promptfoo's assertions of the same names; those promptfoo has no counterpart for (a function
called, a file cited, repeat/min_pass) are named in the test's metadata and said as warnings,
never dropped silently. Pure: nothing is sent.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..lock.entry import LockEntry
from ..manifest.checks import CheckSuite, own_schema
from ..manifest.models import CheckCase, Expectation, kind_of
from ..spec import AssistantSpec

if TYPE_CHECKING:
    from ..lock.entry import LockDocument
    from ..project import Project

# expectation -> promptfoo assertion type (README: Behaviour checks)
ASSERTIONS = {"contains": "contains", "icontains": "icontains", "contains_any": "contains-any",
              "contains_all": "contains-all", "not_contains": "not-contains", "regex": "regex",
              "equals": "equals", "is_json": "is-json", "json_schema": "is-json", "rubric": "llm-rubric"}
PROMPT = "{{input}}"  # a case's input, or its conversation as JSON chat messages


@dataclass
class Exported:
    """One assistant's promptfoo config and what it could not carry over."""

    name: str
    config: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None  # where it was written


def promptfoo_config(spec: AssistantSpec, suite: CheckSuite, entry: LockEntry, api: str, where: str) -> Exported:
    """The config of one deployed assistant's checks; ``where`` names project and environment."""
    out = Exported(spec.name, {})
    provider = _provider(spec.name, entry, api, suite.cases, out)
    out.config = {
        "description": f"asst-deploy checks of {spec.name} ({where})",
        "prompts": [PROMPT],
        "providers": [provider],
        "tests": [_test(case, spec, out) for case in suite.cases],
    }
    return out


def _provider(name: str, entry: LockEntry, api: str, cases: tuple[CheckCase, ...], out: Exported) -> dict[str, Any]:
    callbacks = _callbacks(cases, out)
    if api == "responses":
        kwargs = copy.deepcopy(entry.responses or {})
        for ref in entry.responses_env or ():  # secrets: promptfoo reads the same variables
            _put(kwargs, ref["path"], "{{ env." + str(ref["env"]) + " }}")
        model = kwargs.pop("model", "")
        return {"id": f"openai:responses:{model}", "label": name,
                "config": {**kwargs, **({"functionToolCallbacks": callbacks} if callbacks else {})}}
    if api == "agents":
        if callbacks:
            out.warnings.append("the agents-api provider answers no function calls: cases that need `functions:` "
                                "may stop at a call")
        return {"id": "openai:agents-api", "label": name, "config": {"agent_id": entry.id}}
    return {"id": f"openai:assistant:{entry.id}", "label": name,
            **({"config": {"functionToolCallbacks": callbacks}} if callbacks else {})}


def _callbacks(cases: tuple[CheckCase, ...], out: Exported) -> dict[str, str]:
    """Each function's output as a promptfoo callback; promptfoo takes one per provider, not per test."""
    outputs: dict[str, str] = {}
    for case in cases:
        for function in case.functions:
            text = case.output_of(function)
            if outputs.setdefault(function, text) != text:
                out.warnings.append(f"cases answer {function} differently; the promptfoo config answers it as "
                                    "the first case does")
    return {name: f"async () => {json.dumps(text, ensure_ascii=False)}" for name, text in outputs.items()}


def _put(data: dict[str, Any], path: list[Any], value: str) -> None:
    holder: Any = data
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = value


def _test(case: CheckCase, spec: AssistantSpec, out: Exported) -> dict[str, Any]:
    asserts, left = [], []
    for expectation in case.expect:
        converted = _assertion(expectation, spec)
        if converted is None:
            left.append(kind_of(expectation))
        else:
            asserts.append(converted)
    if case.repeat > 1:
        left.append(f"repeat {case.repeat}, min_pass {case.min_pass:g}")
    if left:
        out.warnings.append(f"{case.name}: promptfoo has no counterpart of {', '.join(left)}: left out")
    text = case.input if case.input is not None else json.dumps(
        [m.model_dump() for m in case.messages or ()], ensure_ascii=False)
    return {"description": case.name, "vars": {"input": text}, "assert": asserts,
            **({"metadata": {"not_exported": left}} if left else {})}


def _assertion(expectation: Expectation, spec: AssistantSpec) -> dict[str, Any] | None:
    kind = kind_of(expectation)
    if kind not in ASSERTIONS:
        return None
    value = getattr(expectation, kind)
    out: dict[str, Any] = {"type": ASSERTIONS[kind]}
    if kind == "json_schema":
        out["value"] = own_schema(spec) if value is True else value
    elif kind != "is_json":
        out["value"] = value
    if kind == "rubric" and expectation.threshold is not None:
        out["threshold"] = expectation.threshold
    return out


HEADER = ("# Written by `asst-deploy export --format promptfoo`: the checks of {name} against what {where} deployed.\n"
          "# Run: npx promptfoo@latest eval -c {file}\n")


def write_configs(project: "Project", lock: "LockDocument", out_dir: Path) -> list[Exported]:
    """A ``promptfooconfig.<name>.yaml`` per deployed assistant with checks, written to ``out_dir``."""
    import yaml

    where = f"project {project.config.project}, environment {project.environment}"
    written = []
    for spec in project.specs:
        suite = project.checks.get(spec.name)
        entry = lock.entries.get(spec.name)
        if suite is None or not suite.cases or entry is None:
            continue
        exported = promptfoo_config(spec, suite, entry, project.api, where)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"promptfooconfig.{spec.name}.yaml"
        text = yaml.safe_dump(exported.config, sort_keys=False, allow_unicode=True, width=120)
        path.write_text(HEADER.format(name=spec.name, where=where, file=path.name) + text, encoding="utf-8")
        exported.path = path
        written.append(exported)
    return written
