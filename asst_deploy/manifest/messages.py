"""Pydantic's errors, rewritten as one line that says what is wrong and how to fix it.

Pydantic knows the data path of an error; :class:`.yamlpos.Located` knows where that path is in
which file. This module joins the two and words the message for a person editing YAML.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import TYPE_CHECKING, Any, Iterable

from pydantic import BaseModel, ValidationError

from ..errors import ManifestProblem
from .models import COMPARISONS, ENV_NAME_PATTERN, FUNCTION_NAME_PATTERN, HEADER_NAME_PATTERN, NAME_PATTERN, TAG_PREFIX, TOOL_MODELS
from .yamlpos import Located, Path_, describe_value, quote_hint

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails  # part of pydantic, which validation errors come from

# Keys from older APIs or from other tools, and what to write instead.
RENAMED_KEYS = {
    "file_ids": "file_ids is the v1 field: list local paths under `files:` (for file_search) "
    "or `code_interpreter_files:`",
    "tool_resources": "write local paths under `files:` (file_search) and "
    "`code_interpreter_files:` instead; asst-deploy creates the vector store",
}
RANGES = {"temperature": (0, 2), "top_p": (0, 1), "max_num_results": (1, 50), "score_threshold": (0, 1),
          "max_chunk_size_tokens": (100, 4096), "days": (1, 365), "min_pass": (0, 1), "threshold": (0, 1),
          "repeat": (1, 100)}
RENAMED_TOOLS = {
    "retrieval": "the v1 tool `retrieval` is called `file_search` in v2: write `type: file_search`",
    "browser": "write `type: web_search` (api: agents or responses)",
    "computer": "write `type: computer_use`: one spelling for the computer tool of api: agents and responses "
                "(the Responses API receives it as `computer`)",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def problems_from(exc: ValidationError, model: type[BaseModel], doc: Located) -> list[ManifestProblem]:
    """Every error of a validation, placed in its file."""
    out = []
    for err in exc.errors(include_url=False):
        path, tags = _split_loc(err["loc"])
        message = _message(err, path, tags, model, doc)
        if err["type"] == "union_tag_invalid" and isinstance(err.get("input"), dict):
            path += ("type",)  # point at the unknown type itself
        out.append(doc.problem(path, message, key=err["type"] == "extra_forbidden" or "[key]" in err["loc"]))
    return out


def _split_loc(loc: tuple) -> tuple[Path_, list[str]]:
    """Data path without union branch tags (and pydantic's '[key]' marker)."""
    path, tags = [], []
    for part in loc:
        if isinstance(part, str) and part.startswith(TAG_PREFIX):
            tags.append(part[len(TAG_PREFIX):])
        elif part != "[key]":
            path.append(part)
    return tuple(path), tags


def _fields_at(model: type[BaseModel], path: Path_, tags: list[str]) -> list[str]:
    """The keys allowed in the mapping at ``path`` (for "did you mean")."""
    tp: Any = model
    tags = list(tags)
    for part in path:
        tp = _unwrap(tp, tags)
        if isinstance(part, int):
            tp = typing.get_args(tp)[0] if typing.get_args(tp) else Any
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(part) or next(
                (f for f in tp.model_fields.values() if f.alias == part), None
            )
            tp = field.annotation if field else Any
        else:
            return []
    tp = _unwrap(tp, tags)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [f.alias or n for n, f in tp.model_fields.items()]
    return []


def _unwrap(tp: Any, tags: list[str]) -> Any:
    """Strip Annotated/Optional; choose a tagged union's branch by the next tag."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
            branch = tags.pop(0) if tags else None
            for arg in args:
                meta = getattr(arg, "__metadata__", ())
                if any(getattr(m, "tag", None) == TAG_PREFIX + str(branch) for m in meta):
                    tp = arg
                    break
            else:
                return Any
        else:
            return tp


def _quote_hint(doc: Located, path: Path_, value: Any) -> str:
    raw = doc.raw.get(path)
    return "" if raw is None else quote_hint(raw, value)


def _message(err: ErrorDetails, path: Path_, tags: list[str], model: type[BaseModel], doc: Located) -> str:
    value: Any = err.get("input")  # whatever the YAML held: each kind below knows its shape
    kind, ctx = err["type"], err.get("ctx") or {}
    key = path[-1] if path else ""
    if kind == "missing":
        return f"required: add `{key}: ...`"
    if kind == "extra_forbidden":
        if key in RENAMED_KEYS and len(path) == 1:
            return f"unknown key: {RENAMED_KEYS[key]}"
        if key == "file_search" and path[:1] == ("tools",):
            return "unknown key: write max_num_results and ranking_options directly under the tool"
        hint = did_you_mean(str(key), _fields_at(model, path[:-1], tags))
        return f"unknown key{hint or '; remove it (allowed: ' + ', '.join(_fields_at(model, path[:-1], tags)) + ')'}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _union_message(path, value)
    if kind == "string_type":
        return f"expected a string, got {_kind_of(value)}{_quote_hint(doc, path, value)}"
    if kind in ("float_type", "int_type", "bool_type", "dict_type", "list_type", "model_type"):
        want = {"float_type": "a number", "int_type": "an integer", "bool_type": "true or false",
                "dict_type": "a mapping", "list_type": "a list", "model_type": "a mapping"}[kind]
        hint = ""
        if kind == "list_type" and path == ("tools",):
            hint = "; write a list of tools: [{type: ...}]"
        elif kind == "list_type" and isinstance(value, str):
            hint = f"; write it as a list: [{value}]"
        elif kind == "int_type" and isinstance(value, float):
            hint = "; use a whole number"
        elif isinstance(value, str):
            hint = "; remove the quotes" if _looks_like(value, kind) else ""
        return f"expected {want}, got {_kind_of(value)}{hint}"
    if kind == "int_from_float":
        return f"expected an integer, got {value}; use a whole number"
    if kind == "literal_error" and path == ("response_format",):
        return _union_message(path, value)
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        hint = _quote_hint(doc, path, value) if not isinstance(value, str) else did_you_mean(
            str(value), [e.strip(" '") for e in expected.replace(" or ", ", ").split(",")]
        )
        return f"must be one of {expected}, got {describe_value(value)}{hint}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(path, value, ctx.get("pattern", ""))
    if kind == "string_too_long":
        what = "key" if "[key]" in err["loc"] else "value"
        return f"is {len(value)} characters; the API allows at most {ctx['max_length']}" + (
            f" for a metadata {what}" if path[:1] == ("metadata",) else ""
        ) + ": shorten it"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"must hold at least {ctx.get('min_length', 1)} item(s)"
    if kind == "too_long":
        if path == ("metadata",):
            return (f"has {len(value)} pairs; at most {ctx['max_length']} (the API allows 16 and "
                    "asst-deploy reserves one): remove some")
        return f"has {len(value)} items; the API allows at most {ctx['max_length']}: remove some"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = RANGES.get(str(key), (ctx.get("ge", ctx.get("gt")), ctx.get("le", ctx.get("lt"))))
        if low is None or high is None:
            bound = f"at least {low}" if high is None else f"at most {high}"
            return f"must be {bound}, got {value}"
        return f"must be between {low} and {high}, got {value}"
    return f"{err['msg']} (got {describe_value(value)})"


def _union_message(path: Path_, value: Any) -> str:
    if path[-1:] == ("response_format",) or path == ("response_format",):
        kind = value.get("type") if isinstance(value, dict) else value
        return (f"unknown response format {describe_value(kind)}: use auto, {{type: text}}, "
                "{type: json_object} or {type: json_schema, json_schema: {name, schema}}")
    if path[-1:] == ("transport",):
        return "transport needs `type: http` (with server_url) or `type: stdio` (with command, cwd)"
    if "filters" in path:
        kind = value.get("type") if isinstance(value, dict) else value
        return (f"unknown filter type {describe_value(kind)}: a comparison ({', '.join(COMPARISONS)}) with key "
                "and value, or and/or with filters")
    kind = value.get("type") if isinstance(value, dict) else None
    if kind is None:
        return f"a tool must be a mapping with a `type`: one of {', '.join(TOOL_MODELS)}"
    if kind in RENAMED_TOOLS:
        return RENAMED_TOOLS[kind]
    return f"unknown tool type {describe_value(kind)}{did_you_mean(str(kind), TOOL_MODELS)}" + (
        "" if did_you_mean(str(kind), TOOL_MODELS) else f"; use one of {', '.join(TOOL_MODELS)}"
    )


def _pattern_message(path: Path_, value: str, pattern: str) -> str:
    if pattern == NAME_PATTERN:
        suggestion = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-_")
        return (f"{value!r} must match [a-z0-9][a-z0-9_-]* (lowercase letters, digits, - and _)"
                + (f": e.g. {suggestion!r}" if suggestion else "")
                + "; put a free-form name in display_name")
    if pattern == FUNCTION_NAME_PATTERN:
        return f"{value!r} must match [a-zA-Z0-9_-]{{1,64}} (letters, digits, _ and -, at most 64)"
    if pattern == ENV_NAME_PATTERN:
        return f"{value!r} is not an environment variable's name (letters, digits and _, not starting with a digit)"
    if pattern == HEADER_NAME_PATTERN:
        return f"{value!r} is not an HTTP header name (letters, digits and !#$%&'*+.^_`|~-, no spaces or colons)"
    return (f"{value!r} must start with a letter or digit and hold only letters, digits, . _ and -"
            " (at most 64)")


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {describe_value(value)}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if value is None:
        return "null"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value}"


def _looks_like(text: str, kind: str) -> bool:
    if kind == "bool_type":
        return text.lower() in ("true", "false")
    try:
        float(text)
    except ValueError:
        return False
    return kind in ("float_type", "int_type")
