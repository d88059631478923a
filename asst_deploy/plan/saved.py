"""A saved plan (``plan --out FILE``): the plan JSON plus what it was made against.

``apply FILE`` carries out exactly this plan, so it refuses one made for another project,
environment, api or backend, or one the account, manifests or lockfile have moved away from.
"""

from __future__ import annotations

import json
import shlex
from typing import Any
from dataclasses import dataclass
from pathlib import Path

from ..errors import AsstDeployError, StalePlanError
from .types import Plan

SAVED_PLAN_KIND = "asst-deploy saved plan"


@dataclass(frozen=True)
class SavedPlan:
    plan: Plan
    backend: str | None
    targets: tuple[str, ...]
    rotate_credentials: bool = False  # planned with --rotate-credentials: so is the fresh plan it is checked by


def save_plan(path: Path, result: Plan, *, backend: str, targets: tuple[str, ...],
              rotate_credentials: bool = False) -> None:
    doc = result.to_json()
    doc["saved"] = {"kind": SAVED_PLAN_KIND, "backend": backend, "targets": list(targets),
                    **({"rotate_credentials": True} if rotate_credentials else {})}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_saved_plan(path: Path) -> SavedPlan:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        saved = doc.get("saved") or {}
        if saved.get("kind") != SAVED_PLAN_KIND:
            raise ValueError("not a plan saved by `asst-deploy plan --out`")
        return SavedPlan(Plan.from_json(doc), saved.get("backend"), tuple(saved.get("targets") or ()),
                         saved.get("rotate_credentials") is True)
    except FileNotFoundError:
        raise AsstDeployError(f"{path}: no such plan file") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AsstDeployError(f"{path}: cannot read the saved plan ({exc})") from None


def apply_command(path: Path, *, project_dir: Path, environment: str, backend: str | None, api: str | None) -> str:
    """The whole ``asst-deploy apply`` command that carries out the plan saved at ``path``, from here."""
    words = ["asst-deploy", "apply"]
    cwd = Path.cwd().resolve()
    if project_dir.resolve() != cwd:
        words += ["--project-dir", str(project_dir)]
    if environment != "default":
        words += ["--env", environment]
    if backend:
        words += ["--backend", backend]
    if api:
        words += ["--api", api]
    return shlex.join([*words, str(path)])


def refuse_other_target(path: Path, saved: SavedPlan, *, project: str, environment: str, api: str,
                        backend: str) -> None:
    """Refuse a saved plan made for another project, environment, api or backend, naming which."""
    plan = saved.plan
    for what, made, now, flag in (("project", plan.project, project, None),
                                  ("environment", plan.environment, environment, "--env"),
                                  ("api", plan.api, api, "--api"),
                                  ("backend", saved.backend, backend, "--backend")):
        if made is not None and made != now:
            raise StalePlanError(
                f"{path} was made for {what} {made!r}, and this apply is for {what} {now!r}; nothing was changed",
                hint=(f"apply it with {flag} {made}, or plan again for {now}" if flag else
                      f"it belongs to another project's folder; plan again here"),
            )


def refuse_stale(saved: Plan, fresh: Plan) -> None:
    """Raise StalePlanError naming the first thing that differs between the saved and a fresh plan."""
    for what, a, b in (("the account", saved.observed_fingerprint, fresh.observed_fingerprint),
                       ("the manifests", saved.desired_fingerprint, fresh.desired_fingerprint),
                       ("the lockfile", saved.lock_fingerprint, fresh.lock_fingerprint)):
        if a != b:
            raise StalePlanError(f"saved plan is stale: {what} changed since it was made; run plan again")
    if (saved.project, saved.environment, saved.api) != (fresh.project, fresh.environment, fresh.api):
        raise StalePlanError("saved plan is stale: it was made for another project, environment or api")
    if _steps(saved, with_operations=bool(saved.operations)) != _steps(fresh, with_operations=bool(saved.operations)):
        # same inputs, other steps: the file was edited, so what a reviewer read may not be what runs
        raise StalePlanError("saved plan does not hold the changes and steps its manifests, account and lockfile "
                             "make (was the file edited?); nothing was changed; run plan again")


def _steps(plan: Plan, *, with_operations: bool) -> tuple[list[Any], list[Any]]:
    """What a reviewer reads of a plan (its changes) and what apply runs (its operations), as JSON."""
    from .ops import operation_to_json

    return ([change.to_json() for change in plan.changes],
            [operation_to_json(op) for op in plan.operations] if with_operations else [])
