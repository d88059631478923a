"""``asst-deploy plan``: what apply would do, changing nothing."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from ..errors import EXIT_CHANGES, EXIT_OK, AsstDeployError
from ..observe import observe
from ..plan.planner import Desired, plan
from ..plan.types import Plan
from ..spec import normalize
from .session import Options, Session, open_session

SAVED_PLAN_KIND = "asst-deploy saved plan"
COMMENT_LIMIT = 65_536  # characters in a GitHub pull-request comment


def desired_state(session: Session, *, destroy: bool = False) -> Desired:
    target = session.target
    specs = () if destroy else tuple(target.canonical(normalize(s, target.defaults)) for s in session.project.specs)
    targets = frozenset(session.options.targets) if session.options.targets else None
    if targets:
        known = {s.name for s in session.project.specs} | set(session.lock["assistants"])
        unknown = sorted(targets - known)
        if unknown:
            raise AsstDeployError(f"--target {', '.join(unknown)}: no such assistant; known: {', '.join(sorted(known))}")
    return Desired(
        project=session.owner.project,
        environment=session.owner.environment,
        api=session.project.api,
        kind=target.kind,
        specs=specs,
        ignore_unset=target.ignore_unset,
        write_only=target.write_only,
        targets=targets,
    )


def compute_plan(session: Session, *, destroy: bool = False) -> tuple[Plan, Desired]:
    desired = desired_state(session, destroy=destroy)
    observed = observe(
        (session.target, *session.previous_targets), session.storage, session.owner, session.lock,
        parallelism=session.parallelism,
    )
    result = plan(desired, observed, session.lock)
    return replace(result, notes=result.notes + _api_notes(session)), desired


def _api_notes(session: Session) -> tuple[str, ...]:
    """What the chosen API keeps only in the manifest, so nobody thinks it was deployed."""
    api = session.project.api
    if api != "assistants" and any(s.description for s in session.project.specs):
        return (f"api: {api} has no description field: descriptions stay in the manifests as documentation",)
    return ()


def save_plan(path: Path, result: Plan, session: Session) -> None:
    doc = result.to_json()
    doc["saved"] = {"kind": SAVED_PLAN_KIND, "backend": session.connection.backend,
                    "targets": list(session.options.targets)}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def run_plan(options: Options, *, fmt: str = "text", out_file: Path | None = None,
             detailed_exitcode: bool = False, out: TextIO | None = None, err: TextIO | None = None,
             color: bool = False) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    from ..render import render

    with open_session(options, err=err) as session:
        result, _ = compute_plan(session)
        if out_file is not None:
            save_plan(out_file, result, session)
    shown = render(result.to_json(), fmt, color=color)
    out.write(shown)
    if fmt == "markdown" and len(shown) > COMMENT_LIMIT:
        err.write(f"warning: the markdown plan is {len(shown):,} characters; GitHub comments take at most "
                  f"{COMMENT_LIMIT:,}: post the summary and attach the full plan (--out) as an artifact\n")
    if out_file is not None and fmt == "text":
        out.write(f"\nSaved the plan to {out_file}; `asst-deploy apply {out_file}` carries out exactly this plan.\n")
    if detailed_exitcode and not result.empty:
        return EXIT_CHANGES
    return EXIT_OK


def load_saved_plan(path: Path) -> tuple[Plan, dict[str, Any]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        saved = doc.get("saved") or {}
        if saved.get("kind") != SAVED_PLAN_KIND:
            raise ValueError("not a plan saved by `asst-deploy plan --out`")
        return Plan.from_json(doc), saved
    except FileNotFoundError:
        raise AsstDeployError(f"{path}: no such plan file") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise AsstDeployError(f"{path}: cannot read the saved plan ({exc})") from None


def targeted(options: Options, saved: dict[str, Any]) -> Options:
    return replace(options, targets=tuple(saved.get("targets") or ()))
