"""A small declarative checker for request bodies, with the real API's error wordings.

Each route describes its body once (``Obj({...}, required=...)``); ``check`` walks the value and
raises a 400 ``ApiError`` naming the offending field as ``param`` (``tools[0].function.name``).
Unknown fields, wrong types, missing required fields, lengths and ranges are all refused here, so
route code only deals with meaning (does this file exist?) and never with shape.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable, Mapping

from .errors import ApiError, invalid

def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _quote_list(values: Iterable[Any]) -> str:
    items = [f"'{v}'" for v in values]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f", and {items[-1]}" if len(items) > 2 else f"{items[0]} and {items[1]}"


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Spec:
    """One value's expected shape; ``check`` returns the (possibly normalised) value."""

    nullable = False
    expected = "a value"

    def check(self, value: Any, path: str) -> Any:
        if value is None:
            if self.nullable:
                return None
            raise invalid(f"Invalid type for '{path}': expected {self.expected}, but got null instead.", path, "invalid_type")
        return self._check(value, path)

    def _check(self, value: Any, path: str) -> Any:  # pragma: no cover - overridden
        return value

    def type_error(self, value: Any, path: str) -> Exception:
        return invalid(
            f"Invalid type for '{path}': expected {self.expected}, but got {_type_name(value)} instead.",
            path,
            "invalid_type",
        )


class AnyValue(Spec):
    def __init__(self, nullable: bool = True) -> None:
        self.nullable = nullable


class Str(Spec):
    expected = "a string"

    def __init__(
        self,
        max_len: int | None = None,
        *,
        min_len: int | None = None,
        enum: Iterable[str] | Callable[[], Iterable[str]] | None = None,
        pattern: str | None = None,
        pattern_hint: str = "",
        nullable: bool = False,
    ) -> None:
        self.max_len, self.min_len, self.nullable = max_len, min_len, nullable
        # a callable is read at the first check: the SDK's literals, without importing it at import
        self._enum = enum if enum is None or callable(enum) else tuple(enum)
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_hint = pattern_hint

    @property
    def enum(self) -> tuple[str, ...] | None:
        if callable(self._enum):
            self._enum = tuple(self._enum())
        return self._enum

    def _check(self, value: Any, path: str) -> Any:
        if not isinstance(value, str):
            raise self.type_error(value, path)
        if self.enum is not None and value not in self.enum:
            raise invalid(
                f"Invalid value: '{value}'. Supported values are: {_quote_list(self.enum)}.", path, "invalid_value"
            )
        if self.max_len is not None and len(value) > self.max_len:
            raise invalid(
                f"Invalid '{path}': string too long. Expected a string with maximum length {self.max_len}, "
                f"but got a string with length {len(value)} instead.",
                path,
                "string_above_max_length",
            )
        if self.min_len is not None and len(value) < self.min_len:
            raise invalid(
                f"Invalid '{path}': string too short. Expected a string with minimum length {self.min_len}, "
                f"but got a string with length {len(value)} instead.",
                path,
                "string_below_min_length",
            )
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise invalid(
                f"Invalid '{path}': string does not match pattern. Expected a string that matches the pattern "
                f"'{self.pattern.pattern}'{self.pattern_hint}.",
                path,
                "invalid_value",
            )
        return value


class Num(Spec):
    """A number (``integer=True``: whole numbers only), with an inclusive range."""

    def __init__(
        self, minimum: float | None = None, maximum: float | None = None, *, integer: bool = False, nullable: bool = False
    ) -> None:
        self.minimum, self.maximum, self.integer, self.nullable = minimum, maximum, integer, nullable
        self.expected = "an integer" if integer else "a number"

    def _check(self, value: Any, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.type_error(value, path)
        if self.integer and not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise self.type_error(value, path)
        kind = "integer" if self.integer else "decimal"
        if self.maximum is not None and value > self.maximum:
            raise invalid(
                f"Invalid '{path}': {kind} above maximum value. Expected a value <= {self.maximum:g}, "
                f"but got {value:g} instead.",
                path,
                f"{kind}_above_max_value",
            )
        if self.minimum is not None and value < self.minimum:
            raise invalid(
                f"Invalid '{path}': {kind} below minimum value. Expected a value >= {self.minimum:g}, "
                f"but got {value:g} instead.",
                path,
                f"{kind}_below_min_value",
            )
        return value


class Bool(Spec):
    expected = "a boolean"

    def __init__(self, nullable: bool = False) -> None:
        self.nullable = nullable

    def _check(self, value: Any, path: str) -> Any:
        if not isinstance(value, bool):
            raise self.type_error(value, path)
        return value


class Arr(Spec):
    expected = "an array"

    def __init__(
        self, item: Spec, max_items: int | None = None, *, min_items: int | None = None, nullable: bool = False
    ) -> None:
        self.item, self.max_items, self.min_items, self.nullable = item, max_items, min_items, nullable

    def _check(self, value: Any, path: str) -> Any:
        if not isinstance(value, list):
            raise self.type_error(value, path)
        if self.max_items is not None and len(value) > self.max_items:
            raise invalid(
                f"Invalid '{path}': array too long. Expected an array with maximum length {self.max_items}, "
                f"but got an array with length {len(value)} instead.",
                path,
                "array_above_max_length",
            )
        if self.min_items is not None and len(value) < self.min_items:
            raise invalid(
                f"Invalid '{path}': empty array. Expected an array with minimum length {self.min_items}, "
                f"but got an array with length {len(value)} instead.",
                path,
                "array_below_min_length",
            )
        return [self.item.check(v, join(path, i)) for i, v in enumerate(value)]


class Map(Spec):
    """An object with free keys (metadata, attributes): key and pair-count limits."""

    expected = "an object"

    def __init__(self, value: Spec, max_props: int | None = None, key_max: int | None = None, *, nullable: bool = False):
        self.value, self.max_props, self.key_max, self.nullable = value, max_props, key_max, nullable

    def _check(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise self.type_error(value, path)
        if self.max_props is not None and len(value) > self.max_props:
            raise invalid(
                f"Invalid '{path}': too many properties. Expected an object with at most {self.max_props} "
                f"properties, but got an object with {len(value)} properties instead.",
                path,
                "object_above_max_properties",
            )
        out = {}
        for key, item in value.items():
            if self.key_max is not None and len(key) > self.key_max:
                raise invalid(
                    f"Invalid '{path}': key too long. Expected a key with maximum length {self.key_max}, "
                    f"but got a key with length {len(key)} instead ('{key[:20]}...').",
                    join(path, key),
                    "string_above_max_length",
                )
            out[key] = self.value.check(item, join(path, key))
        return out


class Obj(Spec):
    """An object with known fields; anything else is an unknown parameter."""

    expected = "an object"

    def __init__(
        self,
        fields: Mapping[str, Spec],
        *,
        required: Iterable[str] = (),
        nullable: bool = False,
        extra: bool = False,
        after: Callable[[dict[str, Any], str], None] | None = None,
    ) -> None:
        self.fields, self.required, self.nullable, self.extra = dict(fields), tuple(required), nullable, extra
        self.after = after

    def _check(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise self.type_error(value, path)
        for key in self.required:
            if key not in value:
                where = join(path, key)
                raise invalid(f"Missing required parameter: '{where}'.", where, "missing_required_parameter")
        out: dict[str, Any] = {}
        for key, item in value.items():
            spec = self.fields.get(key)
            if spec is None:
                if self.extra:
                    out[key] = item
                    continue
                where = join(path, key)
                raise invalid(f"Unknown parameter: '{where}'.", where, "unknown_parameter")
            out[key] = spec.check(item, join(path, key))
        if self.after is not None:
            self.after(out, path)
        return out


class Tagged(Spec):
    """A union told apart by its ``type`` field (tools, formats, chunking strategies)."""

    expected = "an object"

    def __init__(self, variants: Mapping[str, Obj], *, nullable: bool = False, tag: str = "type") -> None:
        self.variants, self.nullable, self.tag = dict(variants), nullable, tag

    def _check(self, value: Any, path: str) -> Any:
        if not isinstance(value, dict):
            raise self.type_error(value, path)
        where = join(path, self.tag)
        if self.tag not in value:
            raise invalid(f"Missing required parameter: '{where}'.", where, "missing_required_parameter")
        kind = value[self.tag]
        if not isinstance(kind, str):
            raise invalid(
                f"Invalid type for '{where}': expected a string, but got {_type_name(kind)} instead.", where, "invalid_type"
            )
        variant = self.variants.get(kind)
        if variant is None:
            raise invalid(
                f"Invalid value: '{kind}'. Supported values are: {_quote_list(self.variants)}.", where, "invalid_value"
            )
        return variant.check(value, path)


class OneOf(Spec):
    """A value of one of several shapes (a string or an object, a filter or a group of filters...).

    The alternatives whose JSON type fits the value are tried in order and the first that accepts
    it wins; when none does, the first one's refusal is the answer.
    """

    def __init__(self, *alternatives: Spec, nullable: bool = False) -> None:
        self.alternatives, self.nullable = alternatives, nullable
        self.expected = " or ".join(dict.fromkeys(a.expected for a in alternatives))

    def _check(self, value: Any, path: str) -> Any:
        fitting = [a for a in self.alternatives if _fits(a, value)]
        if not fitting:
            raise self.type_error(value, path)
        first: ApiError | None = None
        for alternative in fitting:
            try:
                return alternative.check(value, path)
            except ApiError as refused:
                first = first or refused
        assert first is not None
        raise first


def _fits(spec: Spec, value: Any) -> bool:
    if isinstance(spec, Str):
        return isinstance(value, str)
    if isinstance(spec, Bool):
        return isinstance(value, bool)
    if isinstance(spec, Num):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(spec, Arr):
        return isinstance(value, list)
    if isinstance(spec, (Obj, Map, Tagged)):
        return isinstance(value, dict)
    return True


def check_body(spec: Spec, body: Any) -> dict[str, Any]:
    """Check a whole request body (the top level has an empty path)."""
    if not isinstance(body, dict):
        raise invalid(
            f"Invalid type for request body: expected an object, but got {_type_name(body)} instead.", None, "invalid_type"
        )
    return spec.check(body, "")
