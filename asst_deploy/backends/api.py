"""The account's REST API as JSON in and JSON out, through the openai SDK's own client.

The SDK carries every request (headers, authentication, Azure, retries of 5xx and dropped
connections, redirects, TLS and proxies through its httpx client); this adapter only asks it for
the raw answer (``cast_to=httpx2.Response``) and reads that as plain JSON, because the backends turn
every answer into neutral records at once and typed SDK objects would only be built to be taken
apart again. What the SDK raises becomes one of three errors the rest of the tool knows.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import TYPE_CHECKING, Any, BinaryIO, Iterator, Mapping, Union

if TYPE_CHECKING:
    import openai

# what may be uploaded: the bytes, or a binary file read from its start (again on a retry)
FileContent = Union[bytes, BinaryIO]


class ApiCallError(Exception):
    """A request that did not get a usable answer."""

    def __init__(self, message: str, *, method: str = "", url: str = "") -> None:
        super().__init__(message)
        self.method = method
        self.url = url


class StatusError(ApiCallError):
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


class TimedOut(ApiCallError):
    """No answer within the deadline (after the retries)."""


class Unreachable(ApiCallError):
    """No connection to the server, or an answer that could not be read (after the retries)."""


class NotJson(ApiCallError):
    """A successful status whose body is not JSON (a proxy's login page, a misconfigured base URL)."""


class Api:
    """One account's API over one SDK client (shared by every thread and by ``with_retries`` copies)."""

    def __init__(self, sdk: openai.OpenAI) -> None:
        self.sdk = sdk

    @property
    def max_retries(self) -> int:
        return int(self.sdk.max_retries)

    @property
    def timeout(self) -> float:
        timeout = self.sdk.timeout
        seconds = timeout if isinstance(timeout, (int, float)) else getattr(timeout, "read", None)
        return float(seconds or 60.0)

    def with_retries(self, max_retries: int) -> Api:
        """The same client with another retry count (creates go out with none: create_once.py)."""
        return Api(self.sdk.with_options(max_retries=max_retries))

    # -- the verbs ----------------------------------------------------------------------------
    def get(self, path: str, *, params: Mapping[str, Any] | None = None,
            headers: Mapping[str, str] | None = None) -> Any:
        return self._call("get", path, options=_options(params, headers))

    def post(self, path: str, body: Mapping[str, Any] | None = None, *,
             headers: Mapping[str, str] | None = None) -> Any:
        return self._call("post", path, body=dict(body or {}), options=_options(None, headers))

    def delete(self, path: str, *, headers: Mapping[str, str] | None = None) -> Any:
        return self._call("delete", path, options=_options(None, headers))

    def upload(self, path: str, *, files: Mapping[str, tuple[str, FileContent]], data: Mapping[str, str]) -> Any:
        """A multipart POST, sent as ``client.files.create`` sends it."""
        return self._call("post", path, body=dict(data), files=list(files.items()),
                          options={"headers": {"Content-Type": "multipart/form-data"}})

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

    # -- one request ------------------------------------------------------------------------------
    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        import httpx2
        import openai

        url = str(self.sdk.base_url).rstrip("/") + "/" + path.lstrip("/")
        try:
            answer = getattr(self.sdk, method)(path, cast_to=httpx2.Response, **kwargs)
        except openai.APIStatusError as exc:
            raise StatusError(exc.status_code, _body(exc.response.content), exc.response.headers,
                              method=method.upper(), url=url) from None
        except openai.APITimeoutError as exc:
            raise TimedOut("Request timed out.", method=method.upper(), url=url) from exc
        except openai.APIConnectionError as exc:
            raise Unreachable(_root_cause(exc), method=method.upper(), url=url) from exc
        except openai.OpenAIError as exc:  # an answer the transport refused to read (transport.py)
            raise ApiCallError(f"{method.upper()} {urllib.parse.urlsplit(url).path}: {exc}",
                               method=method.upper(), url=url) from None
        if not answer.content:
            return None
        try:
            return json.loads(answer.content)
        except ValueError:
            kind = answer.headers.get("content-type") or "no content type"
            raise NotJson(f"the server answered something that is not JSON ({kind}, "
                          f"{len(answer.content)} bytes)", method=method.upper(), url=url) from None


def _options(params: Mapping[str, Any] | None, headers: Mapping[str, str] | None) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if params:
        options["params"] = {k: v for k, v in params.items() if v is not None}
    if headers:
        options["headers"] = dict(headers)
    return options


def _root_cause(exc: BaseException) -> str:
    """What went wrong underneath the SDK's "Connection error." (a refused connection, a certificate)."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return str(exc) or type(exc).__name__


def _body(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_DOT_SEGMENT = re.compile(r"^(?:\.|%2[eE]){1,2}$")


def path(template: str, **ids: str) -> str:
    """``template`` with each ``{name}`` replaced by its id, percent-encoded inside its segment as
    the SDK encodes path parameters. An empty id, or a ``.``/``..`` segment, is refused before
    anything is sent: an id read from a hand-edited lockfile must not reach another object."""
    for name, value in ids.items():
        if not value:
            raise ValueError(f"Expected a non-empty value for `{name}` but received {value!r}")
    built = _PLACEHOLDER.sub(lambda m: urllib.parse.quote(str(ids[m.group(1)]), safe="!$&'()*+,;=:@"), template)
    for segment in built.split("/"):
        if _DOT_SEGMENT.match(segment):
            raise ValueError(f"Constructed path {built!r} contains dot-segment {segment!r} which is not allowed")
    return built
