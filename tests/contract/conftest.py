"""Contract tests: what the tool sends (and writes for the Responses API) against the SDK's types."""

from __future__ import annotations

import warnings

import pytest


@pytest.fixture(autouse=True)
def _quiet_sdk_deprecations() -> None:
    warnings.filterwarnings("ignore", category=DeprecationWarning)
