"""The tool's own client for the OpenAI REST API: JSON in, JSON out, over HTTP/1.1 keep-alive
connections (http11.py).

Why not the SDK's client (issue 17): ``import openai`` loads its 468 ``openai.types`` modules
first, whatever is then used of it: about 1.3 s of the 1.4 s of CPU that ``import openai`` costs
on the bench machine, more than everything else a no-op plan of 300 assistants does. This tool
never builds those types: it sends JSON it has built and checked itself and reads the answers as
plain dicts (the backends turn them into neutral records). Each request through the SDK also costs
about 2.2 ms more CPU than through ``http.client`` (the SDK's option and header models, then
httpx's), which bounds how fast an apply can go on a small machine.

The SDK stays the reference. This client sends what the SDK sends for the same call (path,
query, ``Authorization``/``api-key``, ``OpenAI-Organization``, ``OpenAI-Project``,
``OPENAI_CUSTOM_HEADERS``, ``OpenAI-Beta``, the JSON or multipart body), follows redirects as its
httpx client does, retries what it retries and waits as long (``retry_delay`` and
``should_retry`` follow ``openai._base_client``), and
tests/contract/test_wire_vs_sdk.py checks both against the installed SDK. Rate limits (429) are
the transport's (ratelimit.py), as before.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import logging
import math
import random
import re
import time
import urllib.parse
from typing import Any, Callable, Iterator, Mapping

from .http11 import Answer, Multipart

Send = Callable[[str, str, Mapping[str, str], Any], Answer]  # method, url, headers, body

log = logging.getLogger("asst_deploy.wire")

INITIAL_RETRY_DELAY = 0.5  # openai._constants
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER_DELAY = 120.0


class WireError(Exception):
    """A request that did not get a usable answer."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class StatusError(WireError):
    """The server answered with an error status; ``body`` is its JSON (or text)."""

    def __init__(self, status_code: int, body: Any, headers: Mapping[str, str], *, method: str, url: str) -> None:
        self.status_code = status_code
        self.body = body
        self.headers = dict(headers)
        super().__init__(f"Error code: {status_code} - {body}", method=method, url=url)

    @property
    def message(self) -> str:
        """The API's own ``error.message`` when it sent one."""
        inner = self.body.get("error", self.body) if isinstance(self.body, dict) else None
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        return str(self.body)


class TimedOut(WireError):
    """No answer within the timeout (after the retries)."""


class Unreachable(WireError):
    """No connection to the server (after the retries)."""


def retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds the server asks for (``retry-after-ms``, ``retry-after`` as seconds or an HTTP
    date), or None: as ``openai._base_client._parse_retry_after_header``."""
    if headers is None:
        return None
    for name, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            delay = float(value)
        except ValueError:
            continue
        if delay == math.inf and value.strip().lower() not in ("inf", "+inf", "infinity", "+infinity"):
            return MAX_RETRY_AFTER_DELAY + 1
        return delay / divisor
    raw = headers.get("retry-after")
    try:
        parsed = email.utils.parsedate_tz(raw)
        if parsed is None:
            return None
        return email.utils.mktime_tz(parsed) - time.time()
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def should_retry(status_code: int, headers: Mapping[str, str]) -> bool:
    """Whether an error answer is worth another attempt: as ``openai._base_client._should_retry``."""
    wait = retry_after(headers)
    if wait is not None and math.isfinite(wait) and wait > MAX_RETRY_AFTER_DELAY:
        return False
    said = headers.get("x-should-retry")
    if said == "true":
        return True
    if said == "false":
        return False
    return status_code in (408, 409, 429) or status_code >= 500


def retry_delay(retries_done: int, headers: Mapping[str, str] | None = None) -> float:
    """How long to wait before the next attempt: as ``openai._base_client._calculate_retry_timeout``."""
    wait = retry_after(headers)
    if wait is not None and math.isfinite(wait) and 0 < wait <= MAX_RETRY_AFTER_DELAY:
        return wait
    sleep = min(INITIAL_RETRY_DELAY * pow(2.0, min(retries_done, 1000)), MAX_RETRY_DELAY)
    return max(sleep * (1 - 0.25 * random.random()), 0.0)


class Wire:
    """One account's API: a base URL, the headers and query every request carries, retries and a
    timeout, over one sender (http11.py behind the rate limiter, shared by ``with_retries`` copies
    and by every thread)."""

    def __init__(self, send: Send, base_url: str, *, headers: Mapping[str, str],
                 params: Mapping[str, str] | None = None, max_retries: int = 2, timeout: float = 60.0) -> None:
        self.send = send
        self.base_url = base_url.rstrip("/") + "/"
        self.headers = dict(headers)
        self.params = dict(params or {})
        self.max_retries = max_retries
        self.timeout = timeout

    def with_retries(self, max_retries: int) -> Wire:
        """The same client with another retry count (creates go out with none: once.py)."""
        return Wire(self.send, self.base_url, headers=self.headers, params=self.params,
                    max_retries=max_retries, timeout=self.timeout)

    # -- the verbs ----------------------------------------------------------------------------
    def get(self, path: str, *, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> Any:
        return self.request("GET", path, params=params, headers=headers)

    def post(self, path: str, body: Mapping[str, Any] | None = None, *,
             headers: Mapping[str, str] | None = None) -> Any:
        return self.request("POST", path, json_body=body if body is not None else {}, headers=headers)

    def delete(self, path: str, *, headers: Mapping[str, str] | None = None) -> Any:
        return self.request("DELETE", path, headers=headers)

    def upload(self, path: str, *, files: Mapping[str, Any], data: Mapping[str, str]) -> Any:
        """A multipart POST (``/files``); a file object is read from its start again on a retry."""
        return self.request("POST", path, body=Multipart(data, files))

    def pages(self, path: str, *, params: Mapping[str, Any] | None = None,
              headers: Mapping[str, str] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a cursor-paged list, as the SDK's ``SyncCursorPage`` walks it:
        ``after=<last id>`` while ``has_more`` is not false."""
        after: str | None = None
        while True:
            query = dict(params or {})
            if after is not None:
                query["after"] = after
            page = self.get(path, params=query, headers=headers)
            if not isinstance(page, dict):
                raise TypeError(f"expected a JSON object, got {type(page).__name__}")
            data = page.get("data") or []
            yield from data
            last = data[-1].get("id") if data and isinstance(data[-1], dict) else None
            if page.get("has_more") is False or not isinstance(last, str):
                return
            after = last

    # -- one request, with retries -------------------------------------------------------------
    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json_body: Any = None, body: Multipart | None = None,
                headers: Mapping[str, str] | None = None) -> Any:
        url = self.base_url + path.lstrip("/")
        query = {**self.params, **{k: _query_value(v) for k, v in (params or {}).items() if v is not None}}
        if query:
            url += "?" + urllib.parse.urlencode(query)
        # as the SDK: JSON on every request but a GET (a body or not) unless the client's headers
        # say otherwise; the request's own headers over the client's, whatever their case
        merged = merge_headers(_JSON if method != "GET" and body is None else {}, self.headers, headers or {})
        if method == "GET" or body is not None:  # none on a GET; a multipart body brings its own
            merged = {name: value for name, value in merged.items() if name.lower() != "content-type"}
        content: bytes | Multipart | None = body
        if json_body is not None:
            content = json.dumps(json_body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
        retries_done = 0
        while True:
            try:
                answer = self._follow(method, url, merged, content)
            except TimeoutError as exc:
                if retries_done < self.max_retries:
                    retries_done = _retry(method, url, retries_done, retry_delay(retries_done))
                    continue
                raise TimedOut("Request timed out.", method=method, url=url) from exc
            except (OSError, http.client.HTTPException) as exc:
                if retries_done < self.max_retries:
                    retries_done = _retry(method, url, retries_done, retry_delay(retries_done))
                    continue
                raise Unreachable("Connection error.", method=method, url=url) from exc
            if answer.status < 300:
                return json.loads(answer.body) if answer.body else None
            if retries_done < self.max_retries and should_retry(answer.status, answer.headers):
                retries_done = _retry(method, url, retries_done, retry_delay(retries_done, answer.headers))
                continue
            raise StatusError(answer.status, _body(answer.body), answer.headers, method=method, url=url)

    def _follow(self, method: str, url: str, headers: dict[str, str], content: Any) -> Answer:
        """One attempt and the redirects it meets, followed as the SDK's httpx client follows them
        (``follow_redirects=True``): each hop through the sender (and its rate limiter)."""
        for _ in range(MAX_REDIRECTS + 1):
            answer = self.send(method, url, headers, content)
            location = answer.headers.get("location")
            if answer.status not in REDIRECTS or location is None:
                return answer
            method, url, headers, content = redirected(answer.status, method, url, location, headers, content)
        raise TooManyRedirects(f"more than {MAX_REDIRECTS} redirects")


def _retry(method: str, url: str, retries_done: int, wait: float) -> int:
    """Wait before attempt ``retries_done + 2``, saying so on the ``asst_deploy.wire`` logger as the
    SDK says it on ``openai._base_client`` (the fault suite counts the faults a client rode out by it)."""
    if log.isEnabledFor(logging.INFO):
        log.info("Retrying request to %s %s in %.3f seconds", method, urllib.parse.urlsplit(url).path, wait)
    time.sleep(wait)
    return retries_done + 1


_JSON = {"Content-Type": "application/json"}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_DOT_SEGMENT = re.compile(r"^(?:\.|%2[eE]){1,2}$")


def path(template: str, **ids: str) -> str:
    """``template`` with each ``{name}`` replaced by its id, percent-encoded as the SDK's
    ``path_template`` encodes it (a ``/`` or ``?`` in an id stays inside its segment). An empty id,
    or a path with a ``.`` or ``..`` segment, is refused before anything is sent, as the SDK
    refuses it: an id read from a hand-edited lockfile must not reach another object."""
    for name, value in ids.items():
        if not value:
            raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    built = _PLACEHOLDER.sub(lambda m: urllib.parse.quote(str(ids[m.group(1)]), safe="!$&'()*+,;=:@"), template)
    for segment in built.split("/"):
        if _DOT_SEGMENT.match(segment):
            raise ValueError(f"Constructed path {built!r} contains dot-segment {segment!r} which is not allowed")
    return built


def merge_headers(*mappings: Mapping[str, str | None]) -> dict[str, str]:
    """Headers merged as ``openai._base_client._merge_headers`` does: by name in any case, each
    mapping's replacing the earlier ones' (an HTTP header name has no case; a dict key has), and a
    ``None`` (the SDK's ``Omit``) removing the header."""
    merged: dict[str, tuple[str, str]] = {}
    for mapping in mappings:
        for name, value in mapping.items():
            if value is None:
                merged.pop(name.lower(), None)
            else:
                merged[name.lower()] = (name, value)
    return dict(merged.values())


REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 20  # httpx's DEFAULT_MAX_REDIRECTS
_CREDENTIALS = ("authorization", "api-key")


class TooManyRedirects(http.client.HTTPException):
    """A redirect loop: an error the SDK retries (httpx's ``TooManyRedirects`` is a ``RequestError``)."""


def redirected(status: int, method: str, url: str, location: str, headers: Mapping[str, str],
               content: Any) -> tuple[str, str, dict[str, str], Any]:
    """The next hop, as httpx builds it: 303 and 302 become a GET (a 301 too, from a POST), sent
    without the body; the location is read against the URL it came from; a hop to another origin
    carries no ``Authorization`` (unless it only moves to https on the same host) and, as
    ``openai.AzureOpenAI`` strips it, no ``api-key``."""
    new_method = "GET" if status in (302, 303) or (status == 301 and method == "POST") else method
    if method == "HEAD":
        new_method = "HEAD"
    new_url = urllib.parse.urljoin(url, location)
    old, new = urllib.parse.urlsplit(url), urllib.parse.urlsplit(new_url)
    new_headers = dict(headers)
    if _origin(old) != _origin(new):
        upgrade = old.scheme == "http" and new.scheme == "https" and old.hostname == new.hostname \
            and old.port in (None, 80) and new.port in (None, 443)
        drop = ("api-key",) if upgrade else _CREDENTIALS
        new_headers = {name: value for name, value in new_headers.items() if name.lower() not in drop}
    if new_method != method:
        new_headers = {name: value for name, value in new_headers.items()
                       if name.lower() not in ("content-length", "transfer-encoding")}
        content = None
    return new_method, new_url, new_headers, content


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, str, int | None]:
    return parts.scheme, parts.hostname or "", parts.port or {"http": 80, "https": 443}.get(parts.scheme)


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _body(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")
