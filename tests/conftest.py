"""Shared fixtures: throwaway projects built in tmp_path (manifests, config, files they point at)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

import pytest

# Files every throwaway project has, for manifests to point at.
FIXTURE_FILES: dict[str, str | bytes] = {
    "prompts/ok.md": "Be helpful.\n",
    "schemas/ok.json": '{"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}',
    "schemas/not-json.json": "{type: object}",
    "schemas/array.json": "[1, 2]",
    "docs/a.md": "# A\n",
    "docs/b.md": "# B\n",
    "data/x.csv": "a,b\n1,2\n",
    **{f"data/many/f{i:02}.csv": f"n\n{i}\n" for i in range(25)},
}

MakeProject = Callable[..., Path]


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """make_project({"assistants/a.yaml": "..."}, config="...") -> project root."""

    def make(files: dict[str, str | bytes] | None = None, config: str | None = None) -> Path:
        root = tmp_path / "proj"
        write_files(root, {**FIXTURE_FILES, **(files or {})})
        (root / "assistants").mkdir(exist_ok=True)
        if config is not None:
            write_files(root, {"asst-deploy.yaml": config})
        return root

    return make
