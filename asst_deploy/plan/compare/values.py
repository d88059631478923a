"""Nested values compared down to the changed leaves, with list items matched by identity.

Tools are matched as a reviewer names them: a function by its name, an MCP server by its
label, any other tool by its type. Inserting a function first is then one added function, not
a rename of every tool after it; an edit is the fields that changed inside that function.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..types import FieldDiff


def leaf_diffs(field_name: str, before: Any, after: Any) -> list[FieldDiff]:
    """Field-level differences of one spec field; the whole field when nothing finer differs."""
    return _diff_value(field_name, field_name, before, after) or [FieldDiff(field_name, before, after, field_name)]


def _diff_value(root: str, path: str, before: Any, after: Any) -> list[FieldDiff]:
    if before == after and type(before) is type(after):
        return []
    if isinstance(before, dict) and isinstance(after, dict):
        keys = list(after) + [k for k in before if k not in after]
        return [d for k in keys for d in _diff_value(root, _join(path, k), before.get(k), after.get(k))]
    if isinstance(before, list) and isinstance(after, list):
        old, new = _keyed(before), _keyed(after)
        if old is not None and new is not None:
            return _diff_keyed(root, path, old, new)
        if len(before) == len(after) and any(isinstance(v, (dict, list)) for v in before + after):
            return [d for i, (b, a) in enumerate(zip(before, after)) for d in _diff_value(root, f"{path}[{i}]", b, a)]
    return [FieldDiff(path, before, after, root)]


def _diff_keyed(root: str, path: str, old: dict[str, Any], new: dict[str, Any]) -> list[FieldDiff]:
    """Added, removed and edited items by identity; a new order of the same items as one line."""
    diffs: list[FieldDiff] = []
    for key in list(new) + [k for k in old if k not in new]:
        diffs += _diff_value(root, f"{path}[{key}]", old.get(key), new.get(key))
    kept_old = [k for k in old if k in new]
    kept_new = [k for k in new if k in old]
    if kept_old != kept_new:
        diffs.append(FieldDiff(f"{path} (order)", kept_old, kept_new, root))
    return diffs


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Items by identity, or None when some item has none or two share one (then by position)."""
    keyed: dict[str, Any] = {}
    for item in items:
        key = _identity(item)
        if key is None or key in keyed:
            return None
        keyed[key] = item
    return keyed


def _identity(item: Any) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("type"), str):
        return None
    if item["type"] == "function" and isinstance(item.get("name"), str):
        return item["name"]
    if item["type"] == "mcp" and isinstance(item.get("server_label"), str):
        return f"mcp {item['server_label']}"
    return item["type"]


_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def _join(path: str, key: Any) -> str:
    key = str(key)
    return f"{path}.{key}" if _KEY.match(key) else f"{path}[{json.dumps(key, ensure_ascii=False)}]"
