"""Request shapes read from the installed openai SDK's request types, refined with the API's limits.

The SDK is generated from OpenAI's spec, so its ``TypedDict`` params are a reference nobody here
wrote: which fields exist (by their wire names, ``PropertyInfo(alias=...)``), which are required,
their JSON types and literal values. :func:`shape_of` turns such a type into the specs of
``validation.py``, the one checker the emulator has, which answers in the API's own wordings. What
a ``TypedDict`` cannot say (lengths, ranges, patterns, checks across fields) a route adds as a
:class:`Limit` on a path; a route body is an :class:`SdkBody`, built at its first request because
the SDK's beta types take about half a second to import.

Paths name fields from the body's top: ``tools[].function.name`` (``[]``: any item of an array,
any value of a map; every variant of a union shares its paths).
"""

from __future__ import annotations

import collections.abc
import functools
import threading
import types
import typing
from typing import Any, Mapping

import typing_extensions as te

from ..sdk_literals import sdk_object
from .validation import AnyValue, Arr, Bool, Map, Num, Obj, OneOf, Spec, Str, Tagged

# At a path: a Limit, or a Spec that stands for the SDK's shape there (a value the API checks
# more closely than its type says, such as metadata's sizes)
Refinement = Any


class Limit:
    """What the API checks beyond the SDK's type at one path: attributes set on the generated spec
    (``max_len``, ``min_len``, ``pattern``, ``minimum``, ``maximum``, ``max_items``, ``max_props``,
    ``key_max``, ``after``...); a name the spec does not have is a mistake, refused when built."""

    def __init__(self, **attributes: Any) -> None:
        self.attributes = attributes

    def apply(self, spec: Spec, path: str) -> Spec:
        if isinstance(spec, OneOf):  # each alternative takes the limits it has (a string's length, a list's)
            for name, value in self.attributes.items():
                takers = [a for a in spec.alternatives if hasattr(a, "_enum" if name == "enum" else name)]
                if not takers:
                    raise TypeError(f"{path or 'the body'}: no alternative of this union has {name!r}")
                for alternative in takers:
                    Limit(**{name: value}).apply(alternative, path)
            return spec
        for name, value in self.attributes.items():
            if name == "pattern":
                value = Str(pattern=value).pattern
            elif name == "enum" and value is not None and not callable(value):
                value = tuple(value)
            attr = "_enum" if name == "enum" else name
            if not hasattr(spec, attr):
                raise TypeError(f"{path or 'the body'}: a {type(spec).__name__} has no {name!r}")
            setattr(spec, attr, value)
        return spec


def shape_of(tp: Any, refine: Mapping[str, Refinement] | None = None) -> Spec:
    """The spec of the SDK type ``tp`` with the route's refinements applied by path."""
    builder = _Builder(dict(refine or {}))
    spec = builder.build(tp, "")
    unused = set(builder.refine) - builder.used
    if unused:
        raise TypeError(f"refinements for paths the SDK's type does not have: {sorted(unused)}")
    return spec


@functools.lru_cache(maxsize=None)
def sdk_shape(tp: Any) -> Spec:
    """The plain shape of the SDK type ``tp``, no limits laid on (for values written in the SDK's shape)."""
    return shape_of(tp)


class SdkBody:
    """A route's body shape: the SDK type ``ref`` (``module:Name``) plus limits, built once when first used."""

    def __init__(self, ref: str, refine: Mapping[str, Refinement] | None = None, *,
                 path_params: tuple[str, ...] = ()) -> None:
        self.ref, self.refine, self.path_params = ref, dict(refine or {}), path_params
        self._spec: Spec | None = None
        self._lock = threading.Lock()
        _BODIES.append(self)

    @property
    def spec(self) -> Spec:
        """An object's shape (``Obj``), or a union of them told apart by ``type`` (``Tagged``)."""
        with self._lock:
            if self._spec is None:
                spec = shape_of(sdk_object(self.ref), self.refine)
                if self.path_params and isinstance(spec, Obj):  # declared by the SDK's params, sent in the URL
                    spec.required = tuple(k for k in spec.required if k not in self.path_params)
                    for key in self.path_params:
                        spec.fields.pop(key, None)
                self._spec = spec
            return self._spec


_BODIES: list[SdkBody] = []


def preload() -> None:
    """Build every route's body shape now (a standalone emulator does, before it answers)."""
    from . import app  # noqa: F401 - imports every route module, and so every body

    for body in _BODIES:
        body.spec


class _Builder:
    def __init__(self, refine: dict[str, Refinement]) -> None:
        self.refine = refine
        self.used: set[str] = set()
        self.building: dict[Any, Obj] = {}  # TypedDicts being built, for recursive types

    def build(self, tp: Any, path: str) -> Spec:
        found = self.refine.get(path)
        if isinstance(found, Spec):
            self.used.add(path)
            return found
        spec = self._convert(tp, path)
        if isinstance(found, Limit):
            self.used.add(path)
            spec = found.apply(spec, path)
        return spec

    def _convert(self, tp: Any, path: str) -> Spec:
        tp = _unalias(tp)
        if te.is_typeddict(tp):
            return self._typeddict(tp, path)
        origin, args = te.get_origin(tp), te.get_args(tp)
        if origin is te.Annotated:
            return self._convert(args[0], path)
        if origin in (typing.Union, types.UnionType):
            return self._union(args, path)
        if origin in (te.Literal, typing.Literal):
            return _literal(args)
        if origin in (dict, collections.abc.Mapping):
            value_type = args[1] if len(args) == 2 else Any
            return Map(self.build(value_type, f"{path}[]"))
        if origin is not None and _is_sequence(origin):
            return Arr(self.build(args[0] if args else Any, f"{path}[]"))
        return _scalar(tp)

    def _typeddict(self, td: Any, path: str) -> Obj:
        if td in self.building:  # a recursive type: the same object, checked as deep as the value goes
            return self.building[td]
        spec = Obj({}, required=())
        self.building[td] = spec
        try:
            fields, required = _fields(td)
            spec.fields = {key: self.build(hint, _join(path, key)) for key, hint in fields.items()}
            spec.required = tuple(key for key in fields if key in required)  # in the order the SDK declares them
        finally:
            del self.building[td]
        return spec

    def _union(self, options: tuple[Any, ...], path: str) -> Spec:
        kept = [_unalias(o) for o in options if o is not type(None)]
        nullable = len(kept) < len(options)
        if not kept:
            return AnyValue()
        spec: Spec
        if all(o is str or _is_str_literal(o) for o in kept):  # a string that may be any, or one of a set
            spec = Str() if str in kept else _literal(tuple(a for o in kept for a in te.get_args(o)))
            spec.nullable = nullable
            return spec
        objects = [o for o in kept if te.is_typeddict(o)]
        tags = _tags(objects) if len(objects) > 1 else None
        if tags is not None:  # the objects told apart by their `type`, beside any other kinds of value
            tagged: Spec = Tagged({tag: self._typeddict(td, path) for tag, td in tags})
            rest = [self._convert(o, path) for o in kept if o not in objects]
            spec = OneOf(*rest, tagged) if rest else tagged
        elif len(kept) == 1:
            spec = self._convert(kept[0], path)
        else:
            spec = OneOf(*(self._convert(o, path) for o in kept))
        spec.nullable = nullable or spec.nullable
        return spec


def _unalias(tp: Any) -> Any:
    value = getattr(tp, "__value__", None)  # a PEP 695 / TypeAliasType alias
    return _unalias(value) if value is not None else tp


def _literal(args: tuple[Any, ...]) -> Spec:
    if all(isinstance(a, bool) for a in args):
        return Bool()
    if all(isinstance(a, str) for a in args):
        return Str(enum=tuple(dict.fromkeys(args)))
    if all(isinstance(a, (int, float)) and not isinstance(a, bool) for a in args):
        return Num(integer=all(isinstance(a, int) for a in args))
    return AnyValue()


def _scalar(tp: Any) -> Spec:
    if tp is bool:
        return Bool()
    if tp is int:
        return Num(integer=True)
    if tp is float:
        return Num()
    if tp is str or getattr(tp, "__name__", "") in ("datetime", "date"):
        return Str()
    return AnyValue()  # object, Any, and what JSON cannot carry (files go as multipart, not here)


def _is_str_literal(tp: Any) -> bool:
    return te.get_origin(tp) in (te.Literal, typing.Literal) and all(isinstance(a, str) for a in te.get_args(tp))


def _is_sequence(origin: Any) -> bool:
    if origin in (list, tuple, collections.abc.Iterable, collections.abc.Sequence):
        return True
    return getattr(origin, "__name__", "") == "SequenceNotStr"


def _tags(options: list[Any]) -> list[tuple[str, Any]] | None:
    """``(type value, TypedDict)`` for a union told apart by a required ``type`` literal, else None."""
    found: list[tuple[str, Any]] = []
    for option in options:
        if not te.is_typeddict(option):
            return None
        fields, required = _fields(option)
        hint = fields.get("type")
        if "type" not in required or hint is None or not _is_str_literal(_unalias(hint)):
            return None
        found.extend((value, option) for value in te.get_args(_unalias(hint)))
    values = [tag for tag, _ in found]
    return found if len(values) == len(set(values)) else None


@functools.lru_cache(maxsize=None)
def _fields(td: Any) -> tuple[dict[str, Any], frozenset[str]]:
    """A TypedDict's wire keys -> types, and the required wire keys."""
    hints = te.get_type_hints(td, include_extras=True)
    out: dict[str, Any] = {}
    required: set[str] = set()
    for name, hint in hints.items():
        key, is_required = name, name in getattr(td, "__required_keys__", ())
        while True:
            origin = te.get_origin(hint)
            if origin is te.Required:
                is_required, hint = True, te.get_args(hint)[0]
            elif origin is te.NotRequired:
                is_required, hint = False, te.get_args(hint)[0]
            elif origin is te.Annotated:
                key = next((m.alias for m in hint.__metadata__ if getattr(m, "alias", None)), key)
                hint = te.get_args(hint)[0]
            else:
                break
        out[key] = hint
        if is_required:
            required.add(key)
    return out, frozenset(required)


def paths(spec: Spec, path: str = "", seen: frozenset[int] = frozenset()) -> dict[str, str]:
    """Every path of ``spec`` -> the kind of spec there: what a route's limits can name."""
    if id(spec) in seen:
        return {}
    seen = seen | {id(spec)}
    found = {path: type(spec).__name__}
    if isinstance(spec, Obj):
        for key, item in spec.fields.items():
            found.update(paths(item, _join(path, key), seen))
    elif isinstance(spec, (Arr, Map)):
        found.update(paths(spec.item if isinstance(spec, Arr) else spec.value, f"{path}[]", seen))
    elif isinstance(spec, Tagged):
        for variant in spec.variants.values():
            found.update(paths(variant, path, seen))
    elif isinstance(spec, OneOf):
        for alternative in spec.alternatives:
            found.update(paths(alternative, path, seen))
    return found


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def problems(value: Any, spec: Spec) -> list[tuple[str, str]]:
    """What ``spec`` refuses in ``value``, as ``(param, message)`` (the first problem; none when it fits)."""
    from .errors import ApiError

    try:
        spec.check(value, "")
    except ApiError as exc:
        return [(exc.param or "", exc.message)]
    return []
