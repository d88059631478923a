"""String literals read from the installed openai SDK's types, so no list of them is kept by hand.

Reading one imports the SDK (its types cost about a second of CPU): callers read them only when a
value needs checking, never at import.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

import typing_extensions as te


def literals(tp: Any) -> tuple[str, ...]:
    """Every string literal inside ``tp`` (through unions, aliases and ``Optional``), in order."""
    found: dict[str, None] = {}
    stack = [tp]
    seen: set[int] = set()
    while stack:
        item = stack.pop(0)
        if id(item) in seen:
            continue
        seen.add(id(item))
        value = getattr(item, "__value__", None)  # a PEP 695 / TypeAliasType alias
        if value is not None:
            stack.insert(0, value)
            continue
        if te.get_origin(item) is te.Literal:
            found.update((arg, None) for arg in te.get_args(item) if isinstance(arg, str))
        else:
            stack[0:0] = list(te.get_args(item))
    return tuple(found)


def sdk_object(ref: str) -> Any:
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


@functools.lru_cache(maxsize=None)
def field_literals(ref: str, field: str) -> tuple[str, ...]:
    """The strings the field ``field`` of the SDK type ``ref`` (``module:Name``) allows."""
    return literals(te.get_type_hints(sdk_object(ref))[field])
