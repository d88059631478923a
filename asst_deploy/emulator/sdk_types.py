"""Request bodies checked against the installed ``openai`` SDK's own request types.

The SDK is generated from OpenAI's spec, so its ``TypedDict`` params are a reference nobody here
wrote: an unknown key, a missing required key, a literal outside the declared set or a value of
the wrong type is what the real API would refuse. :func:`problems` walks a JSON value against
one of those types (keys aliased with ``PropertyInfo(alias=...)`` as sent on the wire) and
returns ``(param, message)`` pairs. The SDK's beta types cost about half a second to import:
this module imports nothing of the SDK until a check runs, and the CLI never calls it.
"""

from __future__ import annotations

import collections.abc
import functools
import types
import typing
from typing import Any, Iterator

import typing_extensions as te

from ..sdk_literals import sdk_object

# Request bodies the tool sends, by counter key (``METHOD /v1/path`` with ids as ``{id}``).
REQUEST_TYPES: dict[str, str] = {
    "POST /v1/assistants": "openai.types.beta.assistant_create_params:AssistantCreateParams",
    "POST /v1/assistants/{id}": "openai.types.beta.assistant_update_params:AssistantUpdateParams",
    "POST /v1/agents": "openai.types.beta.agent_create_params:AgentCreateParams",
    "POST /v1/agents/{id}": "openai.types.beta.agent_update_params:AgentUpdateParams",
    "POST /v1/vector_stores": "openai.types.vector_store_create_params:VectorStoreCreateParams",
    "POST /v1/vector_stores/{id}": "openai.types.vector_store_update_params:VectorStoreUpdateParams",
    "POST /v1/vector_stores/{id}/files": "openai.types.vector_stores.file_create_params:FileCreateParams",
    "POST /v1/vector_stores/{id}/files/{id}": "openai.types.vector_stores.file_update_params:FileUpdateParams",
    "POST /v1/vector_stores/{id}/file_batches":
        "openai.types.vector_stores.file_batch_create_params:FileBatchCreateParams",
    "POST /v1/responses": "openai.types.responses.response_create_params:ResponseCreateParamsNonStreaming",
    "POST /v1/vaults": "openai.types.beta.agents.vault_create_params:VaultCreateParams",
    "POST /v1/vaults/{id}": "openai.types.beta.agents.vault_update_params:VaultUpdateParams",
    "POST /v1/vaults/{id}/credentials": "openai.types.beta.agents.vaults.credential_create_params:CredentialCreateParams",
    "POST /v1/vaults/{id}/credentials/{id}":
        "openai.types.beta.agents.vaults.credential_update_params:CredentialUpdateParams",
    "POST /v1/agents/automations": "openai.types.beta.agents.automation_create_params:AutomationCreateParams",
    "POST /v1/agents/automations/{id}": "openai.types.beta.agents.automation_update_params:AutomationUpdateParams",
}
RESPONSES_KWARGS = REQUEST_TYPES["POST /v1/responses"]


@functools.lru_cache(maxsize=None)
def load(ref: str) -> Any:
    """The SDK type ``module:Name`` (imported on first use)."""
    return sdk_object(ref)


def preload() -> None:
    """Import every request type now: a standalone emulator does it before it answers, so its first
    write is not seconds late (the SDK's types are slow to import on a small machine), which
    the real API never is and which benchmarks would otherwise count as the client's time."""
    for ref in REQUEST_TYPES.values():
        load(ref)


def request_problems(key: str, body: Any, path_params: Any = ()) -> list[tuple[str, str]]:
    """What the SDK's type for route ``key`` refuses in ``body`` (nothing for unmapped routes).

    ``path_params`` are keys the SDK's params declare but sends in the URL (``vector_store_id``).
    """
    ref = REQUEST_TYPES.get(key)
    if ref is None:
        return []
    skip = set(path_params)
    return [(param, message) for param, message in problems(body, load(ref))
            if not (param in skip and message == "missing required key")]


def problems(value: Any, tp: Any, path: str = "") -> list[tuple[str, str]]:
    return list(_check(value, tp, path))


@functools.lru_cache(maxsize=None)
def _fields(td: Any) -> tuple[dict[str, Any], frozenset[str]]:
    """A TypedDict's wire keys -> types, and the required wire keys."""
    hints = te.get_type_hints(td, include_extras=True)
    out: dict[str, Any] = {}
    required: set[str] = set()
    for name, hint in hints.items():
        key = name
        while True:
            origin = te.get_origin(hint)
            if origin is te.Required:
                required.add(name)
                hint = te.get_args(hint)[0]
            elif origin is te.NotRequired:
                hint = te.get_args(hint)[0]
            elif origin is te.Annotated:
                for extra in hint.__metadata__:
                    alias = getattr(extra, "alias", None)
                    if alias:
                        key = alias
                hint = te.get_args(hint)[0]
            else:
                break
        out[key] = hint
        if name in required:
            required.discard(name)
            required.add(key)
    return out, frozenset(required)


def _join(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)


def _name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _check(value: Any, tp: Any, path: str) -> Iterator[tuple[str, str]]:
    if tp is Any or tp is object:
        return
    if te.is_typeddict(tp):
        yield from _check_typeddict(value, tp, path)
        return
    origin = te.get_origin(tp)
    args = te.get_args(tp)
    if origin is te.Annotated:
        yield from _check(value, args[0], path)
    elif origin in (typing.Union, types.UnionType):
        yield from _check_union(value, args, path)
    elif origin in (te.Literal, typing.Literal):
        if value not in args or isinstance(value, bool) != any(isinstance(a, bool) for a in args if a == value):
            shown = ", ".join(repr(a) for a in args[:12]) + (", ..." if len(args) > 12 else "")
            yield path, f"{value!r} is not one of {shown}"
    elif origin in (dict, collections.abc.Mapping):
        if not isinstance(value, dict):
            yield path, f"expected an object, got {_name(value)}"
            return
        key_type, item_type = args or (str, Any)
        for k, v in value.items():
            if not isinstance(k, str):
                yield path, "keys must be strings"
            yield from _check(v, item_type, _join(path, k))
    elif origin is not None and _is_sequence(origin):
        if not isinstance(value, list):
            yield path, f"expected an array, got {_name(value)}"
            return
        item_type = args[0] if args else Any
        for i, item in enumerate(value):
            yield from _check(item, item_type, _join(path, i))
    elif tp is type(None):
        if value is not None:
            yield path, f"expected null, got {_name(value)}"
    elif tp is bool:
        if not isinstance(value, bool):
            yield path, f"expected a boolean, got {_name(value)}"
    elif tp is int:
        if not isinstance(value, int) or isinstance(value, bool):
            yield path, f"expected an integer, got {_name(value)}"
    elif tp is float:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            yield path, f"expected a number, got {_name(value)}"
    elif tp is str:
        if not isinstance(value, str):
            yield path, f"expected a string, got {_name(value)}"


def _is_sequence(origin: Any) -> bool:
    if origin in (list, tuple, collections.abc.Iterable, collections.abc.Sequence):
        return True
    return getattr(origin, "__name__", "") == "SequenceNotStr"


def _check_typeddict(value: Any, td: Any, path: str) -> Iterator[tuple[str, str]]:
    if not isinstance(value, dict):
        yield path, f"expected an object, got {_name(value)}"
        return
    known, required = _fields(td)
    for key in sorted(required - value.keys()):
        yield _join(path, key), "missing required key"
    for key, item in value.items():
        if key not in known:
            yield _join(path, key), f"unknown key (the SDK's {td.__name__} has no {key!r})"
        else:
            yield from _check(item, known[key], _join(path, key))


def _check_union(value: Any, options: tuple[Any, ...], path: str) -> Iterator[tuple[str, str]]:
    # A tagged union of TypedDicts: pick the branches whose `type` literal matches, for a precise error.
    if isinstance(value, dict) and "type" in value:
        tagged = [o for o in options if te.is_typeddict(o) and _type_literal(o) is not None]
        if tagged:
            matching = [o for o in tagged if value["type"] in (_type_literal(o) or ())]
            others = [o for o in options if o not in tagged]
            candidates = matching + others
            if not matching and not others:
                allowed = sorted({t for o in tagged for t in (_type_literal(o) or ())})
                yield _join(path, "type"), f"{value['type']!r} is not one of {', '.join(map(repr, allowed))}"
                return
            options = tuple(candidates)
    fitting = [o for o in options if _fits(value, o)]
    if not fitting:
        yield path, f"expected {' or '.join(sorted({_describe(o) for o in options}))}, got {_name(value)}"
        return
    best: list[tuple[str, str]] | None = None
    for option in fitting:
        found = list(_check(value, option, path))
        if not found:
            return
        if best is None or len(found) < len(best):
            best = found
    yield from best or []


def _fits(value: Any, tp: Any) -> bool:
    """Whether ``value`` is the right kind of JSON value for ``tp`` (checked no deeper)."""
    return _describe(tp) in (_kind(value), "any") or (_describe(tp) == "a number" and _kind(value) == "an integer")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    for kind, label in ((float, "a number"), (str, "a string"), (list, "an array"), (dict, "an object")):
        if isinstance(value, kind):
            return label
    return type(value).__name__


def _describe(tp: Any) -> str:
    origin = te.get_origin(tp)
    if tp is type(None):
        return "null"
    if te.is_typeddict(tp) or origin in (dict, collections.abc.Mapping):
        return "an object"
    if origin is te.Annotated:
        return _describe(te.get_args(tp)[0])
    if origin in (te.Literal, typing.Literal):
        return _kind(te.get_args(tp)[0])
    if origin is not None and _is_sequence(origin):
        return "an array"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}.get(tp, "any")


def _type_literal(td: Any) -> tuple[Any, ...] | None:
    known, _ = _fields(td)
    tp = known.get("type")
    if tp is not None and te.get_origin(tp) in (te.Literal, typing.Literal):
        return te.get_args(tp)
    return None
