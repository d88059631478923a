"""``/v1/threads`` and their messages (Assistants v2): what a run reads and writes.

A thread keeps its messages as child rows, oldest first; a message a run writes is tagged with
the run's id, so ``?run_id=`` lists only what that run said. While a run waits for tool outputs
the thread takes no new message, as on the real API.
"""

from __future__ import annotations

from typing import Any

from . import ids
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .routes_assistants import tool_resources
from .routing import Request, Router
from .sdk_shapes import Limit, SdkBody
from .shapes import chunking_limits, metadata_limits, require_beta
from .store import Row

router = Router()

ACTIVE_RUN = ("queued", "in_progress", "requires_action", "cancelling")

MESSAGE = SdkBody("openai.types.beta.threads.message_create_params:MessageCreateParams",
                  metadata_limits("metadata"), path_params=("thread_id",))
THREAD = SdkBody("openai.types.beta.thread_create_params:ThreadCreateParams", {
    "messages": Limit(max_items=32),
    **metadata_limits("metadata"),
    **metadata_limits("messages[].metadata"),
    "tool_resources.code_interpreter.file_ids": Limit(max_items=20),
    "tool_resources.file_search.vector_store_ids": Limit(max_items=1),
    "tool_resources.file_search.vector_stores": Limit(max_items=1),
    **chunking_limits("tool_resources.file_search.vector_stores[].chunking_strategy"),
    **metadata_limits("tool_resources.file_search.vector_stores[].metadata"),
})


def beta(req: Request) -> None:
    require_beta(req, "assistants=v2", "Assistants")


def _render_thread(req: Request, row: Row) -> dict[str, Any]:
    return {"id": row.id, "object": "thread", "created_at": row.created_at,
            "metadata": row.doc.get("metadata") or {}, "tool_resources": row.doc.get("tool_resources") or {}}


def _render_message(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    return {"id": row.id, "object": "thread.message", "created_at": row.created_at, "thread_id": row.parent,
            "status": "completed", "incomplete_details": None, "completed_at": row.created_at, "incomplete_at": None,
            "role": doc["role"], "content": doc["content"], "assistant_id": doc.get("assistant_id"),
            "run_id": doc.get("run_id"), "attachments": doc.get("attachments") or [],
            "metadata": doc.get("metadata") or {}}


THREADS = Resource("thread", _render_thread, lambda id, _p: not_found(f"No thread found with id '{id}'."))
MESSAGES = Resource("thread_message", _render_message,
                    lambda id, parent: not_found(f"No message found with id '{id}'."))


def _blocks(content: Any) -> list[dict[str, Any]]:
    """Message content as the API stores it: text parts become ``{type: text, text: {value, annotations}}``."""
    if isinstance(content, str):
        return [{"type": "text", "text": {"value": content, "annotations": []}}]
    out = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "text":
            out.append({"type": "text", "text": {"value": str(part.get("text", "")), "annotations": []}})
        else:
            out.append(part)
    return out


def add_message(req: Request, thread_id: str, message: dict[str, Any], *, assistant_id: str | None = None,
                run_id: str | None = None, blocks: list[dict[str, Any]] | None = None) -> str:
    """Store one message in the thread (a user's, or an answer a run wrote); its id."""
    mid = ids.message_id()
    doc = {"role": message["role"], "content": blocks if blocks is not None else _blocks(message["content"]),
           "assistant_id": assistant_id, "run_id": run_id, "attachments": message.get("attachments") or [],
           "metadata": message.get("metadata") or {}}
    req.store.insert("thread_message", mid, doc, parent=thread_id, created_at=req.created_at, tag=run_id)
    return mid


def create_thread(req: Request, body: dict[str, Any]) -> str:
    """A thread with its first messages; its id (shared by ``POST /v1/threads/runs``)."""
    tid = "thread_" + ids.random_id("", 24)
    resources = tool_resources(req, {}, body.get("tool_resources"))
    req.store.insert("thread", tid, {"metadata": body.get("metadata") or {}, "tool_resources": resources},
                     created_at=req.created_at)
    for message in body.get("messages") or []:
        add_message(req, tid, message)
    return tid


def conversation(req: Request, thread_id: str) -> list[dict[str, Any]]:
    """The thread's messages as the scripted model reads them (oldest first, text only)."""
    items = []
    for row in req.store.rows("thread_message", thread_id):
        text = "\n".join(b["text"]["value"] for b in row.doc["content"] if b.get("type") == "text")
        items.append({"type": "message", "role": row.doc["role"], "content": text})
    return items


def refuse_if_running(req: Request, thread_id: str) -> None:
    for run in req.store.rows("run", thread_id):
        if run.doc["status"] in ACTIVE_RUN:
            raise invalid(f"Can't add messages to {thread_id} while a run {run.id} is active.", None, None)


@router.route("POST", "/v1/threads")
def post_thread(req: Request) -> dict[str, Any]:
    beta(req)
    return THREADS.get(req, create_thread(req, req.body_as(THREAD)))


@router.route("GET", "/v1/threads/{thread_id}")
def retrieve_thread(req: Request) -> dict[str, Any]:
    beta(req)
    return THREADS.get(req, req.params["thread_id"])


@router.route("DELETE", "/v1/threads/{thread_id}")
def delete_thread(req: Request) -> dict[str, Any]:
    beta(req)
    tid = req.params["thread_id"]
    THREADS.delete(req, tid)
    req.store.delete_children(tid)
    return {"id": tid, "object": "thread.deleted", "deleted": True}


@router.route("POST", "/v1/threads/{thread_id}/messages")
def create_message(req: Request) -> dict[str, Any]:
    beta(req)
    tid = THREADS.row(req, req.params["thread_id"]).id
    body = req.body_as(MESSAGE)
    refuse_if_running(req, tid)
    return MESSAGES.get(req, add_message(req, tid, body), tid)


@router.route("GET", "/v1/threads/{thread_id}/messages")
def list_messages(req: Request) -> dict[str, Any]:
    beta(req)
    tid = THREADS.row(req, req.params["thread_id"]).id
    params = list_params(req, extra=("run_id",))
    return MESSAGES.page(req, params, parent=tid, tag=params.extra.get("run_id"))


@router.route("GET", "/v1/threads/{thread_id}/messages/{message_id}")
def retrieve_message(req: Request) -> dict[str, Any]:
    beta(req)
    tid = THREADS.row(req, req.params["thread_id"]).id
    return MESSAGES.get(req, req.params["message_id"], tid)
