"""Runs of an assistant on a thread (Assistants v2): create, create-and-run, poll, submit tool outputs.

A run is answered by the scripted model at once, over the thread's messages and the run's own
function calls: it ends ``completed`` with an assistant message in the thread (citing a file of
the assistant's or the thread's vector store when the question names a word it holds), or waits
in ``requires_action`` for ``submit_tool_outputs``. The real API gets there through ``queued`` and
``in_progress``; so that clients are seen to poll, a run shows ``in_progress`` for the emulator's
``answer_seconds`` after each step (0 by default).
"""

from __future__ import annotations

from typing import Any

from . import ids
from .errors import invalid, not_found
from .pagination import list_params
from .resources import Resource
from .retrieval import documents
from .routes_assistants import ASSISTANTS
from .routes_threads import THREADS, add_message, beta, conversation, create_thread, refuse_if_running
from .routing import Request, Router
from .scripted_model import respond
from .sdk_shapes import Limit, SdkBody
from .shapes import assistant_tool_limits, metadata_limits
from .store import Row

router = Router()

_RUN = {
    "assistant_id": Limit(min_len=1),
    "instructions": Limit(max_len=256000),
    "tools": Limit(max_items=128),
    **assistant_tool_limits("tools[]"),
    **metadata_limits("metadata"),
    "temperature": Limit(minimum=0, maximum=2),
    "top_p": Limit(minimum=0, maximum=1),
}
CREATE = SdkBody("openai.types.beta.threads.run_create_params:RunCreateParamsNonStreaming",
                 {**_RUN, **metadata_limits("additional_messages[].metadata")}, path_params=("thread_id",))
CREATE_AND_RUN = SdkBody("openai.types.beta.thread_create_and_run_params:ThreadCreateAndRunParamsNonStreaming",
                         {**_RUN, "thread.messages": Limit(max_items=32), **metadata_limits("thread.metadata"),
                          **metadata_limits("thread.messages[].metadata")})
SUBMIT = SdkBody("openai.types.beta.threads.run_submit_tool_outputs_params:RunSubmitToolOutputsParamsNonStreaming",
                 path_params=("thread_id",))


def _render(req: Request, row: Row) -> dict[str, Any]:
    doc = row.doc
    if req.now < doc.get("answer_at", 0):  # still "thinking": the step's outcome is not shown yet
        doc = {**doc, "status": "in_progress", "required_action": None, "completed_at": None}
    done = doc["status"] == "completed"
    usage = doc.get("usage") or {}
    return {
        "id": row.id, "object": "thread.run", "created_at": row.created_at, "assistant_id": doc["assistant_id"],
        "thread_id": row.parent, "status": doc["status"], "started_at": row.created_at, "expires_at": None,
        "cancelled_at": doc.get("cancelled_at"), "failed_at": None, "completed_at": doc.get("completed_at"),
        "required_action": doc.get("required_action"), "last_error": None, "model": doc["model"],
        "instructions": doc.get("instructions") or "", "tools": doc["tools"], "metadata": doc.get("metadata") or {},
        "usage": {"prompt_tokens": usage.get("input_tokens", 0), "completion_tokens": usage.get("output_tokens", 0),
                  "total_tokens": usage.get("input_tokens", 0) + usage.get("output_tokens", 0)} if done else None,
        "temperature": doc.get("temperature"), "top_p": doc.get("top_p"), "max_prompt_tokens": None,
        "max_completion_tokens": None, "truncation_strategy": {"type": "auto", "last_messages": None},
        "incomplete_details": None, "response_format": doc.get("response_format", "auto"),
        "tool_choice": doc.get("tool_choice") or "auto", "parallel_tool_calls": doc.get("parallel_tool_calls", True),
    }


RUNS = Resource("run", _render, lambda id, _p: not_found(f"No run found with id '{id}'."))


def _script_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Assistants function tools (nested ``function``) in the flat shape the script reads."""
    return [{"type": "function", **t["function"]} for t in tools if t.get("type") == "function"]


def _script_choice(choice: Any) -> Any:
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "function", "name": (choice.get("function") or {}).get("name")}
    return choice or "auto"


def _script_format(response_format: Any) -> dict[str, Any]:
    if isinstance(response_format, dict) and response_format.get("type") == "json_schema":
        return {"type": "json_schema", "schema": (response_format.get("json_schema") or {}).get("schema")}
    if isinstance(response_format, dict):
        return {"type": response_format.get("type", "text")}
    return {"type": "text"}


def _stores(req: Request, doc: dict[str, Any], thread_id: str) -> list[str]:
    """The vector stores a run searches: the thread's, then the assistant's (with a file_search tool)."""
    if not any(t.get("type") == "file_search" for t in doc["tools"]):
        return []
    thread = THREADS.row(req, thread_id).doc.get("tool_resources") or {}
    assistant = ASSISTANTS.row(req, doc["assistant_id"]).doc.get("tool_resources") or {}
    return [*(thread.get("file_search") or {}).get("vector_store_ids", []),
            *(assistant.get("file_search") or {}).get("vector_store_ids", [])]


def _advance(req: Request, row: Row) -> Row:
    """One scripted step: a function call to wait on, or the answer written to the thread."""
    doc = dict(row.doc)
    items = conversation(req, row.parent) + doc["steps"]
    output, usage = respond(doc.get("instructions"), items, _script_tools(doc["tools"]),
                            _script_choice(doc.get("tool_choice")), _script_format(doc.get("response_format")),
                            documents(req, _stores(req, doc, row.parent)))
    item = output[0]
    if item["type"] == "function_call":
        doc["steps"] = [*doc["steps"], item]
        doc["status"] = "requires_action"
        doc["required_action"] = {"type": "submit_tool_outputs", "submit_tool_outputs": {"tool_calls": [
            {"id": item["call_id"], "type": "function",
             "function": {"name": item["name"], "arguments": item["arguments"]}}]}}
    else:
        part = item["content"][0]
        annotations = [{"type": "file_citation", "text": note["filename"],
                        "file_citation": {"file_id": note["file_id"]}, "start_index": note["index"],
                        "end_index": note["index"]} for note in part["annotations"]]
        add_message(req, row.parent, {"role": "assistant"}, assistant_id=doc["assistant_id"], run_id=row.id,
                    blocks=[{"type": "text", "text": {"value": part["text"], "annotations": annotations}}])
        doc.update(status="completed", required_action=None, completed_at=req.created_at, usage=usage)
    doc["answer_at"] = req.now + req.app.config.answer_seconds
    return req.store.update(row, doc)


def _start(req: Request, thread_id: str, body: dict[str, Any]) -> dict[str, Any]:
    assistant = ASSISTANTS.get(req, body["assistant_id"])
    if body.get("stream"):
        raise invalid("Streaming is not supported by the asst-deploy emulator; call without stream=true.", "stream",
                      "unsupported_value")
    refuse_if_running(req, thread_id)
    for message in body.get("additional_messages") or []:
        add_message(req, thread_id, message)
    instructions = body["instructions"] if body.get("instructions") is not None else assistant["instructions"]
    if body.get("additional_instructions"):
        instructions = f"{instructions or ''}\n{body['additional_instructions']}"
    doc = {"assistant_id": assistant["id"], "status": "queued", "steps": [], "instructions": instructions,
           "model": body.get("model") or assistant["model"],
           "tools": body["tools"] if body.get("tools") is not None else assistant["tools"],
           "tool_choice": body.get("tool_choice"), "metadata": body.get("metadata"),
           "response_format": body.get("response_format") or assistant["response_format"],
           "temperature": body.get("temperature", assistant["temperature"]),
           "top_p": body.get("top_p", assistant["top_p"]), "parallel_tool_calls": body.get("parallel_tool_calls", True)}
    rid = "run_" + ids.random_id("", 24)
    req.store.insert("run", rid, doc, parent=thread_id, created_at=req.created_at)
    return _render(req, _advance(req, RUNS.row(req, rid, thread_id)))


@router.route("POST", "/v1/threads/runs")
def create_thread_and_run(req: Request) -> dict[str, Any]:
    beta(req)
    body = req.body_as(CREATE_AND_RUN)
    ASSISTANTS.row(req, body["assistant_id"])
    thread = dict(body.get("thread") or {})
    if body.get("tool_resources") is not None:
        thread["tool_resources"] = body["tool_resources"]
    return _start(req, create_thread(req, thread), body)


@router.route("POST", "/v1/threads/{thread_id}/runs")
def create_run(req: Request) -> dict[str, Any]:
    beta(req)
    tid = THREADS.row(req, req.params["thread_id"]).id
    return _start(req, tid, req.body_as(CREATE))


@router.route("GET", "/v1/threads/{thread_id}/runs")
def list_runs(req: Request) -> dict[str, Any]:
    beta(req)
    tid = THREADS.row(req, req.params["thread_id"]).id
    return RUNS.page(req, list_params(req), parent=tid)


@router.route("GET", "/v1/threads/{thread_id}/runs/{run_id}")
def retrieve_run(req: Request) -> dict[str, Any]:
    beta(req)
    return RUNS.get(req, req.params["run_id"], req.params["thread_id"])


@router.route("POST", "/v1/threads/{thread_id}/runs/{run_id}/submit_tool_outputs")
def submit_tool_outputs(req: Request) -> dict[str, Any]:
    beta(req)
    row = RUNS.row(req, req.params["run_id"], req.params["thread_id"])
    body = req.body_as(SUBMIT)
    if row.doc["status"] != "requires_action":
        raise invalid(f'Runs in status "{row.doc["status"]}" do not accept tool outputs.', None, None)
    waiting = {c["id"] for c in row.doc["required_action"]["submit_tool_outputs"]["tool_calls"]}
    given = {o.get("tool_call_id") for o in body["tool_outputs"]}
    if given != waiting:
        raise invalid(f"Expected tool outputs for call_ids {sorted(waiting)}, got {sorted(map(str, given))}.",
                      "tool_outputs", "invalid_value")
    outputs = [{"type": "function_call_output", "call_id": o["tool_call_id"], "output": o.get("output", "")}
               for o in body["tool_outputs"]]
    row = req.store.update(row, {**row.doc, "steps": [*row.doc["steps"], *outputs], "required_action": None,
                                 "status": "in_progress"})
    return _render(req, _advance(req, row))


@router.route("POST", "/v1/threads/{thread_id}/runs/{run_id}/cancel")
def cancel_run(req: Request) -> dict[str, Any]:
    beta(req)
    row = RUNS.row(req, req.params["run_id"], req.params["thread_id"])
    if row.doc["status"] not in ("queued", "in_progress", "requires_action"):
        raise invalid(f"Cannot cancel run with status '{row.doc['status']}'.", None, None)
    row = req.store.update(row, {**row.doc, "status": "cancelled", "required_action": None,
                                 "cancelled_at": req.created_at})
    return _render(req, row)
