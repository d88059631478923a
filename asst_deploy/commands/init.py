"""``asst-deploy init``: write ``asst-deploy.yaml`` with a project name that cannot collide by chance."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from ..config import CONFIG_FILE
from ..errors import EXIT_OK
from ..identity import init_project


def run_init(project_dir: Path, name: str | None = None, *, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    chosen, why = init_project(project_dir, name)
    out.write(f"Wrote {project_dir / CONFIG_FILE} with project: {chosen} ({why}).\n")
    manifests = project_dir / "assistants"
    if not manifests.exists():
        manifests.mkdir()
        out.write(f"Created {manifests}/ for the manifests.\n")
    out.write("Next: write a manifest in assistants/ (see the README), then `asst-deploy validate` and "
              "`asst-deploy plan`. Commit asst-deploy.yaml: the project name must stay the same everywhere.\n")
    return EXIT_OK
