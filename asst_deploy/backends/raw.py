"""A REST collection driven through the SDK's own request machinery (retries, timeouts,
``Retry-After``, cursor pagination, typed errors), returning plain dicts.

Why not ``client.beta.assistants``: reaching any resource under ``openai.resources.beta`` imports
the whole ``openai.types.beta`` package, about 0.5 s of every command's start-up, and the typed
objects are turned straight back into dicts by the backends anyway.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterator, Mapping


@lru_cache(maxsize=1)
def _model() -> Any:
    import openai

    class RawObject(openai.BaseModel):
        """Any API object; the SDK keeps the fields it does not know."""

        id: str

    return RawObject


def _plain(obj: Any) -> dict[str, Any]:
    return obj.model_dump(mode="json", by_alias=True)


class RawResource:
    def __init__(self, client: Any, path: str, beta: str | None = None) -> None:
        self.client = client
        self.path = path
        self.headers = {"OpenAI-Beta": beta} if beta else {}

    def _options(self, **params: Any) -> dict[str, Any]:
        options: dict[str, Any] = {"headers": self.headers}
        if params:
            options["params"] = params
        return options

    def list(self, limit: int = 100, order: str = "asc") -> Iterator[dict[str, Any]]:
        from openai.pagination import SyncCursorPage

        model: Any = _model()  # a class made at run time (openai is imported lazily), not a static type
        page = self.client.get_api_list(self.path, model=model, page=SyncCursorPage[model],
                                        options=self._options(limit=limit, order=order))
        for item in page:  # the SDK fetches the next page (after=<last id>) while has_more
            yield _plain(item)

    def retrieve(self, object_id: str) -> dict[str, Any]:
        return _plain(self.client.get(f"{self.path}/{object_id}", cast_to=_model(), options=self._options()))

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Sent again after a timeout only if no object carries the body's ownership marker (once.py)."""
        from ..ownership import MARKER_KEY
        from .once import create_once, timeout_of

        options = {**self._options(), "max_retries": 0}
        marker = (body.get("metadata") or {}).get(MARKER_KEY)

        def find() -> dict[str, Any] | None:
            if marker is None:
                return None
            return next((item for item in self.list() if (item.get("metadata") or {}).get(MARKER_KEY) == marker), None)

        return create_once(lambda: _plain(self.client.post(self.path, body=dict(body), cast_to=_model(), options=options)),
                           find, retries=self.client.max_retries, timeout=timeout_of(self.client))

    def update(self, object_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return _plain(self.client.post(f"{self.path}/{object_id}", body=dict(body), cast_to=_model(),
                                       options=self._options()))

    def delete(self, object_id: str) -> None:
        self.client.delete(f"{self.path}/{object_id}", cast_to=_model(), options=self._options())


class ObjectTarget:
    """Reading, adopting and deleting assistant-like objects: the same for Assistants and Agents.

    Subclasses set ``noun`` and ``objects`` and map one listed object with ``_remote``."""

    noun = "object"
    objects: RawResource
    gone_message: str | None = None  # what a 404 on the list means (the Assistants sunset)

    def _remote(self, item: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def list(self) -> list[Any]:
        from ..errors import ApiGone
        from .errors import api_error, is_not_found, read_each

        try:
            return read_each(self.objects.list(limit=100), self._remote, self.noun)
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
