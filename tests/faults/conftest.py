from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any, Iterator

import pytest

import faults_harness as harness
from faults_harness import TOTALS, Project

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "faults-totals.json"


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


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    if not TOTALS.runs:
        return
    totals = TOTALS.as_dict()
    terminalreporter.write_sep("-", "fault suite totals")
    for key, value in totals.items():
        terminalreporter.write_line(f"{key:>16}: {value}")
    markexpr = config.getoption("markexpr", "") or ""
    if "slow" in markexpr and "not slow" not in markexpr and exitstatus == 0:
        RESULTS.write_text(json.dumps({"date": datetime.date.today().isoformat(), **totals}, indent=2) + "\n")
        terminalreporter.write_line(f"wrote {RESULTS}")
