"""A test run's report: text for a terminal, markdown for a pull-request comment, JSON for a
program, JUnit XML for a CI system (one testcase per case, failures counted). Layout only: the
results come judged (:mod:`.judge`)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from .suite import Outcome

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Report:
    """What ran where, every case's outcome, what the deployment lacks of the manifests (pending
    plan changes, by assistant), and how long it took."""

    project: str
    environment: str
    api: str
    outcomes: tuple[Outcome, ...]
    pending: tuple[str, ...] = ()
    without_checks: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.result.passed]

    @property
    def passed(self) -> bool:
        return not self.failed

    def title(self) -> str:
        return f"asst-deploy test: project {self.project}, environment {self.environment}, api {self.api}"

    def summary(self) -> str:
        n, bad = len(self.outcomes), self.failed
        failed = f", {len(bad)} failed ({', '.join(_label(o) for o in bad)})" if bad else ""
        lacking = f"; {len(self.without_checks)} assistant(s) without checks" if self.without_checks else ""
        return f"{n} case(s): {n - len(bad)} passed{failed}{lacking}. {self.seconds:.1f} s"


def _label(outcome: Outcome) -> str:
    return f"{outcome.assistant}: {outcome.result.case}"


def _counts(outcome: Outcome) -> str:
    result = outcome.result
    return f"{result.passes}/{len(result.attempts)} passed" + (
        f", {result.required} needed" if len(result.attempts) > 1 else "")


def pending_note(report: Report) -> str | None:
    if not report.pending:
        return None
    return (f"the deployment differs from the manifests for {', '.join(report.pending)} (`asst-deploy plan "
            f"--env {report.environment}` shows how): the checks ran against what is deployed, and no evidence "
            "is recorded for those")


def render_text(report: Report) -> str:
    out = [report.title(), ""]
    note = pending_note(report)
    if note:
        out += [f"Note: {note}", ""]
    for outcome in report.outcomes:
        verdict = "PASS" if outcome.result.passed else "FAIL"
        out.append(f"{verdict} {_label(outcome)} ({_counts(outcome)})")
        if not outcome.result.passed:
            for failure in outcome.result.failures:
                out += [f"    expected {failure.expectation}", f"      got {failure.got}"]
    out += ["", report.summary()]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    icon = "✅" if report.passed else "❌"
    parts = [f"### {icon} {report.title()}"]
    note = pending_note(report)
    if note:
        parts.append(f"> **Note:** {note}")
    rows = ["| | assistant | case | repeats |", "|---|---|---|---|"]
    rows += [f"| {'✅' if o.result.passed else '❌'} | {_cell(o.assistant)} | {_cell(o.result.case)} | {_counts(o)} |"
             for o in report.outcomes]
    parts.append("\n".join(rows))
    for outcome in report.failed:
        lines = [f"**{_cell(_label(outcome))}** failed:", ""]
        lines += [f"- expected `{_cell(f.expectation)}`<br>got: {_cell(f.got)}" for f in outcome.result.failures]
        parts.append("\n".join(lines))
    parts.append(f"**{report.summary()}**")
    return "\n\n".join(parts) + "\n"


def to_json(report: Report) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "project": report.project, "environment": report.environment, "api": report.api,
        "passed": report.passed,
        "summary": {"cases": len(report.outcomes), "passed": len(report.outcomes) - len(report.failed),
                    "failed": len(report.failed), "seconds": round(report.seconds, 3)},
        "pending": list(report.pending),
        "without_checks": list(report.without_checks),
        "cases": [{"assistant": o.assistant, "case": o.result.case, "passed": o.result.passed,
                   "passes": o.result.passes, "repeats": len(o.result.attempts), "required": o.result.required,
                   "seconds": round(o.seconds, 3),
                   "failures": [{"expectation": f.expectation, "got": f.got} for f in o.result.failures]}
                  for o in report.outcomes],
    }


def render_json(report: Report) -> str:
    return json.dumps(to_json(report), indent=2, ensure_ascii=False) + "\n"


def render_junit(report: Report) -> str:
    """JUnit XML as CI systems read it: a testsuite per assistant, a testcase per case."""
    root = ET.Element("testsuites", name=f"asst-deploy test {report.environment}", tests=str(len(report.outcomes)),
                      failures=str(len(report.failed)), errors="0", time=f"{report.seconds:.3f}")
    suites: dict[str, ET.Element] = {}
    for outcome in report.outcomes:
        suite = suites.get(outcome.assistant)
        if suite is None:
            suite = suites[outcome.assistant] = ET.SubElement(
                root, "testsuite", name=outcome.assistant, tests="0", failures="0", errors="0", time="0")
        suite.set("tests", str(int(suite.get("tests", "0")) + 1))
        suite.set("time", f"{float(suite.get('time', '0')) + outcome.seconds:.3f}")
        case = ET.SubElement(suite, "testcase", classname=f"{report.environment}.{outcome.assistant}",
                             name=outcome.result.case, time=f"{outcome.seconds:.3f}")
        if not outcome.result.passed:
            suite.set("failures", str(int(suite.get("failures", "0")) + 1))
            failures = outcome.result.failures
            failure = ET.SubElement(case, "failure", type="expectation",
                                    message=f"{_counts(outcome)}: expected {failures[0].expectation}" if failures
                                    else _counts(outcome))
            failure.text = "\n".join(f"expected {f.expectation}\n  got {f.got}" for f in failures)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
