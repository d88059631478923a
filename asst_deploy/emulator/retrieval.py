"""What a file_search reads: the processed files of the vector stores a request searches.

The scripted model cites from these (:func:`.scripted_model.cite`); a file still processing is
not searchable yet, as on the real API.
"""

from __future__ import annotations

from typing import Any, Iterable

from .routing import Request
from .scripted_model import Document


def documents(req: Request, store_ids: Iterable[str]) -> list[Document]:
    """The completed files of each store, in store order then upload order, with their text."""
    found: list[Document] = []
    for store_id in store_ids:
        for row in req.store.rows("vs_file", store_id):
            if row.effective_status(req.now) != "completed":
                continue
            file_row = req.store.get("file", row.id)
            filename = str(file_row.doc.get("filename", row.id)) if file_row is not None else row.id
            text = (req.store.get_blob(row.id) or b"").decode("utf-8", "replace")
            found.append(Document(row.id, filename, text))
    return found


def searched_stores(tools: Iterable[dict[str, Any]]) -> list[str]:
    """The vector stores a Responses request's ``file_search`` tools search (checked ids)."""
    return [store for tool in tools if tool.get("type") == "file_search" for store in tool["vector_store_ids"]]
