"""The generic part of every resource route: fetch-or-404 and one list page.

A ``Resource`` knows its store kind, how to say "not found" in the API's words, and how to render
a stored row as the API object; route modules add only what is specific to them.
"""

from __future__ import annotations

from typing import Any, Callable

from .errors import ApiError, invalid
from .pagination import ListParams, envelope
from .routing import Request
from .store import Row

Render = Callable[[Request, Row], dict[str, Any]]
NotFound = Callable[[str, str], ApiError]


class Resource:
    def __init__(self, kind: str, render: Render, not_found: NotFound) -> None:
        self.kind = kind
        self.render = render
        self.not_found = not_found

    def row(self, req: Request, id: str, parent: str = "") -> Row:
        row = req.store.get(self.kind, id, parent)
        if row is None:
            raise self.not_found(id, parent)
        return row

    def get(self, req: Request, id: str, parent: str = "") -> dict[str, Any]:
        return self.render(req, self.row(req, id, parent))

    def page(
        self, req: Request, params: ListParams, *, parent: str = "", tag: str | None = None, status: str | None = None
    ) -> dict[str, Any]:
        cursors = {}
        for name in ("after", "before"):
            cursor_id = getattr(params, name)
            if cursor_id is not None:
                cursor = req.store.get(self.kind, cursor_id, parent)
                if cursor is None:
                    raise invalid(f"Invalid '{name}': no object found with id '{cursor_id}'.", name, "invalid_value")
                cursors[name] = cursor
        rows, has_more = req.store.page(
            self.kind, parent=parent, limit=params.limit, order=params.order, tag=tag, status=status, now=req.now,
            **cursors,
        )
        return envelope([self.render(req, row) for row in rows], has_more)

    def delete(self, req: Request, id: str, parent: str = "") -> None:
        if not req.store.delete(self.kind, id, parent):
            raise self.not_found(id, parent)
