"""Turns the client's exceptions (api.py) into one clear line naming the object and quoting the API."""

from __future__ import annotations

from typing import Any

from ..errors import ApiError
from ..spec import AssistantSpec
from .client import redact

SUNSET = (
    "this server answers 404 for the Assistants API: OpenAI sunset it on 2026-08-26. "
    "The same manifests deploy with `api: agents` or `api: responses` in asst-deploy.yaml "
    "(or --api agents / --api responses)"
)


def api_error(exc: BaseException, what: str) -> ApiError:
    """An ApiError for ``exc`` raised while doing ``what`` (e.g. "create assistant support-bot")."""
    from .api import StatusError, TimedOut, Unreachable

    if isinstance(exc, StatusError):
        if exc.status_code == 401:
            return ApiError(f"{what}: the API key was rejected (401); check OPENAI_API_KEY "
                            "(or AZURE_OPENAI_API_KEY for --backend azure)")
        if exc.status_code == 403:
            return ApiError(f"{what}: permission denied (403): {redact(exc.message)}")
        return ApiError(f"{what}: the API answered {exc.status_code}: {redact(exc.message)}")
    if isinstance(exc, TimedOut):
        return ApiError(f"{what}: the request timed out (raise --timeout, or check the server)")
    if isinstance(exc, Unreachable):
        return ApiError(f"{what}: cannot reach {redact(_origin(exc.url))} ({redact(str(exc))}); "
                        "check OPENAI_BASE_URL / the network")
    return ApiError(f"{what}: {redact(str(exc))}")


def _origin(url: str) -> str:
    """``scheme://host:port`` of a URL: never its path or query (which may carry a credential)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}" if parts.hostname else "the server"


def manifest_of(spec: AssistantSpec) -> str:
    """`` (from assistants/x.yaml)``: where a refused request's settings came from, for the message."""
    return f" (from {spec.source})" if spec.source else ""


def is_not_found(exc: BaseException) -> bool:
    from .api import StatusError

    return isinstance(exc, StatusError) and exc.status_code == 404


def read_each(items: Any, read: Any, kind: str) -> list[Any]:
    """Map listed objects to neutral records; an object we cannot read is named, not a traceback."""
    records = []
    for item in items:
        try:
            records.append(read(item))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            object_id = item.get("id") if isinstance(item, dict) else None
            raise unreadable(kind, exc, object_id) from None
    return records


def unreadable(kind: str, exc: BaseException, object_id: Any = None) -> ApiError:
    """An answer without the shape the API documents: said so, naming what could not be read."""
    what = f"{kind} {object_id or '(no id)'}" if object_id is not None or kind[-1] != "s" else kind
    return ApiError(f"cannot read {what} from the account ({type(exc).__name__}: {exc}); "
                    "the server's objects do not have the shape the API documents")
