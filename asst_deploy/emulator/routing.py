"""Routes, and the request/reply objects that route handlers see.

A route is ``(method, template, handler)``; a template's ``{name}`` segments become path params.
The counter key of a request is its route's template with every param shown as ``{id}``, so
``GET /v1/assistants/asst_abc`` counts as ``GET /v1/assistants/{id}``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable, NamedTuple, Union

from .errors import invalid
from .http import Headers
from .sdk_shapes import SdkBody
from .validation import Spec, check_body

from .state import AppState
from .store import Store

_BAD_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP "
    "library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have "
    "trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)"
)


class Reply(NamedTuple):
    """A handler's answer when a plain 200 JSON document is not enough."""

    status: int = 200
    body: Union[dict[str, Any], bytes] = b""
    headers: dict[str, str] = {}


Result = Union[dict[str, Any], Reply]


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


class Request:
    """One API request, with the app's state at hand (store, clock, settings)."""

    def __init__(
        self, app: AppState, method: str, path: str, params: dict[str, str], query: list[tuple[str, str]],
        headers: Headers, body: bytes,
    ) -> None:
        self.app = app
        self.method = method
        self.path = path
        self.params = params
        self.query_items = query
        self.query = dict(query)
        self.headers = headers
        self.body = body
        self.now = app.clock.now()
        self._json: Any = None

    @property
    def store(self) -> Store:
        return self.app.store

    @property
    def created_at(self) -> int:
        return int(self.now)

    def json(self) -> Any:
        """The body as JSON; an empty body is an empty object (bodiless POSTs such as cancel)."""
        if self._json is None:
            if not self.body.strip():
                self._json = {}
            else:
                try:
                    self._json = json.loads(self.body.decode("utf-8"), parse_constant=_reject_constant)
                except (ValueError, UnicodeDecodeError):
                    raise invalid(_BAD_JSON) from None
        return self._json

    def body_as(self, spec: Spec | SdkBody) -> dict[str, Any]:
        """The body checked against its shape (unknown, missing, mistyped fields refused)."""
        return check_body(spec.spec if isinstance(spec, SdkBody) else spec, self.json())


Handler = Callable[[Request], Result]


class Route(NamedTuple):
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    key: str
    write: bool


class Match(NamedTuple):
    route: Route
    params: dict[str, str]


class Router:
    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(self, method: str, template: str, handler: Handler, *, write: bool | None = None) -> None:
        regex = "^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "/?$"
        key = f"{method} " + re.sub(r"\{\w+\}", "{id}", template)
        self.routes.append(
            Route(method, template, re.compile(regex), handler, key, write if write is not None else method != "GET")
        )

    def route(self, method: str, template: str, *, write: bool | None = None) -> Callable[[Handler], Handler]:
        """Decorator form of ``add``."""

        def register(handler: Handler) -> Handler:
            self.add(method, template, handler, write=write)
            return handler

        return register

    def include(self, other: Router) -> None:
        self.routes.extend(other.routes)

    def match(self, method: str, path: str) -> Match | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return Match(route, found.groupdict())
        return None
