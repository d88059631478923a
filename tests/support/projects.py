"""Projects on disk for tests: a copy of the bundled example, or a few files written out."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLE_PARTS = ("asst-deploy.yaml", "assistants", "prompts", "docs", "data", "schemas")


def copy_example(root: Path) -> Path:
    """A copy of the repository's example project (config, manifests and the files they name)."""
    root.mkdir(parents=True, exist_ok=True)
    for part in EXAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.exists():
            shutil.copy(source, root / part)
    return root


def write_project(root: Path, files: dict[str, str | bytes], *, lstrip: bool = True) -> Path:
    """A project folder holding ``files`` (relative path -> text, dedented, or bytes as they are).

    ``lstrip=False`` keeps a leading newline, for tests whose expected line numbers count it."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            text = textwrap.dedent(content)
            path.write_text((text.lstrip("\n") if lstrip else text), encoding="utf-8")
    return root
