"""Publishing: a project with ``publish:`` destinations, the real CLI against the emulator."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Iterator

import pytest
from support.cli import Cli
from support.projects import copy_example
from support.publishing import S3Server


@pytest.fixture(autouse=True)
def _quiet_sdk_deprecations() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)


@pytest.fixture(autouse=True)
def _fresh_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a fresh process would: no published document held in memory yet."""
    import asst_deploy.source

    monkeypatch.setattr(asst_deploy.source, "_held", {})
    monkeypatch.setattr(asst_deploy.source, "_s3_client", None)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the bundled example project (environments dev and prod)."""
    return copy_example(tmp_path / "project")


@pytest.fixture
def cli(project: Path, asst_emulator: Any) -> Cli:
    return Cli(project=project, emulator=asst_emulator, env="prod")


@pytest.fixture
def s3_server(tmp_path: Path) -> Iterator[S3Server]:
    """A fresh S3 (moto's state reset), with the bucket ``ids``; stopped at the end."""
    server = S3Server(tmp_path)
    server.client().create_bucket(Bucket="ids")
    try:
        yield server
    finally:
        server.stop()
