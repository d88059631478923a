"""``/v1/models``: the configured model list, and the model check other resources share."""

from __future__ import annotations

from typing import Any

from .errors import ApiError, invalid, not_found
from .routing import Request, Router

router = Router()

# Plausible creation times so objects look real; unknown names get a fixed one.
_CREATED = {
    "gpt-3.5-turbo": 1677610602,
    "gpt-4o": 1715367049,
    "gpt-4o-mini": 1721172741,
    "gpt-4.1": 1744316542,
    "gpt-4.1-mini": 1744318173,
    "o3": 1744225308,
    "o4-mini": 1744225351,
    "gpt-5": 1754425777,
    "gpt-5-mini": 1754425928,
}


def model_object(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": _CREATED.get(name, 1700000000), "owned_by": "system"}


def require_model(req: Request, name: str, param: str = "model") -> None:
    """Refuse a model the server does not know, in the API's words (400, never 404)."""
    if name not in req.app.config.models:
        raise invalid(f"The requested model '{name}' does not exist.", param, "model_not_found")


def is_reasoning_model(name: str) -> bool:
    """o-series and gpt-5 models reason; they refuse sampling settings unless effort is none."""
    return name.startswith(("o1", "o3", "o4", "gpt-5"))


def _missing(name: str) -> ApiError:
    return not_found(f"The model '{name}' does not exist or you do not have access to it.", None, "model_not_found")


@router.route("GET", "/v1/models")
def list_models(req: Request) -> dict[str, Any]:
    return {"object": "list", "data": [model_object(m) for m in req.app.config.models]}


@router.route("GET", "/v1/models/{model}")
def retrieve_model(req: Request) -> dict[str, Any]:
    name = req.params["model"]
    if name not in req.app.config.models:
        raise _missing(name)
    return model_object(name)


@router.route("DELETE", "/v1/models/{model}")
def delete_model(req: Request) -> dict[str, Any]:
    """Only fine-tuned models can be deleted, and the emulator serves none."""
    name = req.params["model"]
    if name not in req.app.config.models:
        raise _missing(name)
    raise ApiError(403, f"You have insufficient permissions to delete the model '{name}'.", param="model",
                   code="insufficient_permissions", type="invalid_request_error")
