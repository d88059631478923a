"""The emulator's stand-in model for Responses, Agents sessions and Assistants runs: a script.

It never thinks; it answers by fixed rules, the same way for the same request, so that runtime
code (a Responses loop, an Agents SDK ``Runner``, a behaviour check) can be tested offline end to end:

- a function call when ``tool_choice`` asks for one: ``"required"`` (the first declared function
  not yet answered since the last user message, else the first), ``{"type": "function", "name":
  ...}`` or ``allowed_tools`` in ``required`` mode. Under ``"auto"`` (the default, and the only
  choice an agent or an assistant run without ``tool_choice`` has) the script calls a declared
  function a line of the latest user message begins with ("Search the facts on X" calls
  ``search``), unless it was answered since that message. Under ``"none"`` it never calls. The
  arguments are built from the function's JSON schema (strings get the user's last line);
- otherwise a text answer ``<role>: [<function> returned "<output>". ]I read "<first line>"[ …
  "<last line>"]``: the role named in the instructions ("your role is X", "you are X", "你的角色是X";
  else their first sentence), the latest user message's first and last lines, and the output of
  every function answered since that message (from the input items, or the stored conversation of
  ``previous_response_id``). A line that itself quotes (an earlier answer in a transcript) is quoted
  up to its own first quotation, then ``…``, so quotes never nest;
- file_search: when the request searches vector stores (a Responses ``file_search`` tool, an
  assistant's ``file_search`` with its stores), the first word of four or more letters of the
  latest user message, in the message's order, that a stored file's text holds as a word (case
  ignored; files in store order, then upload order) makes the answer cite that file: it ends
  `` From <filename>: "<the file's first line holding the word>"`` and carries a ``file_citation``
  annotation naming the file's id. No such word: no citation;
- ``text.format`` json_schema: an instance of the schema built the same way; json_object: an object
  holding the text;
- usage: about four characters a token, of the instructions and the conversation in, the answer out.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple, Sequence

from . import ids

_ROLE_PATTERNS = (
    re.compile(r"(?:[Yy]our role is|你的角色是)\s*(?:an?\s+|the\s+)?([^。.,,;;:\n!?!?]{1,60})"),
    re.compile(r"(?:[Yy]ou are|[Yy]ou're|[Aa]ct as|你是)\s*(?:an?\s+|the\s+)?([^。.,,;;:\n!?!?]{1,60})"),
)
_LINE = 120  # characters of a line quoted back
_OUTPUT = 160  # characters of a function output quoted back


def role_of(instructions: str | None) -> str:
    """Who the instructions say the model is."""
    text = (instructions or "").strip()
    for pattern in _ROLE_PATTERNS:
        found = pattern.search(text)
        if found:
            return found.group(1).strip()
    first = re.split(r"(?<=[.!?。!?])\s*|\n", text, maxsplit=1)[0].strip() if text else ""
    return first[:60] or "assistant"


def conversation(value: Any) -> list[dict[str, Any]]:
    """The request's ``input`` as a list of items (a string is one user message)."""
    if isinstance(value, str):
        return [{"type": "message", "role": "user", "content": value}]
    items = []
    for item in value or []:
        if isinstance(item, str):
            items.append({"type": "message", "role": "user", "content": item})
        elif isinstance(item, dict):
            items.append(item if "type" in item else {"type": "message", **item})
    return items


def text_of(content: Any) -> str:
    """The text in a message's content, whatever shape it came in."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(text_of(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def _last_user(items: list[dict[str, Any]]) -> int:
    for index in range(len(items) - 1, -1, -1):
        item = items[index]
        if item.get("type") == "message" and item.get("role") == "user":
            return index
    return -1


def _answered(items: list[dict[str, Any]], since: int) -> list[tuple[str, str]]:
    """(function name, output) of every call answered after the item at ``since``."""
    names = {i.get("call_id"): i.get("name", "") for i in items if i.get("type") == "function_call"}
    return [(str(names.get(i.get("call_id"), "function")), _output_text(i.get("output")))
            for i in items[since + 1:] if i.get("type") == "function_call_output"]


def _output_text(output: Any) -> str:
    return output if isinstance(output, str) else text_of(output) or json.dumps(output, ensure_ascii=False)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quoted(line: str) -> str:
    """A line as the script quotes it: up to a quotation of its own (``blue hat: I read …``)."""
    head, mark, _ = line.partition('"')
    return _clip(f"{head.rstrip()} …" if mark else line, _LINE)


def sample(schema: Any, text: str) -> Any:
    """A value of the JSON schema: strings hold ``text``, enums their first value, the rest the
    smallest value of their type; every property of an object is filled."""
    if not isinstance(schema, dict):
        return text
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return sample(schema[key][0], text)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        value = {name: sample(sub, text) for name, sub in properties.items()}
        if not properties and schema.get("additionalProperties", True) is not False:
            value["answer"] = text
        return value
    if kind == "array":
        return [sample(schema.get("items"), text) for _ in range(int(schema.get("minItems", 0)))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return text


class Document(NamedTuple):
    """A stored file the script may cite: its id, its name, its text."""

    file_id: str
    filename: str
    text: str


_WORD = re.compile(r"\w{4,}")


def cite(question: str, documents: Sequence[Document]) -> tuple[Document, str] | None:
    """The file the answer cites and the line it quotes: the first word of the question (four or
    more letters) that a document holds as a word; None when no document holds any."""
    for word in dict.fromkeys(w.lower() for w in _WORD.findall(question)):
        found = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        for doc in documents:
            line = next((ln.strip() for ln in doc.text.splitlines() if found.search(ln)), None)
            if line is not None:
                return doc, line
    return None


def _asked(functions: list[dict[str, Any]], question: str, done: set[str]) -> dict[str, Any] | None:
    """Under ``auto``: the first function a line of the question begins with, not answered since
    (a transcript's lines begin with their speakers, so an earlier call quoted in one asks nothing)."""
    for function in functions:
        starts = re.compile(rf"\s*{re.escape(function['name'])}(?!\w)", re.IGNORECASE)
        if function["name"] not in done and any(starts.match(line) for line in question.splitlines()):
            return function
    return None


def _called_function(tools: list[dict[str, Any]], tool_choice: Any,
                     answered: list[tuple[str, str]], question: str) -> dict[str, Any] | None:
    functions = [t for t in tools if t.get("type") == "function"]
    if not functions:
        return None
    if tool_choice in (None, "auto"):
        return _asked(functions, question, {name for name, _ in answered})
    if tool_choice == "required":
        done = {name for name, _ in answered}
        return next((f for f in functions if f["name"] not in done), functions[0])
    if isinstance(tool_choice, dict):
        if tool_choice.get("type") == "function":
            return next((f for f in functions if f["name"] == tool_choice.get("name")), None)
        if tool_choice.get("type") == "allowed_tools" and tool_choice.get("mode") == "required":
            allowed = {t.get("name") for t in tool_choice.get("tools") or [] if t.get("type") == "function"}
            return next((f for f in functions if f["name"] in allowed), None)
    return None


def respond(instructions: str | None, items: list[dict[str, Any]], tools: list[dict[str, Any]],
            tool_choice: Any, fmt: dict[str, Any],
            documents: Sequence[Document] = ()) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The output items (Responses shapes) and the usage of one turn over the whole conversation ``items``."""
    last = _last_user(items)
    question = text_of(items[last].get("content")) if last >= 0 else ""
    lines = [line.strip() for line in question.splitlines() if line.strip()]
    answered = _answered(items, last)
    function = _called_function(tools, tool_choice, answered, question)
    output: list[dict[str, Any]]
    if function is not None:
        query = _clip(lines[-1], _LINE) if lines else ""
        arguments = json.dumps(sample(function.get("parameters") or {"type": "object"}, query), ensure_ascii=False)
        output = [{"id": ids.random_id("fc_", 48), "type": "function_call", "status": "completed",
                   "call_id": ids.random_id("call_", 24), "name": function["name"], "arguments": arguments}]
        said = arguments
    else:
        said, annotations = _text_answer(instructions, lines, answered, cite(question, documents) if documents else None)
        if fmt.get("type") == "json_schema":
            said = json.dumps(sample(fmt.get("schema"), said), ensure_ascii=False)
        elif fmt.get("type") == "json_object":
            said = json.dumps({"answer": said}, ensure_ascii=False)
        for note in annotations:
            note["index"] = len(said)
        output = [{"id": ids.message_id(), "type": "message", "role": "assistant", "status": "completed",
                   "content": [{"type": "output_text", "text": said, "annotations": annotations, "logprobs": []}]}]
    seen = (instructions or "") + "".join(text_of(i.get("content")) + str(i.get("arguments", ""))
                                          + _output_text(i.get("output", "")) for i in items)
    usage = {"input_tokens": max(1, len(seen) // 4), "output_tokens": max(1, len(said) // 4)}
    return output, usage


def _text_answer(instructions: str | None, lines: list[str], answered: list[tuple[str, str]],
                 cited: tuple[Document, str] | None) -> tuple[str, list[dict[str, Any]]]:
    said = f"{role_of(instructions)}: "
    said += "".join(f'{name} returned "{_clip(out, _OUTPUT)}". ' for name, out in answered)
    if lines:
        said += f'I read "{_quoted(lines[0])}"'
        if len(lines) > 1:
            said += f' … "{_quoted(lines[-1])}"'
    else:
        said += "I read nothing."
    if cited is None:
        return said, []
    doc, line = cited
    said += f' From {doc.filename}: "{_quoted(line)}"'
    return said, [{"type": "file_citation", "file_id": doc.file_id, "filename": doc.filename, "index": len(said)}]
