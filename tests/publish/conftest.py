"""Publishing: a project with ``publish:`` destinations, the real CLI against the emulator."""

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


def with_publish(root: Path, *destinations: str) -> Path:
    """The project's asst-deploy.yaml with ``publish:`` listing ``destinations``."""
    config = root / "asst-deploy.yaml"
    lines = "".join(f"  - {d}\n" for d in destinations)
    config.write_text(config.read_text(encoding="utf-8") + f"publish:\n{lines}", encoding="utf-8")
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the bundled example project (environments dev and prod)."""
    return copy_example(tmp_path / "project")


@pytest.fixture
def cli(project: Path, asst_emulator: Any) -> Cli:
    return Cli(project=project, emulator=asst_emulator, env="prod")
