"""The API's error envelope, and the errors the routes raise.

Every refusal is an ``ApiError``; the dispatcher turns it into
``{"error": {"message", "type", "param", "code"}}`` with its status. Wordings follow the real
API where known, because users grep logs and the tool's tests match on them.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answered to the client with the API's envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}


def invalid(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    """400 invalid_request_error: the one status for a request the API refuses (never 409)."""
    return ApiError(400, message, param=param, code=code)


def not_found(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(404, message, param=param, code=code)


def invalid_url(method: str, path: str) -> ApiError:
    return ApiError(404, f"Invalid URL ({method} {path})")


def server_error() -> ApiError:
    return ApiError(500, "The server had an error while processing your request. Sorry about that!", type="server_error")
