"""Read the three things a runtime lookup needs from ``asst-deploy.yaml`` without PyYAML.

``import yaml`` costs 25-50 ms, more than a whole lookup may take, and a fresh clone (a service
deployed from git with the lockfile committed) has no JSON index left by ``apply``. Most configs
are plain block YAML, so this scanner reads ``default_environment``, the top-level ``lockfile``
and each environment's name and ``lockfile`` from such a file, and returns None, leaving the
file to PyYAML, at the first thing it is not certain to read as PyYAML would: flow collections,
anchors, tags, quotes with escapes, tabs, scalars YAML would type (numbers, booleans), duplicate
keys. Stdlib only, and not even ``re`` (its import costs milliseconds).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_NULL = ("", "~", "null", "Null", "NULL")
_TYPED = frozenset("y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF".split())
_PLAIN_EXTRA = set("-_./")


class _Unsure(Exception):
    """Something PyYAML should read."""


def scan(text: str) -> dict[str, Any] | None:
    """``{"default_environment", "lockfile", "environments": {name: lockfile or None}}``, or None."""
    try:
        return _scan(text)
    except _Unsure:
        return None


def _scan(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {"default_environment": None, "lockfile": None, "environments": {}}
    seen: set[str] = set()
    section = ""  # the top-level key whose block we are in
    env = ""  # the environment whose block we are in
    env_indent = env_key_indent = 0
    lines = text.splitlines()
    if lines and lines[0].startswith("\ufeff"):
        raise _Unsure
    for number, raw in enumerate(lines):
        if "\t" in raw[: len(raw) - len(raw.lstrip())]:
            raise _Unsure
        line = _strip_comment(raw)
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            if line.startswith(("---", "...", "%")):
                if number == 0 and line.rstrip() == "---":
                    continue
                raise _Unsure
            key, value = _pair(line)
            if key in seen:
                raise _Unsure
            seen.add(key)
            section, env = key, ""
            if key in ("default_environment", "lockfile"):
                found[key] = _scalar(value)
            elif key == "environments":
                if value not in ("", "{}"):
                    raise _Unsure
                env_indent = 0
            elif value.startswith(("&", "*", "!")):
                raise _Unsure
            continue
        if section != "environments":
            continue  # another section's content: deeper than its key, whatever it holds
        if env_indent == 0:
            env_indent = indent
        if indent == env_indent:
            name, value = _pair(line.lstrip(" "))
            if name in found["environments"]:
                raise _Unsure
            if value not in ("", "{}"):
                raise _Unsure
            found["environments"][name] = None
            env, env_key_indent = name, 0
        elif indent < env_indent or not env:
            raise _Unsure
        else:
            if env_key_indent == 0:
                env_key_indent = indent
            if indent == env_key_indent:
                key, value = _pair(line.lstrip(" "))
                if key == "lockfile":
                    if found["environments"][env] is not None:
                        raise _Unsure
                    found["environments"][env] = _scalar(value) or None
                elif value.startswith(("&", "*", "!")):
                    raise _Unsure
            elif indent < env_key_indent:
                raise _Unsure
    return found


def _strip_comment(line: str) -> str:
    """The line without its comment (a '#' after a space, outside quotes); a quote left open
    (a scalar continued on the next line) is unsure."""
    quote = ""
    i = 0
    while i < len(line):
        char = line[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"" and (i == 0 or line[i - 1] in " [{,"):
            quote = char
        elif char == "#" and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip()
        i += 1
    if quote:
        raise _Unsure
    return line.rstrip()


def _pair(line: str) -> tuple[str, str]:
    """``key: value`` with a plain key; anything else is unsure."""
    key, colon, value = line.partition(":")
    if not colon or not key or not all(c.isalnum() or c in _PLAIN_EXTRA for c in key) or key[0] in "-.":
        raise _Unsure
    if key in _TYPED or key in _NULL or not key[0].isalpha():  # PyYAML would make it a bool, number, None
        raise _Unsure
    if value and not value.startswith(" "):
        raise _Unsure
    return key, value.strip()


def _scalar(value: str) -> str | None:
    """A string as PyYAML would read it, or None for null; unsure of anything else."""
    if value in _NULL:
        return None
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        inner = value[1:-1]
        if not inner or any(c in inner for c in "'\"\\"):
            raise _Unsure
        return inner
    if value in _TYPED or not value[0].isalpha() or not all(c.isalnum() or c in _PLAIN_EXTRA for c in value):
        raise _Unsure
    return value
