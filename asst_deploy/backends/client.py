"""Builds the one ``openai`` client a command uses: OpenAI (or any compatible server), Azure, or
the embedded emulator. Retries of other errors, timeouts and pagination are the SDK's own; rate
limits are handled by the client's transport (ratelimit.py)."""

from __future__ import annotations

import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, TextIO, TypedDict

from ..errors import AsstDeployError

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
    timeout: float = 60.0
    project_dir: Path | None = None  # local: the emulator's state lives under .asst-deploy/
    verbose: bool = False
    concurrency: int = 8  # the most requests in flight at once (--parallelism)
    rate_limit_budget: float = 600.0  # seconds one request may wait for the rate limit, 429s included


class _ClientOptions(TypedDict):
    """What every client gets, whichever backend: typed so mypy checks it against the SDK."""

    max_retries: int
    timeout: float
    http_client: Any  # openai.DefaultHttpxClient: openai is imported lazily


def secrets() -> list[str]:
    """Every credential this process could send, so that no output ever shows one."""
    names = ("OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "OPENAI_ADMIN_KEY")
    return [v for v in (os.environ.get(n) for n in names) if v and len(v) >= 4]


def redact(text: str) -> str:
    """Remove API keys from a message, including ones an API echoes back in an error."""
    for secret in secrets():
        text = text.replace(secret, "***")
    return _KEYLIKE.sub(r"\1***", text)


# query parameters that carry credentials on some servers (Azure SAS, proxies, compatible APIs)
_SECRET_QUERY = re.compile(r"(?i)([?&](?:api[-_]?key|key|token|access[-_]?token|sig|signature|secret|password)=)[^&#]*")


def request_line(method: str, path: str, status: int, ms: float) -> str:
    """One ``-v`` line: the request and its answer, with any credential in the query hidden."""
    shown = _SECRET_QUERY.sub(r"\1***", path)
    return redact(f"  {method} {shown} {status} {ms:.0f} ms")


def _verbose_hooks(stream: TextIO) -> dict[str, list[Callable[[Any], None]]]:
    started: dict[int, float] = {}
    writing = threading.Lock()  # requests run in parallel: one whole line per write, one writer at a time

    def on_request(request: Any) -> None:
        started[id(request)] = time.perf_counter()

    def on_response(response: Any) -> None:
        request = response.request
        ms = (time.perf_counter() - started.pop(id(request), time.perf_counter())) * 1000
        line = request_line(request.method, request.url.raw_path.decode("ascii", "replace"), response.status_code, ms)
        with writing:
            stream.write(line + "\n")
            stream.flush()

    return {"request": [on_request], "response": [on_response]}


def _http_client(conn: Connection, stream: TextIO) -> tuple[Any, Any]:
    """The SDK's own httpx client, with every request going through one rate limiter.

    A custom transport turns off httpx's proxies from the environment, so they are mounted here
    (each behind the same limiter), as httpx would have done."""
    import httpx2
    import openai

    from .ratelimit import Limiter, RateLimitedTransport
    from .transport import BySchemeTransport

    limiter = Limiter(conn.concurrency, conn.rate_limit_budget, say=lambda line: print(line, file=stream, flush=True))
    limits = openai.DEFAULT_CONNECTION_LIMITS

    def transport(proxy: Any = None) -> Any:
        return RateLimitedTransport(BySchemeTransport(limits, proxy), limiter)

    try:
        from httpx2._utils import get_environment_proxies

        proxies: dict[str, str | None] = get_environment_proxies()
    except ImportError:  # pragma: no cover - a future httpx2 without it: no proxies from the environment
        proxies = {}
    hooks = _verbose_hooks(stream) if conn.verbose else {}
    mounts = {pattern: transport(url) if url else None for pattern, url in proxies.items()}
    client = openai.DefaultHttpxClient(transport=transport(), mounts=mounts or None, event_hooks=hooks)
    return client, limiter


@contextmanager
def open_client(conn: Connection, *, log: TextIO | None = None) -> Iterator[Any]:
    """The client for a command; the embedded emulator (``local``) runs only as long as it."""
    import openai  # lazily: it costs about half a second

    stream = log or sys.stderr
    http_client, limiter = _http_client(conn, stream)
    try:
        yield from _open(conn, openai, http_client)
    finally:
        http_client.close()
        if (said := limiter.summary()) is not None:
            print(said, file=stream)


def _open(conn: Connection, openai: Any, http_client: Any) -> Iterator[Any]:
    common = _ClientOptions(max_retries=conn.max_retries, timeout=conn.timeout, http_client=http_client)
    if conn.backend == "local":
        from ..emulator import Emulator, EmulatorConfig

        from ..statedir import state_folder

        state = state_folder(conn.project_dir or Path.cwd())
        emulator = Emulator(EmulatorConfig(data=str(state / "emulator.sqlite3"), check_sdk_types=False)).start()
        try:
            client = openai.OpenAI(base_url=emulator.base_url, api_key=LOCAL_API_KEY, **common)
            yield client
            client.close()
        finally:
            emulator.stop()
        return
    try:
        if conn.backend == "azure":
            endpoint = conn.azure_endpoint or os.environ.get("AZURE_OPENAI_ENDPOINT")
            if not endpoint:
                raise AsstDeployError("AZURE_OPENAI_ENDPOINT is not set (or azure_endpoint in asst-deploy.yaml)")
            if not os.environ.get("AZURE_OPENAI_API_KEY"):
                raise AsstDeployError("AZURE_OPENAI_API_KEY is not set: export it to use --backend azure")
            version = conn.api_version or os.environ.get("OPENAI_API_VERSION")
            if not version:
                raise AsstDeployError("OPENAI_API_VERSION is not set: Azure needs an api version (e.g. 2025-04-01-preview)")
            client = openai.AzureOpenAI(azure_endpoint=endpoint, api_version=version, **common)
        else:
            if not os.environ.get("OPENAI_API_KEY"):
                raise AsstDeployError(
                    "OPENAI_API_KEY is not set: export it, or use --backend local to try asst-deploy "
                    "with the embedded emulator and no account"
                )
            base_url = conn.base_url or os.environ.get("OPENAI_BASE_URL") or None
            client = openai.OpenAI(base_url=base_url, **common)
    except openai.OpenAIError as exc:
        raise AsstDeployError(redact(str(exc))) from None
    try:
        yield client
    finally:
        client.close()
