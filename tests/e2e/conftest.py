"""End-to-end: the real CLI, the real SDK, real HTTP, against the project's emulator."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from support.cli import Cli
from support.projects import copy_example


@pytest.fixture(autouse=True)
def _quiet_sdk_deprecations() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the bundled example project."""
    return copy_example(tmp_path / "project")


@pytest.fixture
def cli(project: Path, asst_emulator: Any) -> Cli:
    return Cli(project=project, emulator=asst_emulator, env="dev")
