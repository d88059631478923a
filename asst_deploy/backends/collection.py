"""A REST collection of assistant-like objects (``/assistants``, ``/agents``) as plain dicts.

Why not ``client.beta.assistants``: the backends turn every answer into neutral records at once,
so typed SDK objects would only be built to be taken apart again (api.py). The lists follow the
cursor as the SDK's ``SyncCursorPage`` does.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, Mapping

from .api import Api, path


def _object(answer: Any) -> dict[str, Any]:
    if not isinstance(answer, dict):
        raise TypeError(f"expected a JSON object, got {type(answer).__name__}")
    return answer


class JsonCollection:
    def __init__(self, client: Api, path: str, beta: str | None = None) -> None:
        self.client = client
        self.path = path
        self.headers = {"OpenAI-Beta": beta} if beta else {}

    def _one(self, object_id: str) -> str:
        return path(self.path + "/{id}", id=object_id)

    def list(self, limit: int = 100, order: str | None = "asc") -> Iterator[dict[str, Any]]:
        """Every object, oldest first; ``order=None`` sends none (the API's default)."""
        return self.client.pages(self.path, params={"limit": limit, "order": order}, headers=self.headers)

    def retrieve(self, object_id: str) -> dict[str, Any]:
        return _object(self.client.get(self._one(object_id), headers=self.headers))

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Sent again after a timeout only if no object carries the body's ownership marker (create_once.py)."""
        from ..ownership import MARKER_KEY
        from .create_once import create_once

        once = self.client.with_retries(0)
        marker = (body.get("metadata") or {}).get(MARKER_KEY)

        def find() -> dict[str, Any] | None:
            if marker is None:
                return None
            return next((item for item in self.list() if (item.get("metadata") or {}).get(MARKER_KEY) == marker), None)

        return create_once(lambda: _object(once.post(self.path, dict(body), headers=self.headers)),
                           find, retries=self.client.max_retries, timeout=self.client.timeout)

    def update(self, object_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return _object(self.client.post(self._one(object_id), dict(body), headers=self.headers))

    def delete(self, object_id: str) -> None:
        self.client.delete(self._one(object_id), headers=self.headers)


class ObjectTarget:
    """Reading, adopting and deleting assistant-like objects: the same for Assistants and Agents.

    Subclasses set ``noun`` and ``objects`` and map one listed object with ``_remote``."""

    noun = "object"
    objects: JsonCollection
    gone_message: str | None = None  # what a 404 on the list means (the Assistants sunset)

    def _remote(self, item: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def list(self, keep: Callable[[Mapping[str, Any]], bool] | None = None) -> list[Any]:
        """Every listed object, or those whose metadata ``keep`` accepts: read only those, so a plan
        in an organisation where other teams hold thousands of assistants maps only its own."""
        from ..errors import ApiGone
        from .errors import api_error, is_not_found, read_each

        items = self.objects.list(limit=100)
        if keep is not None:
            items = (item for item in items if isinstance(item, dict) and keep(item.get("metadata") or {}))
        try:
            return read_each(items, self._remote, self.noun)
        except Exception as exc:
            if self.gone_message and is_not_found(exc):
                raise ApiGone(self.gone_message) from None
            raise api_error(exc, f"list {self.noun}s") from exc

    def retrieve(self, object_id: str) -> Any:
        from ..errors import ApiError
        from .errors import api_error, is_not_found

        try:
            return self._remote(self.objects.retrieve(object_id))
        except Exception as exc:
            if is_not_found(exc):
                raise ApiError(f"no {self.noun} {object_id} on this account (the API answered 404)") from None
            raise api_error(exc, f"retrieve {self.noun} {object_id}") from exc

    def _existing(self, object_id: str | None, name: str) -> str:
        """The id an update acts on: the planner makes an update only for an object it found."""
        if object_id is None:
            from ..errors import AsstDeployError

            raise AsstDeployError(f"internal: update {self.noun} {name} without an id")
        return object_id

    def adopt(self, object_id: str, metadata: Mapping[str, str]) -> None:
        """Add the ownership marker: an update that sends only metadata, so nothing else changes."""
        from .errors import api_error

        try:
            self.objects.update(object_id, {"metadata": dict(metadata)})
        except Exception as exc:
            raise api_error(exc, f"mark {self.noun} {object_id} as managed") from exc

    def delete(self, object_id: str) -> None:
        from .errors import api_error, is_not_found

        try:
            self.objects.delete(object_id)
        except Exception as exc:
            if is_not_found(exc):  # already gone: a rerun after a crash must converge
                return
            raise api_error(exc, f"delete {self.noun} {object_id}") from exc
