"""``asst-deploy test`` from start to end: what is deployed is planned against the manifests first
(a pending change is said, and no evidence is recorded for it), every case runs concurrently
through the runner of the project's api, the reports are written, and a passing assistant's
evidence goes into the environment's lockfile (under the apply lock: an apply never races it)."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass
from pathlib import Path

from ..apply_lock import apply_lock
from ..console import Console
from ..errors import EXIT_ERROR, EXIT_OK, AsstDeployError
from ..lock.entry import write_document
from ..lock.evidence import Evidence, record_evidence
from ..manifest.checks import own_schema
from ..project import Project
from ..session import Options, Session, load, open_session, read_lockfile
from .judge import Context
from .report import RENDERERS, Report, pending_note, render_junit
from .grading import RubricGrader
from .run import runner_for
from .suite import Job, run_jobs

EVIDENCE_LOCK_WAIT = 60.0  # seconds to wait for an apply of the environment to end before recording


@dataclass(frozen=True)
class TestRequest:
    """What the user asked of this test run, beside the common options."""

    fmt: str = "text"
    junit: Path | None = None
    out_file: Path | None = None  # the report in --format goes here instead of stdout


def run_checks(options: Options, request: TestRequest, console: Console) -> int:
    started = time.monotonic()
    loaded = load(options, err=console.stderr)
    project = loaded.project
    with open_session(options, err=console.stderr, loaded=loaded, on_event=console.emit) as session:
        names = _names(session)
        plan, _ = session.plan()
        pending = tuple(sorted({c.name for c in plan.changes if c.name in names}))
        report = Report(project.config.project or "", project.environment, project.api, (), pending)
        note = pending_note(report)
        if note:
            console.warn(note)
        jobs = _jobs(session, names)
        outcomes = run_jobs(jobs, RubricGrader(session.client), session.parallelism, console.emit)
    without = tuple(n for n in names if not project.checks.get(n) or not project.checks[n].cases)
    report = Report(report.project, report.environment, report.api, tuple(outcomes), pending, without,
                    time.monotonic() - started)
    _write(report, request, console)
    _record(session, report, names)
    return EXIT_OK if report.passed else EXIT_ERROR


def _names(session: Session) -> list[str]:
    """The assistants to check: every manifest, or those --target names."""
    known = [spec.name for spec in session.project.specs]
    targets = session.options.targets
    unknown = [t for t in targets if t not in known]
    if unknown:
        raise AsstDeployError(f"--target {unknown[0]!r}: no manifest has that name (known: {', '.join(known)})")
    return [n for n in known if not targets or n in targets]


def _jobs(session: Session, names: list[str]) -> list[Job]:
    """One job per case of every named assistant, refusing first what was never deployed."""
    project, lock = session.project, session.lock
    with_cases = [n for n in names if n in project.checks and project.checks[n].cases]
    missing = [n for n in with_cases if n not in lock.entries]
    if missing:
        raise AsstDeployError(f"not deployed in {project.environment!r}: {', '.join(missing)}; run "
                              f"`asst-deploy apply --env {project.environment}` first (checks run against what "
                              "is deployed)")
    specs = {spec.name: spec for spec in project.specs}
    jobs = []
    for name in with_cases:
        entry = lock.entries[name]
        runner = runner_for(project.api, entry, session.client, name)
        context = Context({item.id: path for path, item in entry.files.items()}, own_schema(specs[name]))
        jobs += [Job(name, case, runner, context) for case in project.checks[name].cases]
    return jobs


def _write(report: Report, request: TestRequest, console: Console) -> None:
    shown = RENDERERS[request.fmt](report)
    if request.out_file is not None:
        request.out_file.write_text(shown, encoding="utf-8")
        console.out(report.summary() + f" Report: {request.out_file}\n")
    else:
        console.out(shown)
    if request.junit is not None:
        request.junit.write_text(render_junit(report), encoding="utf-8")


def _record(session: Session, report: Report, names: list[str]) -> None:
    """Each tested assistant's evidence (pass or not) in the environment's lockfile; none for an
    assistant whose deployment differs from its manifest, since what ran is not what is written."""
    project: Project = session.project
    at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
    records = {}
    for name in names:
        if name in report.pending or name not in project.own_digests:
            continue
        outcomes = [o for o in report.outcomes if o.assistant == name]
        records[name] = Evidence(project.own_digests[name], project.checks[name].digest,
                                 len(outcomes), sum(o.result.passed for o in outcomes), at)
    if not records:
        return
    with apply_lock(project.root, project.environment, EVIDENCE_LOCK_WAIT):
        lock = read_lockfile(project, session.owner)  # as it is now: an apply may have written since
        record_evidence(lock, records)
        write_document(project.lockfile, lock)
