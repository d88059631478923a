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

        model = _model()
        page = self.client.get_api_list(self.path, model=model, page=SyncCursorPage[model],
                                        options=self._options(limit=limit, order=order))
        for item in page:  # the SDK fetches the next page (after=<last id>) while has_more
            yield _plain(item)

    def retrieve(self, object_id: str) -> dict[str, Any]:
        return _plain(self.client.get(f"{self.path}/{object_id}", cast_to=_model(), options=self._options()))

    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return _plain(self.client.post(self.path, body=dict(body), cast_to=_model(), options=self._options()))

    def update(self, object_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        return _plain(self.client.post(f"{self.path}/{object_id}", body=dict(body), cast_to=_model(),
                                       options=self._options()))

    def delete(self, object_id: str) -> None:
        self.client.delete(f"{self.path}/{object_id}", cast_to=_model(), options=self._options())
