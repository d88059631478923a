"""``asst-deploy init``: write ``asst-deploy.yaml`` with a project name that cannot collide by chance."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from ..config import CONFIG_FILE
from ..errors import EXIT_OK, AsstDeployError
from ..identity import init_project
from ..lock.locate import enclosing_config


def run_init(project_dir: Path, name: str | None = None, *, nested: bool = False, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    outer = None if nested or (project_dir / CONFIG_FILE).exists() else enclosing_config(str(project_dir))
    if outer is not None:
        raise AsstDeployError(
            f"{project_dir} is inside the project of {outer}: the commands run here already manage that "
            "project, so a second asst-deploy.yaml would start another project inside it",
            hint=f"run `asst-deploy plan` here (it finds {outer}), or `asst-deploy init --nested` for a separate "
                 "project in this folder",
        )
    chosen, why = init_project(project_dir, name)
    out.write(f"Wrote {project_dir / CONFIG_FILE} with project: {chosen} ({why}).\n")
    manifests = project_dir / "assistants"
    if not manifests.exists():
        manifests.mkdir()
        out.write(f"Created {manifests}/ for the manifests.\n")
    out.write("Next: write a manifest in assistants/ (see the README), then `asst-deploy validate` and "
              "`asst-deploy plan`. Commit asst-deploy.yaml: the project name must stay the same everywhere.\n")
    return EXIT_OK
