"""The transport under the SDK's httpx client: every attempt bounded in time and memory, paced to
the account's rate limit, and shown by ``-v``.

httpx reads a whole answer and inflates gzip in memory, and its timeouts are per read: a server
that sends an endless body, a small gzip bomb, or its headers one byte at a time would hold a
command for ever, or grow it to gigabytes. So each attempt here

- runs within a deadline for the whole exchange (connect, headers, body): the caller stops waiting
  at the deadline and the attempt is abandoned (its thread ends with its socket's own timeouts);
- reads at most ``MAX_BODY`` bytes of body and inflates gzip/deflate itself up to ``MAX_BODY``
  (it asks for nothing else), so no answer costs more memory than that;
- goes through the rate limiter (ratelimit.py), which retries 429s within its own time budget.

The network, TLS, proxies and connection pool are httpx's, through an inner ``httpx2.Client`` that
reads the environment as the SDK's own client would (proxies, ``SSL_CERT_FILE``, the system store).
"""

from __future__ import annotations

import os
import queue
import threading
import time
import zlib
from typing import Callable

import httpx2
import openai

from .request_label import current_label
from .ratelimit import Limiter, RateLimited

MAX_BODY = 32 * 1024 * 1024  # a page of 100 assistants at the longest instructions is ~26 MB
_ENCODINGS = {"gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS, "identity": None}
_ACCEPTED = ", ".join(name for name in _ENCODINGS if name != "identity")  # what the transport inflates itself

OnAnswer = Callable[[str, str, int, float, "str | None"], None]  # method, path, status, ms, label


class UnreadableAnswer(openai.OpenAIError):
    """An answer past ``MAX_BODY`` (read or inflated), or in an encoding that cannot be decoded: a
    broken or hostile server. An ``OpenAIError``, so the SDK passes it on instead of retrying it."""


class ApiTransport(httpx2.BaseTransport):
    """The SDK client's transport: deadline, caps, rate limit, ``-v``; httpx underneath."""

    def __init__(self, limiter: Limiter, *, deadline: float, on_answer: OnAnswer | None = None,
                 max_body: int = MAX_BODY, limits: httpx2.Limits | None = None) -> None:
        self.limits = limits or httpx2.Limits(max_connections=1000, max_keepalive_connections=100)
        self._inner: dict[bool, httpx2.Client] = {}
        self._http_over_tls = _tls_proxy()  # the environment is read once, not at every request
        self._making = threading.Lock()
        self.deadline = deadline
        self.max_body = max_body
        self.on_answer = on_answer
        self.limited = RateLimited(self._attempt, limiter)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.headers["Accept-Encoding"] = _ACCEPTED
        label = current_label()  # the caller's thread: the -v printer names what the request is for
        began = time.monotonic()
        response = self.limited(request)
        if self.on_answer is not None:
            self.on_answer(request.method, request.url.raw_path.decode("ascii", "replace"), response.status_code,
                           (time.monotonic() - began) * 1000, label)
        return response

    def close(self) -> None:
        for client in self._inner.values():
            client.close()

    def inner(self, url: httpx2.URL) -> httpx2.Client:
        """The httpx client for ``url``'s scheme, made at its first request: an ``http://`` request
        makes no TLS connection of its own, so a command against a local server never loads the
        trust store."""
        tls = url.scheme != "http" or self._http_over_tls
        client = self._inner.get(tls)
        if client is None:
            with self._making:
                client = self._inner.get(tls)
                if client is None:
                    client = httpx2.Client(trust_env=True, follow_redirects=False, timeout=self.deadline,
                                           limits=self.limits, verify=True if tls else False)
                    self._inner[tls] = client
        return client

    # -- one attempt --------------------------------------------------------------------------------
    def _attempt(self, request: httpx2.Request) -> httpx2.Response:
        """One exchange within the deadline; the caller never waits past it."""
        attempt = _Attempt(lambda: self._exchange(request, time.monotonic() + self.deadline))
        return attempt.wait(self.deadline, request)

    def _exchange(self, request: httpx2.Request, deadline: float) -> httpx2.Response:
        answer = self.inner(request.url).send(request, stream=True)
        try:
            raw = _read_capped(answer, deadline, self.max_body, request)
        finally:
            answer.close()
        headers = httpx2.Headers([(k, v) for k, v in answer.headers.multi_items()
                                  if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")])
        body = _inflate(raw, answer.headers.get("content-encoding", "identity"), self.max_body)
        return httpx2.Response(answer.status_code, headers=headers, content=body, request=request,
                               extensions={k: v for k, v in answer.extensions.items() if k != "network_stream"})


def _tls_proxy() -> bool:
    """Whether plain-http requests go through an ``https://`` proxy, whose certificate is verified."""
    return any(value.strip().lower().startswith("https://") for name, value in os.environ.items()
               if name.lower() in ("http_proxy", "all_proxy"))


class _Attempt:
    """An exchange on its own thread, so that the caller can stop waiting at the deadline whatever
    the socket does (a server dripping its headers defeats every per-read timeout)."""

    def __init__(self, exchange: Callable[[], httpx2.Response]) -> None:
        self._box: queue.SimpleQueue[tuple[bool, object]] = queue.SimpleQueue()
        self._abandoned = False
        self._lock = threading.Lock()
        threading.Thread(target=self._run, args=(exchange,), daemon=True, name="asst-deploy-request").start()

    def _run(self, exchange: Callable[[], httpx2.Response]) -> None:
        try:
            outcome: tuple[bool, object] = (True, exchange())
        except BaseException as exc:  # handed to the caller, which raises it
            outcome = (False, exc)
        with self._lock:
            if not self._abandoned:
                self._box.put(outcome)

    def wait(self, seconds: float, request: httpx2.Request) -> httpx2.Response:
        try:
            ok, value = self._box.get(timeout=seconds)
        except queue.Empty:
            with self._lock:
                self._abandoned = True
            raise httpx2.ReadTimeout(f"no whole answer within {seconds:g} s", request=request) from None
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        assert isinstance(value, httpx2.Response)
        return value


def _read_capped(answer: httpx2.Response, deadline: float, cap: int, request: httpx2.Request) -> bytes:
    """The raw body, refused past ``cap`` bytes or the deadline, whichever comes first."""
    chunks: list[bytes] = []
    size = 0
    for chunk in answer.iter_raw():
        size += len(chunk)
        if size > cap:
            raise UnreadableAnswer(f"the answer is larger than {cap // (1024 * 1024)} MB")
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise httpx2.ReadTimeout("the answer did not end within the deadline", request=request)
    return b"".join(chunks)


def _inflate(raw: bytes, encoding: str, cap: int) -> bytes:
    """``raw`` decoded as its ``Content-Encoding`` says, never to more than ``cap`` bytes."""
    out = raw
    for name in reversed([part.strip().lower() for part in encoding.split(",") if part.strip()]):
        if name not in _ENCODINGS:
            raise UnreadableAnswer(f"an answer in an encoding that was not asked for ({name})")
        wbits = _ENCODINGS[name]
        if wbits is None:
            continue
        try:
            inflater = zlib.decompressobj(wbits)
            out = inflater.decompress(out, cap + 1)
        except zlib.error as exc:
            raise UnreadableAnswer(f"a {name} answer that cannot be decoded ({exc})") from None
        if len(out) > cap or inflater.unconsumed_tail:
            raise UnreadableAnswer(f"the answer inflates to more than {cap // (1024 * 1024)} MB")
    return out
