"""Teams: several projects and environments on one account, import/export, CI recipes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from support.cli import Cli  # noqa: E402
from teams_support import client  # noqa: E402


@pytest.fixture
def cli(asst_emulator: Any) -> Cli:
    return Cli(emulator=asst_emulator)


@pytest.fixture
def api(asst_emulator: Any) -> Any:
    c = client(asst_emulator)
    yield c
    c.close()


@pytest.fixture(autouse=True)
def _quiet_sdk_deprecations() -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield
