"""``asst-deploy validate``: check every manifest (and every environment) before any request."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from ..errors import EXIT_ERROR, EXIT_OK
from ..project import check_project


def run_validate(project_dir: Path, env: str | None, api: str | None, out: TextIO,
                 err: TextIO | None = None) -> int:
    """Print every problem, sorted, and return 1; or print a one-line summary and return 0.

    Without ``env`` every declared environment is checked, each under its own api.
    Raises AsstDeployError for an unknown environment (the CLI maps it to exit 1).
    """
    result = check_project(Path(project_dir), env, api)
    for warning in result.warnings:
        print(f"warning: {warning}", file=err or sys.stderr)
    problems, count = result.problems, result.manifests
    if problems:
        for problem in problems:
            print(problem, file=out)
        n = len(problems)
        print(f"{n} error{'s' if n != 1 else ''} found; nothing was sent to the API.", file=out)
        return EXIT_ERROR
    envs = ", ".join(f"{name} (api: {api_})" for name, api_ in result.environments.items())
    print(f"{count} manifest{'s' if count != 1 else ''} valid (environments: {envs})", file=out)
    return EXIT_OK
