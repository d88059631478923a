"""Each changed assistant's check status, and the promotion gate built on it.

An environment with ``promote_from: dev`` takes an assistant only when dev's lockfile records a
passing ``asst-deploy test`` of its current manifest (before environment overlays) and checks;
any other environment shows whether its own lockfile does. ``--skip-checks REASON`` lets a
change through, said and recorded with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .. import config as cfg
from ..errors import AsstDeployError
from ..lock.entry import read_document
from ..lock.evidence import Evidence, read_evidence
from ..lock.file import LockfileError
from ..project import Project

PASSED, NOT_PASSED, SKIPPED = "passed", "not_passed", "skipped"


@dataclass(frozen=True)
class CheckStatus:
    """One assistant's status: ``passed``, ``not_passed`` or ``skipped``, and a sentence for people."""

    status: str
    detail: str
    gated: bool = False  # an environment's promotion needs the pass

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "detail": self.detail, "gated": self.gated}


def evidence_of(project: Project, env: str) -> dict[str, Evidence]:
    """What ``env``'s lockfile records of passing checks (nothing when it has no lockfile yet)."""
    path = cfg.lockfile_path(project.root, project.config, env)
    try:
        lock = read_document(path, project.config.project or "", env)
    except LockfileError as exc:
        raise AsstDeployError(str(exc)) from None
    return read_evidence(lock)


def statuses(project: Project, names: Iterable[str], skip: str | None = None) -> dict[str, CheckStatus]:
    """The status of each named assistant that has a manifest, against the environment it is
    promoted from (``promote_from``), else against its own."""
    # a name without an own digest has no manifest (a delete), or the project has no checks and
    # promotes nothing: no status, and no lockfile read
    source = cfg.environment(project.config, project.environment).promote_from
    # where nothing is gated, an assistant without cases has nothing to say: no status
    wanted = sorted(n for n in set(names) if n in project.own_digests
                    and (source is not None or _cases(project, n)))
    if not wanted:
        return {}
    records = evidence_of(project, source or project.environment)
    return {name: _status(project, name, records.get(name), source or project.environment, source is not None, skip)
            for name in wanted}


def _status(project: Project, name: str, record: Evidence | None, source: str, gated: bool,
            skip: str | None) -> CheckStatus:
    suite = project.checks.get(name)
    cases = _cases(project, name)
    if record is not None and suite is not None and record.proves(project.own_digests[name], suite.digest):
        return CheckStatus(PASSED, f"{record.passed}/{record.cases} case(s) passed in {source} at {record.at}", gated)
    if skip is not None and gated:
        return CheckStatus(SKIPPED, f"checks skipped: {skip}", gated)
    what = "its current manifest and checks" if record is not None else f"its {cases} case(s)"
    return CheckStatus(NOT_PASSED, f"no passing `asst-deploy test --env {source}` of {what}", gated)


def _cases(project: Project, name: str) -> int:
    suite = project.checks.get(name)
    return len(suite.cases) if suite else 0


def refusals(project: Project, found: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per assistant the promotion refuses (``found``: a plan's ``checks``), naming the
    commands that would let it through."""
    source = cfg.environment(project.config, project.environment).promote_from
    return [f"{name}: {status['detail']}, and environment {project.environment!r} takes only what passed there: "
            f"run `asst-deploy apply --env {source}` then `asst-deploy test --env {source}` (or pass --skip-checks "
            "REASON)" for name, status in found.items() if status.get("gated") and status.get("status") == NOT_PASSED]


def skipped(found: Mapping[str, Mapping[str, Any]], reason: str | None) -> list[str]:
    """What an override lets through, said as it happens."""
    names = [name for name, status in found.items() if status.get("status") == SKIPPED]
    return [f"checks skipped for {', '.join(names)} (--skip-checks): {reason}"] if names else []


def skip_records(project: Project, found: Mapping[str, Mapping[str, Any]], reason: str,
                 at: str) -> dict[str, Evidence]:
    """What an apply that skipped the checks records of each assistant it let through."""
    return {name: Evidence(project.own_digests[name], project.checks[name].digest, at=at, skipped=reason)
            for name, status in found.items() if status.get("status") == SKIPPED}
