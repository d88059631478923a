"""Fault-suite fixtures. The totals the harness counts are printed (and, for ``-m slow``, written to
bench/faults-totals.json) by tests/conftest.py, which also sums them over xdist workers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

import faults_harness as harness
from faults_harness import Project


@pytest.fixture
def emu() -> Iterator[Any]:
    from asst_deploy.emulator import Emulator, EmulatorConfig

    emulator = Emulator(EmulatorConfig()).start()
    try:
        with harness.env_for(emulator.base_url):
            yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def client(emu: Any) -> Iterator[Any]:
    c = harness.client_for(emu.base_url)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path / "project")


@pytest.fixture
def foreign(client: Any) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    made = harness.make_foreign(client)
    return made, harness.foreign_state(client, made)
