"""End-to-end: the real CLI, the real SDK, real HTTP, against the project's emulator."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import pytest
from support_cli import EXAMPLE_PARTS, REPO, Cli


@pytest.fixture(autouse=True)
def _quiet_sdk_deprecations() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the bundled example project."""
    root = tmp_path / "project"
    root.mkdir()
    for part in EXAMPLE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, root / part)
        elif source.exists():
            shutil.copy(source, root / part)
    return root


@pytest.fixture
def cli(project: Path, asst_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(project, asst_emulator, monkeypatch)
