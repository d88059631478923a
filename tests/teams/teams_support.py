"""Helpers for the teams tests: the SDK's view of the account the CLI deploys to."""

from __future__ import annotations

import warnings
from typing import Any

import openai

API_KEY = "sk-test-teams-0123456789"


def client(emulator: Any) -> openai.OpenAI:
    # verify=False: the emulator speaks plain HTTP; an unused TLS context costs ~0.1 s CPU to build
    return openai.OpenAI(base_url=emulator.base_url, api_key=API_KEY, max_retries=0, timeout=30.0,
                         http_client=openai.DefaultHttpxClient(verify=False))


def assistants(api: openai.OpenAI) -> dict[str, Any]:
    """Every assistant on the account by id (the SDK's objects)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return {a.id: a for a in api.beta.assistants.list(limit=100)}
