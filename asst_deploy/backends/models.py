"""Is each manifest's model one the account serves? Asked once per command, before anything is written.

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
from .api import Api
from .errors import api_error

AZURE_NOTE = ("on Azure a manifest's model is a deployment name, which the model list does not show: "
              "model names were not checked")


class ModelCheck:
    """Asks the account's model list at most once per command (apply plans twice), and only for
    specs a plan sends: a no-op plan sends no model, so it makes no request for the list.
    A manifest whose model is not sent (unchanged since the apply that created its object with
    that model) is not checked: nothing would carry the name."""

    def __init__(self, client: Api, backend: str) -> None:
        self.client = client
        self.backend = backend
        self._served: frozenset[str] | None = None
        self._unchecked: str | None = None  # the note when the list cannot be had

    def __call__(self, specs: Sequence[AssistantSpec]) -> tuple[str, ...]:
        """Notes for the plan; ``ValidationFailed`` naming file:line of each model the account does not serve."""
        if not specs:
            return ()
        if self.backend == "azure":
            return (AZURE_NOTE,)
        if self._served is None and self._unchecked is None:
            self._served, self._unchecked = self._ask()
        if self._unchecked is not None:
            return (self._unchecked,)
        served = self._served or frozenset()
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

    def _ask(self) -> tuple[frozenset[str] | None, str | None]:
        from .api import StatusError

        try:
            answer = self.client.get("/models")
            served = frozenset(model["id"] for model in (answer.get("data") or [])
                               if isinstance(model, dict) and model.get("object", "model") == "model"
                               and isinstance(model.get("id"), str))
        except StatusError as exc:
            if exc.status_code not in (400, 403, 404):
                raise api_error(exc, "list models") from exc
            return None, f"the server serves no model list ({exc.status_code}): model names were not checked"
        except (AttributeError, TypeError) as exc:
            return None, f"the server's model list cannot be read ({exc}): model names were not checked"
        except Exception as exc:
            raise api_error(exc, "list models") from exc
        if not served:
            return None, "the server's model list is empty (or holds no models): model names were not checked"
        return served, None
