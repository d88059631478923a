"""pytest plugin: a fresh API emulator and a configured ``openai`` client per test.

Registered as the ``pytest11`` entry point ``asst_deploy``, so installing asst-deploy makes the
fixtures available in any test suite::

    def test_my_bot(openai_client):
        bot = openai_client.beta.assistants.create(model="gpt-4o", name="bot")
        ...

    @pytest.mark.asst_emulator(processing_seconds=0.2, rate_limit_every=3)
    def test_retries(asst_emulator, openai_client):
        ...
        assert asst_emulator.counter()["POST /v1/assistants"] == 2

The marker's keyword arguments are ``EmulatorConfig`` fields. The state is in memory and gone
after the test. Time is the emulator's own: ``asst_emulator.advance_clock(60)`` makes a minute pass
for timestamps and vector-store file processing, with no sleep. This module stays light: openai is imported inside the fixture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:
    import openai

    from .emulator import Emulator

TEST_API_KEY = "sk-test-emulator"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "asst_emulator(**settings): EmulatorConfig fields for the asst_emulator fixture of this test"
    )


@pytest.fixture
def asst_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A started emulator (in memory) for this test; stopped afterwards."""
    from .emulator import Emulator, EmulatorConfig

    settings: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers("asst_emulator"))):
        settings.update(marker.kwargs)
    emulator = Emulator(EmulatorConfig(**settings)).start()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture
def api_client(asst_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The tool's API client (``backends.api.Api``, as every command opens it) aimed at
    ``asst_emulator``: for driving backends directly."""
    from .backends.client import Connection, open_client

    monkeypatch.setenv("OPENAI_API_KEY", TEST_API_KEY)
    with open_client(Connection(backend="openai", base_url=asst_emulator.base_url, timeout=30.0)) as client:
        yield client


@pytest.fixture
def openai_client(asst_emulator: Emulator) -> Iterator[openai.OpenAI]:
    """An ``openai.OpenAI`` client aimed at ``asst_emulator`` (2 retries, short timeout)."""
    import openai

    # verify=False: the emulator speaks plain HTTP on loopback, and loading the CA bundle for an
    # unused TLS context would slow every test.
    http_client = openai.DefaultHttpxClient(verify=False)
    client = openai.OpenAI(base_url=asst_emulator.base_url, api_key=TEST_API_KEY, max_retries=2, timeout=30.0,
                           http_client=http_client)
    try:
        yield client
    finally:
        client.close()
