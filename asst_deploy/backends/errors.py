"""Turns the SDK's exceptions into one clear line naming the object and quoting the API."""

from __future__ import annotations

from typing import Any

from ..errors import ApiError
from .client import redact

SUNSET = (
    "this server answers 404 for the Assistants API: OpenAI sunset it on 2026-08-26. "
    "The same manifests deploy with `api: agents` or `api: responses` in asst-deploy.yaml "
    "(or --api agents / --api responses)"
)


def api_error(exc: BaseException, what: str) -> ApiError:
    """An ApiError for ``exc`` raised while doing ``what`` (e.g. "create assistant support-bot")."""
    import openai

    if isinstance(exc, openai.AuthenticationError):
        return ApiError(f"{what}: the API key was rejected (401); check OPENAI_API_KEY "
                        "(or AZURE_OPENAI_API_KEY for --backend azure)")
    if isinstance(exc, openai.PermissionDeniedError):
        return ApiError(f"{what}: permission denied (403): {redact(_message(exc))}")
    if isinstance(exc, openai.APITimeoutError):
        return ApiError(f"{what}: the request timed out (raise --timeout, or check the server)")
    if isinstance(exc, openai.APIConnectionError):
        url = getattr(getattr(exc, "request", None), "url", None)
        host = f"{url.scheme}://{url.host}:{url.port or ''}".rstrip(":") if url else "the server"
        return ApiError(f"{what}: cannot reach {host} ({redact(str(exc.__cause__ or exc))}); "
                        "check OPENAI_BASE_URL / the network")
    if isinstance(exc, openai.APIStatusError):
        return ApiError(f"{what}: the API answered {exc.status_code}: {redact(_message(exc))}")
    if isinstance(exc, openai.OpenAIError):
        return ApiError(f"{what}: {redact(str(exc))}")
    return ApiError(f"{what}: {redact(str(exc))}")


def manifest_of(spec: Any) -> str:
    """`` (from assistants/x.yaml)``: where a refused request's settings came from, for the message."""
    return f" (from {spec.source})" if getattr(spec, "source", "") else ""


def _message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(getattr(exc, "message", exc))


def is_not_found(exc: BaseException) -> bool:
    import openai

    return isinstance(exc, openai.NotFoundError)


def read_each(items: Any, read: Any, kind: str) -> list[Any]:
    """Map listed objects to neutral records; an object we cannot read is named, not a traceback."""
    records = []
    for item in items:
        try:
            records.append(read(item))
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            object_id = (item.get("id") if isinstance(item, dict) else getattr(item, "id", None)) or "(no id)"
            raise ApiError(
                f"cannot read {kind} {object_id} from the account ({type(exc).__name__}: {exc}); "
                "the server's objects do not have the shape the API documents"
            ) from None
    return records
