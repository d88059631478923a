"""Fixtures for the emulator tests."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from emulator_helpers import RawResponse, raw_request

# The fixtures come from the package's pytest plugin (entry point); importing them here keeps these
# tests working from a checkout where the package is not installed.
from asst_deploy.testing import asst_emulator, openai_client  # noqa: F401


@pytest.fixture
def raw(asst_emulator) -> Callable[..., RawResponse]:  # noqa: F811
    """``raw(method, "/v1/...", body, headers)`` against the test's emulator."""

    def call(method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
             *, auth: bool = True) -> RawResponse:
        return raw_request(asst_emulator.url, method, path, body, headers, auth=auth)

    return call
