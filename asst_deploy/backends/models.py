"""Is each manifest's model one the account serves? Asked once per plan, before anything is written.

A misspelt model (``gpt-4o-minii``) would otherwise pass validate and plan, and apply would upload
files and create vector stores before the create of the assistant fails. On Azure a manifest's
model is a deployment name, which the model list does not show; and some compatible servers serve
no model list: then the check is skipped and the plan says so once.
"""

from __future__ import annotations

import difflib
from typing import Any, Sequence

from ..errors import ManifestProblem, ValidationFailed
from ..spec import AssistantSpec
from .errors import api_error

AZURE_NOTE = ("on Azure a manifest's model is a deployment name, which the model list does not show: "
              "model names were not checked")


def check_models(client: Any, specs: Sequence[AssistantSpec], backend: str) -> tuple[str, ...]:
    """Notes for the plan; ``ValidationFailed`` naming file:line of each model the account does not serve."""
    if not specs:
        return ()
    if backend == "azure":
        return (AZURE_NOTE,)
    import openai

    try:
        served = {model.id for model in client.models.list() if getattr(model, "object", "model") == "model"}
    except (openai.NotFoundError, openai.PermissionDeniedError, openai.BadRequestError) as exc:
        return (f"the server serves no model list ({exc.status_code}): model names were not checked",)
    except Exception as exc:
        raise api_error(exc, "list models") from exc
    if not served:
        return ("the server's model list is empty (or holds no models): model names were not checked",)
    problems = []
    for spec in specs:
        if spec.model in served:
            continue
        close = difflib.get_close_matches(spec.model, sorted(served), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "check the name (the account's models: GET /v1/models)"
        file, line, column = spec.model_at or (spec.source, 0, 0)
        problems.append(ManifestProblem(file, line, column, "model",
                                        f"{spec.model!r} is not a model this account serves; {hint}"))
    if problems:
        raise ValidationFailed(problems)
    return ()
