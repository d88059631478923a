"""``asst-deploy plan``: what apply would do, changing nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from ..console import Console
from ..errors import EXIT_CHANGES, EXIT_ERROR, EXIT_OK
from ..plan.saved import apply_command, save_plan
from ..session import Options, open_session

if TYPE_CHECKING:
    from ..project import Project

COMMENT_LIMIT = 65_536  # characters in a GitHub pull-request comment


def run_plan(options: Options, console: Console, *, fmt: str = "text", out_file: Path | None = None,
             detailed_exitcode: bool = False, color: bool = False, destroy: bool = False) -> int:
    from ..render import render

    # a plan changes nothing, so its project may come from the loaded-project cache
    with open_session(replace(options, cache=True), err=console.stderr, on_event=console.emit) as session:
        result, _ = session.plan(destroy=destroy)
        project = session.project
        if out_file is not None:
            save_plan(out_file, result, backend=session.connection.backend, targets=options.targets,
                      rotate_credentials=options.rotate_credentials)
    shown = render(result.to_json(fingerprints=fmt == "json"), fmt, color=color)
    console.out(shown)
    if fmt == "markdown" and len(shown) > COMMENT_LIMIT:
        console.warn(f"the markdown plan is {len(shown):,} characters; GitHub comments take at most "
                     f"{COMMENT_LIMIT:,}: post the summary and attach the full plan (--out) as an artifact")
    if out_file is not None and fmt == "text":
        command = apply_command(out_file, project_dir=options.project_dir, environment=result.environment,
                                backend=options.backend, api=options.api)
        what = "destroy plan" if destroy else "plan"
        console.out(f"\nSaved the {what} to {out_file}; `{command}` carries out exactly this plan.\n")
    if result.checks and _gate_refuses(console, project, result.checks, options.skip_checks):
        return EXIT_ERROR
    if detailed_exitcode and (not result.empty or result.lock_out_of_step):
        return EXIT_CHANGES
    return EXIT_OK


def _gate_refuses(console: Console, project: Project, checks: Mapping[str, Mapping[str, Any]], skip: str | None) -> bool:
    """Say what the promotion gate lets through and what it refuses; whether it refused any."""
    from ..checks.gate import refusals, skipped

    for line in skipped(checks, skip):
        console.warn(line)
    refused = refusals(project, checks)
    for line in refused:
        console.error(line)
    return bool(refused)
