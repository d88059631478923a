"""``asst-deploy validate``: check every manifest (and every environment) before any request."""

from __future__ import annotations

from pathlib import Path

from ..console import Console
from ..errors import EXIT_ERROR, EXIT_OK
from ..assemble import check_project


def run_validate(project_dir: Path, env: str | None, api: str | None, console: Console) -> int:
    """Say every problem, sorted, on stderr and return 1; or print a one-line summary and return 0.

    Without ``env`` every declared environment is checked, each under its own api.
    Raises AsstDeployError for an unknown environment (the CLI maps it to exit 1).
    """
    result = check_project(Path(project_dir), env, api)
    for warning in result.warnings:
        console.warn(warning)
    problems, count = result.problems, result.manifests
    if problems:
        for problem in problems:
            console.say(str(problem))
        n = len(problems)
        console.say(f"{n} error{'s' if n != 1 else ''} found; nothing was sent to the API.")
        return EXIT_ERROR
    envs = ", ".join(f"{name} (api: {api_})" for name, api_ in result.environments.items())
    console.out(f"{count} manifest{'s' if count != 1 else ''} valid (environments: {envs})\n")
    return EXIT_OK
