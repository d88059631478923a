"""Builds the one API client a command uses: the openai SDK's own client (``openai.OpenAI``, or
``openai.AzureOpenAI``, or ``openai.OpenAI`` on the embedded emulator) over the tool's transport
(transport.py: deadline, caps, rate limit, ``-v``), from flags, asst-deploy.yaml and the
environment variables the SDK reads itself (``OPENAI_BASE_URL``, ``OPENAI_ORG_ID``,
``OPENAI_PROJECT_ID``, ``OPENAI_CUSTOM_HEADERS``, proxies and certificates). The SDK is imported
here, so only commands that reach an API pay for it."""

from __future__ import annotations

import os
import re
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TextIO

from ..events import EventSink, ignore
from ..defaults import DEFAULT_PARALLELISM
from ..errors import AsstDeployError
from .api import Api
from .ratelimit import Limiter

if TYPE_CHECKING:
    import openai

LOCAL_API_KEY = "sk-local-emulator"
_KEYLIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-]{4})[A-Za-z0-9_\-]{4,}")


@dataclass(frozen=True)
class Connection:
    """Where and how to talk to an API; built from flags, config and the environment."""

    backend: str = "openai"  # openai | azure | local
    base_url: str | None = None
    azure_endpoint: str | None = None
    api_version: str | None = None
    max_retries: int = 2
    timeout: float = 60.0  # seconds for one whole attempt: connect, headers and body
    project_dir: Path | None = None  # local: the emulator's state lives under .asst-deploy/
    verbose: bool = False
    concurrency: int = DEFAULT_PARALLELISM  # the most requests in flight at once (--parallelism)
    rate_limit_budget: float = 600.0  # seconds one request may wait for the rate limit, 429s included


def secrets() -> list[str]:
    """Every credential this process could send, so that no output ever shows one."""
    names = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "OPENAI_ADMIN_KEY")
    return [v for v in (os.environ.get(n) for n in names) if v and len(v) >= 4]


def redact(text: str) -> str:
    """Remove API keys from a message, including ones an API echoes back in an error."""
    for secret in secrets():
        text = text.replace(secret, "***")
    return _KEYLIKE.sub(r"\1***", text)


# query parameters that carry credentials on some servers (Azure SAS, proxies, compatible APIs)
_SECRET_QUERY = re.compile(r"(?i)([?&](?:api[-_]?key|key|token|access[-_]?token|sig|signature|secret|password)=)[^&#]*")


def request_line(method: str, path: str, status: int, ms: float, label: str | None = None) -> str:
    """One ``-v`` line: the request and its answer, with any credential in the query hidden, and
    what it is for when its path does not say (``(account lease)``: request_label.py)."""
    shown = _SECRET_QUERY.sub(r"\1***", path)
    return redact(f"  {method} {shown} {status} {ms:.0f} ms" + (f" ({label})" if label else ""))


def verbose_lines(stream: TextIO) -> Callable[[str, str, int, float, str | None], None]:
    """What ``-v`` prints for each answer: one whole line per write, however many threads answer."""
    writing = threading.Lock()

    def on_answer(method: str, path: str, status: int, ms: float, label: str | None = None) -> None:
        line = request_line(method, path, status, ms, label)
        with writing:
            stream.write(line + "\n")
            stream.flush()

    return on_answer


@contextmanager
def open_client(conn: Connection, *, log: TextIO | None = None, on_event: EventSink = ignore) -> Iterator[Api]:
    """The client for a command; the embedded emulator (``local``) runs only as long as it.
    ``on_event`` hears the waits of its requests (``events.WaitingOnRateLimit``) for the command's view."""
    import openai

    from .transport import ApiTransport

    stream = log or sys.stderr
    if on_event is ignore:  # no command's console: the terminal's lines on the log stream
        from ..console import Console

        on_event = Console(err=stream).emit
    limiter = Limiter(conn.concurrency, conn.rate_limit_budget, on_wait=on_event)
    transport = ApiTransport(limiter, deadline=conn.timeout, on_answer=verbose_lines(stream) if conn.verbose else None)
    http_client = openai.DefaultHttpxClient(transport=transport, timeout=conn.timeout)
    try:
        yield from _open(conn, http_client)
    finally:
        http_client.close()
        if (said := limiter.summary()) is not None:
            print(said, file=stream)


def _open(conn: Connection, http_client: openai.DefaultHttpxClient) -> Iterator[Api]:
    import openai

    if conn.backend == "local":
        from ..emulator import Emulator, EmulatorConfig
        from ..statedir import state_folder

        state = state_folder(conn.project_dir or Path.cwd())
        emulator = Emulator(EmulatorConfig(data=str(state / "emulator.sqlite3"), preload_sdk_shapes=False)).start()
        try:
            yield Api(openai.OpenAI(api_key=LOCAL_API_KEY, base_url=emulator.base_url, http_client=http_client,
                      max_retries=conn.max_retries, timeout=conn.timeout))
        finally:
            emulator.stop()
        return
    if conn.backend == "azure":
        endpoint = conn.azure_endpoint or os.environ.get("AZURE_OPENAI_ENDPOINT")
        if not endpoint:
            raise AsstDeployError("AZURE_OPENAI_ENDPOINT is not set (or azure_endpoint in asst-deploy.yaml)")
        key = os.environ.get("AZURE_OPENAI_API_KEY")
        token = os.environ.get("AZURE_OPENAI_AD_TOKEN")
        if not key and token is None:
            raise AsstDeployError("AZURE_OPENAI_API_KEY is not set: export it to use --backend azure")
        version = conn.api_version or os.environ.get("OPENAI_API_VERSION")
        if not version:
            raise AsstDeployError("OPENAI_API_VERSION is not set: Azure needs an api version (e.g. 2025-04-01-preview)")
        yield Api(openai.AzureOpenAI(azure_endpoint=endpoint, api_version=version, http_client=http_client,
                      max_retries=conn.max_retries, timeout=conn.timeout))
        return
    if not os.environ.get("OPENAI_API_KEY"):
        raise AsstDeployError(
            "OPENAI_API_KEY is not set: export it, or use --backend local to try asst-deploy "
            "with the embedded emulator and no account"
        )
    yield Api(openai.OpenAI(base_url=conn.base_url or None, http_client=http_client,
                      max_retries=conn.max_retries, timeout=conn.timeout))
