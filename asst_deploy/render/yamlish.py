"""Structured values (tools, function schemas, metadata) written as YAML, the way a manifest has them.

A reviewer reads a tool in the plan as they wrote it in the manifest: block style, ``type`` and
``name`` first, short flat lists and maps in flow style (``required: [order_number]``), strings plain
unless YAML would read them as something else. The output is valid YAML for the same value, so a
line diff of two values is a diff of what the manifest says. Pure functions over JSON values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

FLOW_LIMIT = 60  # a flat list or map shorter than this is written on one line, as manifests do

# Keys a reader looks for first, in this order; any other key keeps its place after them. Tool keys,
# then JSON Schema keywords in the order schemas are usually written.
_KEY_ORDER = {key: rank for rank, key in enumerate((
    "type", "name", "title", "description", "strict", "server_label", "server_url",
    "enum", "const", "format", "items", "properties", "required", "additionalProperties",
    "parameters",
))}
_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_ ./@()+,'-]*\Z")
_NOT_PLAIN = re.compile(r"^(?:y|n|yes|no|on|off|true|false|null|~)$", re.IGNORECASE)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")


def ordered_items(mapping: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """A mapping's items with the well-known keys first (``type``, ``name``, ``description``...)."""
    items = list(mapping.items())
    return sorted(items, key=lambda kv: (_KEY_ORDER.get(kv[0], len(_KEY_ORDER)), items.index(kv)))


def scalar(value: Any, *, in_flow: bool = False) -> str:
    """One scalar as YAML: plain when unambiguous, else a double-quoted (JSON) string. Inside
    ``[...]`` or ``{...}`` a comma would end the scalar, so there such a string is quoted."""
    if isinstance(value, str):
        if (_PLAIN.match(value) and not _NOT_PLAIN.match(value) and not value.endswith(" ")
                and " -> " not in value and not (in_flow and "," in value)):
            return value
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, default=str)


def key(name: Any) -> str:
    name = str(name)
    return name if _KEY.match(name) and not _NOT_PLAIN.match(name) else json.dumps(name, ensure_ascii=False)


def flow(value: Any, *, in_flow: bool = False) -> str:
    """A value on one line: ``[a, b]``, ``{team: billing}``, or a scalar."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key(k)}: {flow(v, in_flow=True)}" for k, v in ordered_items(value)) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(v, in_flow=True) for v in value) + "]"
    return scalar(value, in_flow=in_flow)


def is_flat(value: Any) -> bool:
    """A list or map of scalars only, short enough for one line."""
    if isinstance(value, Mapping):
        inner = list(value.values())
    elif isinstance(value, list):
        inner = value
    else:
        return True
    return all(not isinstance(v, (Mapping, list)) for v in inner) and len(flow(value)) <= FLOW_LIMIT


def dump(value: Any) -> list[str]:
    """A structure as YAML block lines (no trailing newline); a scalar or flat value as one line."""
    if isinstance(value, Mapping) and value:
        lines: list[str] = []
        for k, v in ordered_items(value):
            lines += _entry(f"{key(k)}:", v)
        return lines
    if isinstance(value, list) and value:
        lines = []
        for item in value:
            lines += _item(item)
        return lines
    return [flow(value)]


def _entry(head: str, value: Any) -> list[str]:
    if isinstance(value, (Mapping, list)) and value and not is_flat(value):
        return [head] + ["  " + line for line in dump(value)]
    return [f"{head} {flow(value)}"]


def _item(value: Any) -> list[str]:
    if isinstance(value, (Mapping, list)) and value and not is_flat(value):
        first, *rest = dump(value)
        return [f"- {first}"] + ["  " + line for line in rest]
    if isinstance(value, Mapping) and value:  # a map item in block style reads like the manifest
        first, *rest = [f"{key(k)}: {flow(v)}" for k, v in ordered_items(value)]
        return [f"- {first}"] + ["  " + line for line in rest]
    return [f"- {flow(value)}"]


__all__ = ["dump", "flow", "is_flat", "ordered_items", "scalar"]
