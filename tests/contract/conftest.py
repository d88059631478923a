"""Contract tests: what the tool sends (and writes for the Responses API) against the SDK's types."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))  # support_cli: the CLI runner


@pytest.fixture(autouse=True)
def _quiet_sdk_deprecations() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
