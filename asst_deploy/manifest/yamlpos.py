"""YAML that remembers where every value came from.

PyYAML's constructor forgets positions, silently keeps the last of two equal keys and turns
``name: no`` into ``False``. We compose nodes (with the C parser when available) and build plain
values ourselves, recording for every path the position of its value and of its key, so that any
later error (pydantic's included) can name ``file:line:col`` and the field.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple

import yaml

from ..errors import AsstDeployError, ManifestProblem

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Base = yaml.SafeLoader

_RESOLVED: dict[tuple[Any, ...], str] = {}  # (value, implicit) -> tag, for short plain scalars
_RESOLVED_MAX = 4096


class _Loader(_Base):
    """The safe loader with its implicit-tag lookup remembered: the C parser asks the Python
    resolver for every scalar (a regex per candidate tag), and 300 manifests repeat the same keys
    and values thousands of times (a sixth of their parse). The answer depends only on the scalar's
    text and whether it was plain or quoted, under the safe loader's fixed rules."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or len(value) > 64:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX:
                _RESOLVED[key] = tag
        return tag

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_SCALARS = {
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}

Path_ = tuple  # a data path: keys and list indexes

# Bounds against hostile YAML (PyYAML has none): a few hundred bytes of nested anchors expand to
# billions of values, so values reached again through aliases are counted and refused past a budget
# no hand-written manifest comes near (a file's size is checked before it is read: files.read_text).
MAX_ALIAS_VALUES = 10_000


class Pos(NamedTuple):
    """Where a node is: its file, 1-based line and column, and its field path in that file."""

    file: str
    line: int
    col: int
    path: Path_


@dataclass
class Located:
    """A plain value plus the positions of its parts, by data path relative to the value."""

    data: Any
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)  # source text of unquoted non-strings

    def sub(self, prefix: Path_) -> "Located":
        """The part under ``prefix``, re-keyed relative to it (positions keep their own paths)."""
        n = len(prefix)
        data = self.data
        for part in prefix:
            data = data[part]
        return Located(
            data,
            {p[n:]: v for p, v in self.values.items() if p[:n] == prefix},
            {p[n:]: v for p, v in self.keys.items() if p[:n] == prefix and len(p) > n},
            {p[n:]: v for p, v in self.raw.items() if p[:n] == prefix},
        )

    def where(self, path: Path_, *, key: bool = False) -> tuple[Pos, Path_]:
        """The closest known position for ``path``, and the field path to show for it."""
        if key and path in self.keys:
            return self.keys[path], self.keys[path].path
        for n in range(len(path), -1, -1):
            pos = self.values.get(path[:n])
            if pos is not None:
                return pos, pos.path + path[n:]
        return Pos("", 0, 0, ()), path

    def problem(self, path: Path_, message: str, *, key: bool = False) -> ManifestProblem:
        pos, shown = self.where(path, key=key)
        return ManifestProblem(pos.file, pos.line, pos.col, format_path(shown), message)


def format_path(path: Iterable[Any]) -> str:
    """``("tools", 2, "function", "name")`` -> ``tools[2].function.name``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_documents(text: str, shown: str) -> tuple[list[Located], list[ManifestProblem]]:
    """Every non-empty document of a YAML text, with positions; or the syntax error."""
    builder = _Builder(shown)
    docs: list[Located] = []
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            located = Located(None)
            located.data = builder.build(node, (), located)
            if located.data is not None:
                docs.append(located)
    except yaml.MarkedYAMLError as exc:
        return [], [_syntax_problem(exc, text, shown)]
    except yaml.YAMLError as exc:  # e.g. a reader error on a control character
        return [], [ManifestProblem(shown, message=f"YAML error: {exc}")]
    except _AliasBomb as exc:
        return [], [ManifestProblem(
            shown, exc.pos.line, exc.pos.col, "",
            f"YAML aliases here expand to more than {MAX_ALIAS_VALUES:,} values (an alias bomb?); "
            "write the values out, or use fewer nested aliases",
        )]
    except RecursionError:
        return [], [ManifestProblem(shown, message="YAML nested too deeply; a manifest is a few levels deep")]
    finally:
        loader.dispose()
    return docs, builder.problems


_MISSING_COLON = re.compile(r"\s*(?:-\s+)?([A-Za-z_][\w.-]*)\s+(\S.*)")


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, shown: str) -> ManifestProblem:
    """PyYAML's syntax error, placed and worded for the two mistakes it words worst: a key without
    its colon (PyYAML notices only on the next line) and a tab in the indentation (it names the
    character at best as ``'\\t'``, or not at all)."""
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or exc.context or "invalid YAML"
    lines = text.splitlines()
    if "expected ':'" in what and exc.context_mark is not None and exc.context_mark.line < len(lines):
        at = exc.context_mark
        found = _MISSING_COLON.fullmatch(lines[at.line])
        if found:
            return ManifestProblem(shown, at.line + 1, at.column + 1, "",
                                   f"YAML syntax error: `{lines[at.line].strip()}` has no ':' after its key; "
                                   f"write `{found[1]}: {found[2]}`")
    line = lines[mark.line] if mark is not None and mark.line < len(lines) else ""
    lead = line[: len(line) - len(line.lstrip(" \t-"))]
    if mark is not None and "\t" in lead and mark.column <= len(lead):
        col = lead.index("\t")
        return ManifestProblem(shown, mark.line + 1, col + 1, "",
                               "YAML syntax error: a tab character in the indentation; YAML indents with spaces "
                               "only: replace the tab with spaces")
    ctx = f" ({exc.context})" if exc.context and exc.problem else ""
    return ManifestProblem(shown, mark.line + 1 if mark else 0, mark.column + 1 if mark else 0, "",
                           f"YAML syntax error: {what}{ctx}; check indentation, colons and quoting")


@functools.lru_cache(maxsize=1)
def _scalar_constructor() -> yaml.SafeLoader:
    """One safe constructor for plain scalars (bool, int, float, null, timestamp), shared: those
    constructors keep no state, and making a loader per file cost 300 of them per plan."""
    return yaml.SafeLoader("")


class _AliasBomb(Exception):
    def __init__(self, pos: Pos) -> None:
        self.pos = pos


class _Builder:
    """Turns composed nodes into plain values, recording positions and refusing surprises."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[ManifestProblem] = []
        self._constructor = _scalar_constructor()
        self._built: set[int] = set()  # nodes built once: meeting one again means an alias
        self._via_alias = 0  # depth inside a subtree reached through an alias
        self._alias_values = 0
        self._alias_site: Pos | None = None  # where the outermost alias being expanded is used

    def _pos(self, node: yaml.Node, path: Path_) -> Pos:
        return Pos(self.shown, node.start_mark.line + 1, node.start_mark.column + 1, path)

    def _error(self, node: yaml.Node, path: Path_, message: str) -> None:
        self.problems.append(
            ManifestProblem(
                self.shown, node.start_mark.line + 1, node.start_mark.column + 1,
                format_path(path), message,
            )
        )

    def build(self, node: yaml.Node, path: Path_, out: Located) -> Any:
        again = id(node) in self._built
        if again or self._via_alias:
            if not self._via_alias:  # the alias itself has no mark: name the place that holds it
                self._alias_site = out.values.get(path[:-1]) or self._pos(node, path)
            self._alias_values += 1
            if self._alias_values > MAX_ALIAS_VALUES:
                raise _AliasBomb(self._alias_site or self._pos(node, path))
        self._built.add(id(node))
        if again:
            self._via_alias += 1
            try:
                return self._build(node, path, out)
            finally:
                self._via_alias -= 1
        return self._build(node, path, out)

    def _build(self, node: yaml.Node, path: Path_, out: Located) -> Any:
        out.values[path] = self._pos(node, path)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path, out)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._error(node, path, f"unsupported YAML tag {node.tag}: remove it")
            return [self.build(item, path + (i,), out) for i, item in enumerate(node.value)]
        if node.tag != _MAP:
            self._error(node, path, f"unsupported YAML tag {node.tag}: remove it")
        if not isinstance(node, yaml.MappingNode):  # PyYAML composes only these three kinds
            raise AsstDeployError(f"internal: unexpected YAML node {type(node).__name__}")
        return self._mapping(node, path, out)

    def _scalar(self, node: yaml.ScalarNode, path: Path_, out: Located) -> Any:
        if node.tag == _STR:
            return node.value
        if node.tag in _SCALARS:
            out.raw[path] = node.value
            return self._construct(node)
        self._error(node, path, f"unsupported YAML tag {node.tag}: remove it or quote the value")
        return node.value

    def _mapping(self, node: yaml.MappingNode, path: Path_, out: Located) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        merged: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node])
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                hint = (
                    quote_hint(key_node.value, self._construct(key_node))
                    if isinstance(key_node, yaml.ScalarNode)
                    else ""
                )
                self._error(key_node, path, f"keys must be strings{hint}")
                continue
            key = key_node.value
            if key in first_line:
                self._error(
                    key_node, path + (key,),
                    f"duplicate key (first at line {first_line[key]}); keep only one",
                )
            first_line[key] = key_node.start_mark.line + 1
            out.keys[path + (key,)] = self._pos(key_node, path + (key,))
            result[key] = self.build(value_node, path + (key,), out)
        for source in merged:  # YAML merge keys (<<: *anchor): explicit keys win
            if not isinstance(source, yaml.MappingNode):
                self._error(source, path, "<< must merge a mapping")
                continue
            extra = Located(None)
            values = self._mapping(source, path, extra)
            for key, value in values.items():
                if key not in result:
                    result[key] = value
                    for table, other in ((out.values, extra.values), (out.keys, extra.keys), (out.raw, extra.raw)):
                        table.update({p: v for p, v in other.items() if p[: len(path) + 1] == path + (key,)})
        return result

    def _construct(self, node: yaml.ScalarNode) -> Any:
        if node.tag in _SCALARS:
            return self._constructor.yaml_constructors[node.tag](self._constructor, node)
        return node.value


def describe_value(value: Any) -> str:
    """How YAML read a value, in YAML's own words: true, 4, null..."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value) if isinstance(value, str) else str(value)


def quote_hint(raw: str, value: Any) -> str:
    """'; quote it: "no"', explaining YAML 1.1's reading when it is a surprise (yes/no/on/off)."""
    hint = f'; quote it: "{raw}"'
    if isinstance(value, bool) or value is None:
        hint += f" (YAML 1.1 reads unquoted {raw or '~'} as {describe_value(value)})"
    return hint
