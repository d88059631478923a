"""Shared fixtures: throwaway projects built in tmp_path (manifests, config, files they point at)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from support.cli import OURS
from support.projects import write_project

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


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """make_project({"assistants/a.yaml": "..."}, config="...") -> project root."""

    def make(files: dict[str, str | bytes] | None = None, config: str | None = None) -> Path:
        root = tmp_path / "proj"
        write_project(root, {**FIXTURE_FILES, **(files or {})}, lstrip=False)
        (root / "assistants").mkdir(exist_ok=True)
        if config is not None:
            write_project(root, {"asst-deploy.yaml": config}, lstrip=False)
        return root

    return make


@pytest.fixture(autouse=True)
def _no_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's ASST_DEPLOY_ENV (or backend, or lockfile) must not change what a test sees."""
    for name in OURS:
        monkeypatch.delenv(name, raising=False)
