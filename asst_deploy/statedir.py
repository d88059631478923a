"""The project's local state folder ``.asst-deploy/`` (the emulator's database, apply locks).

It carries its own ``.gitignore`` ignoring everything, so ``git add -A`` never commits a
database or a lock, whatever the project's own ``.gitignore`` says.
"""

from __future__ import annotations

from pathlib import Path

STATE_DIR = ".asst-deploy"
GITIGNORE = "# Written by asst-deploy: local state (emulator database, apply locks), never committed.\n*\n"


def state_folder(project_dir: Path) -> Path:
    """``project_dir/.asst-deploy``, created with its ``.gitignore`` if missing."""
    folder = project_dir / STATE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(GITIGNORE, encoding="utf-8")
    return folder
