"""Builds the one API client a command uses (wire.py): OpenAI (or any compatible server), Azure, or
the embedded emulator, from flags, asst-deploy.yaml and the same environment variables the
``openai`` SDK reads. Rate limits are handled by the client's transport (ratelimit.py)."""

from __future__ import annotations

import os
import re
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TextIO

from .. import __version__
from ..defaults import DEFAULT_PARALLELISM
from ..errors import AsstDeployError
from .http11 import Http11
from .label import current_label
from .ratelimit import Limiter, RateLimited
from .wire import Wire, merge_headers

LOCAL_API_KEY = "sk-local-emulator"
BASE_HEADERS = {"Accept": "application/json", "User-Agent": f"asst-deploy/{__version__}"}
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
    concurrency: int = DEFAULT_PARALLELISM  # the most requests in flight at once (--parallelism)
    rate_limit_budget: float = 600.0  # seconds one request may wait for the rate limit, 429s included


OPENAI_BASE_URL = "https://api.openai.com/v1"
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
    what it is for when its path does not say (``(account lease)``: label.py)."""
    shown = _SECRET_QUERY.sub(r"\1***", path)
    return redact(f"  {method} {shown} {status} {ms:.0f} ms" + (f" ({label})" if label else ""))


def verbose_lines(stream: TextIO) -> Callable[[str, str, int, float], None]:
    """What ``-v`` prints for each answer: one whole line per write, however many threads answer."""
    writing = threading.Lock()

    def on_answer(method: str, path: str, status: int, ms: float) -> None:
        # called by the sender in the thread that sent the request: its label is this thread's
        line = request_line(method, path, status, ms, current_label())
        with writing:
            stream.write(line + "\n")
            stream.flush()

    return on_answer


def _sender(conn: Connection, stream: TextIO) -> tuple[Http11, Limiter, RateLimited]:
    """The HTTP connections of a command, with every request going through one rate limiter."""
    http = Http11(conn.timeout, on_answer=verbose_lines(stream) if conn.verbose else None)
    limiter = Limiter(conn.concurrency, conn.rate_limit_budget, say=lambda line: print(line, file=stream, flush=True))
    return http, limiter, RateLimited(http.send, limiter)


@contextmanager
def open_client(conn: Connection, *, log: TextIO | None = None) -> Iterator[Wire]:
    """The client for a command; the embedded emulator (``local``) runs only as long as it."""
    stream = log or sys.stderr
    http, limiter, send = _sender(conn, stream)
    try:
        yield from _open(conn, send)
    finally:
        http.close()
        if (said := limiter.summary()) is not None:
            print(said, file=stream)


def _open(conn: Connection, send: RateLimited) -> Iterator[Wire]:
    def wire(base_url: str, headers: dict[str, str], params: dict[str, str] | None = None) -> Wire:
        return Wire(send, base_url, headers=headers, params=params,
                    max_retries=conn.max_retries, timeout=conn.timeout)

    if conn.backend == "local":
        from ..emulator import Emulator, EmulatorConfig

        from ..statedir import state_folder

        state = state_folder(conn.project_dir or Path.cwd())
        emulator = Emulator(EmulatorConfig(data=str(state / "emulator.sqlite3"), check_sdk_types=False)).start()
        try:
            yield wire(emulator.base_url, merge_headers({"Authorization": f"Bearer {LOCAL_API_KEY}"}, BASE_HEADERS))
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
        # as openai.AzureOpenAI: {endpoint}/openai, the version in the query; an AD token in the
        # environment comes before the key; the credential is the request's own, above the custom headers
        auth = {"Authorization": f"Bearer {token}"} if token is not None else {"api-key": key or ""}
        yield wire(f"{endpoint.rstrip('/')}/openai", merge_headers(account_headers(), auth), {"api-version": version})
        return
    key = os.environ.get("OPENAI_API_KEY")
    if not key:
        raise AsstDeployError(
            "OPENAI_API_KEY is not set: export it, or use --backend local to try asst-deploy "
            "with the embedded emulator and no account"
        )
    # as openai.OpenAI: the key's Authorization first, so that one in OPENAI_CUSTOM_HEADERS replaces it
    headers = merge_headers({"Authorization": f"Bearer {key}"}, account_headers())
    yield wire(conn.base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_BASE_URL, headers)


def account_headers() -> dict[str, str]:
    """What the SDK sends on every request from the environment, built as ``openai.OpenAI.default_headers``
    builds it: ours, then ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID`` (sent when set, even empty; an
    unset one also removes a custom header of the same name in another case), then
    ``OPENAI_CUSTOM_HEADERS``, which replace a header of the same name in any case."""
    custom = custom_headers()
    said: dict[str, str | None] = {**BASE_HEADERS, **custom}
    for name, variable in (("OpenAI-Organization", "OPENAI_ORG_ID"), ("OpenAI-Project", "OPENAI_PROJECT_ID")):
        said[name] = os.environ.get(variable)  # a dict key: the custom header spelt the same stays first
    said.update(custom)
    return merge_headers(said)


def custom_headers() -> dict[str, str]:
    """``OPENAI_CUSTOM_HEADERS`` (one ``Name: value`` a line), read as the SDK reads it."""
    parsed: dict[str, str] = {}
    for line in (os.environ.get("OPENAI_CUSTOM_HEADERS") or "").split("\n"):
        colon = line.find(":")
        if colon >= 0:
            parsed[line[:colon].strip()] = line[colon + 1:].strip()
    return parsed
