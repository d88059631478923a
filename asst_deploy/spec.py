"""The normalized, API-neutral description of one assistant.

Every target API maps to and from this shape (docs/api-facts.md), so the planner compares
like with like and never sees an API's own objects. Normalization lives here too: both sides of a
comparison go through :func:`normalize` so that defaults, ``null`` versus absent, JSON key order and
trailing whitespace never show up as perpetual diffs.
"""

from __future__ import annotations

import collections.abc as _abc
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from enum import Enum
from functools import cached_property
from typing import Any

# o-series and gpt-5 models reason; the APIs refuse temperature and top_p for them.
REASONING_MODEL = re.compile(r"^(o\d|gpt-[5-9])")


# gpt-5.1 and later take reasoning effort `none` (and so temperature/top_p with it); gpt-5 and o-series do not.
EFFORT_NONE_MODEL = re.compile(r"^gpt-(5\.[1-9]|[6-9])")


def is_reasoning_model(model: str) -> bool:
    return bool(REASONING_MODEL.match(model))


class Kind(str, Enum):
    """What a plan's change acts on. ``responses`` is a lockfile-only entry (``api: responses``)."""

    ASSISTANT = "assistant"
    AGENT = "agent"
    RESPONSES = "responses"
    VECTOR_STORE = "vector_store"
    FILE = "file"
    VAULT = "vault"  # api: agents: the project's vault, its credentials, and agents' automations
    CREDENTIAL = "credential"
    AUTOMATION = "automation"

    def __str__(self) -> str:
        return self.value


# Models known to take no reasoning settings at all (any other name may be an Azure deployment: not judged).
PLAIN_MODEL = re.compile(r"^(gpt-(3\.5|4)|chatgpt-)")


def is_plain_model(model: str) -> bool:
    return bool(PLAIN_MODEL.match(model))


def accepts_effort_none(model: str) -> bool:
    return bool(EFFORT_NONE_MODEL.match(model))


# Fields an assistant has that the planner compares, in display order.
SPEC_FIELDS: tuple[str, ...] = (
    "display_name",
    "model",
    "description",
    "instructions",
    "tools",
    "temperature",
    "top_p",
    "response_format",
    "reasoning_effort",
    "metadata",
    "settings",
)


@dataclass(frozen=True)
class FileSpec:
    """A local file named by a manifest, identified by its content."""

    path: str  # project-relative, POSIX separators
    sha256: str
    size: int = 0
    attributes: tuple[tuple[str, Any], ...] = ()  # the manifest's own vector-store attributes, sorted by key


@dataclass(frozen=True)
class AssistantSpec:
    """One assistant as the manifest (or the account) describes it, API-neutral.

    ``tools`` use a flat neutral shape: ``{"type": "code_interpreter"}``,
    ``{"type": "file_search", "max_num_results": .., "ranking_options": {..}}``,
    ``{"type": "function", "name", "description", "parameters", "strict"}`` and any other tool
    (``web_search``, ``mcp``...) as given. ``settings`` holds API-specific extras (agents'
    ``text_verbosity``, ``service_tier``) that only some backends express.
    """

    name: str
    display_name: str
    model: str
    description: str | None = None
    instructions: str | None = None
    tools: tuple[Mapping[str, Any], ...] = ()
    temperature: float | None = None
    top_p: float | None = None
    response_format: Any = None
    reasoning_effort: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    files: tuple[FileSpec, ...] = ()
    code_interpreter_files: tuple[FileSpec, ...] = ()
    source: str = ""  # the manifest file it came from, for messages
    renamed_from: tuple[str, ...] = ()  # earlier names whose deployed objects this manifest takes over
    model_at: tuple[str, int, int] | None = field(default=None, compare=False)  # where `model` is written
    renamed_from_at: tuple[tuple[str, int, int], ...] = field(default=(), compare=False)  # each renamed_from
    vector_store: Mapping[str, Any] = field(default_factory=dict)  # expires_after, chunking_strategy (auto left out)
    # api: agents: the vault credentials its MCP tools need and its automations (``agent_platform``),
    # compared as objects of their own, not as fields of the agent
    credentials: tuple[Mapping[str, Any], ...] = ()
    automations: tuple[Mapping[str, Any], ...] = ()
    environment: Mapping[str, Any] | None = None  # api: agents: its sessions' execution environment (None: none)

    def comparable(self) -> dict[str, Any]:
        """The fields the planner diffs, as plain JSON-able values (computed once: treat as read-only)."""
        return self._comparable

    @cached_property
    def _comparable(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in SPEC_FIELDS}

    def to_json(self) -> dict[str, Any]:
        data = {f.name: _plain(getattr(self, f.name)) for f in fields(self)}
        data["files"] = [_file_json(f) for f in self.files]
        data["code_interpreter_files"] = [_file_json(f) for f in self.code_interpreter_files]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "AssistantSpec":
        values = dict(data)
        values["tools"] = tuple(values.get("tools") or ())
        values["renamed_from"] = tuple(values.get("renamed_from") or ())
        values["credentials"] = tuple(values.get("credentials") or ())
        values["automations"] = tuple(values.get("automations") or ())
        if values.get("model_at") is not None:
            values["model_at"] = tuple(values["model_at"])
        values["renamed_from_at"] = tuple(tuple(at) for at in values.get("renamed_from_at") or ())
        values["files"] = tuple(_file_spec(f) for f in values.get("files") or ())
        values["code_interpreter_files"] = tuple(_file_spec(f) for f in values.get("code_interpreter_files") or ())
        return cls(**values)


def _file_json(f: FileSpec) -> dict[str, Any]:
    data: dict[str, Any] = {"path": f.path, "sha256": f.sha256, "size": f.size}
    if f.attributes:
        data["attributes"] = dict(f.attributes)
    return data


def _file_spec(data: Mapping[str, Any]) -> FileSpec:
    values = dict(data)
    values["attributes"] = tuple(sorted((values.get("attributes") or {}).items()))
    return FileSpec(**values)


_SCALARS = (str, int, float, type(None))
# a function that takes nothing: no schema, or the empty object schema the API fills in for it
EMPTY_SCHEMAS = ({"type": "object", "properties": {}}, {"type": "object", "properties": {}, "required": []})  # bool is an int


def _plain(value: Any) -> Any:
    # scalars and dicts first: this runs for every value of every spec a plan compares, and an
    # isinstance check against typing.Mapping is several times slower than against a concrete type
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, dict) or isinstance(value, _abc.Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


def canonical_json(value: Any) -> Any:
    """Sort mapping keys recursively so that key order never counts as a change."""
    return json.loads(json.dumps(_plain(value), sort_keys=True, ensure_ascii=False))


def _drop_none(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if v is not None}


def normalize_tool(tool: Mapping[str, Any]) -> dict[str, Any]:
    """One tool in the neutral flat shape, defaults dropped, keys sorted."""
    tool = dict(tool)
    kind = tool.get("type")
    if kind == "function" and "function" in tool:  # the Assistants API nests a function
        tool = {"type": "function", **tool["function"]}
    if kind == "function":
        if tool.get("strict") is False:
            tool.pop("strict")
        if tool.get("description") == "":
            tool.pop("description")
        if tool.get("parameters") in EMPTY_SCHEMAS:  # a server echoes "no parameters" as the empty schema
            tool.pop("parameters")
    if kind == "file_search":
        nested = tool.pop("file_search", None) or {}
        tool.update(nested)
        ranking = tool.get("ranking_options") or {}
        ranking = _drop_none(ranking)
        if ranking.get("ranker") in (None, "auto", "default_2024_08_21") and ranking.get("score_threshold") in (None, 0, 0.0) \
                and set(ranking) <= {"ranker", "score_threshold"}:
            ranking = {}  # the API's default ranking (auto resolves to default_2024_08_21)
        elif "ranker" in ranking and "score_threshold" not in ranking:
            ranking["score_threshold"] = 0.0  # the default the API applies (Assistants requires it sent)
        tool["ranking_options"] = ranking or None
    return canonical_json(_drop_none(tool))


def normalize_response_format(value: Any) -> Any:
    if value in (None, "auto", {"type": "text"}):
        return "auto"
    return canonical_json(_drop_none_deep(value))


def _drop_none_deep(value: Any) -> Any:
    """An API echoes unset optional fields as null; the manifest leaves them out."""
    if isinstance(value, Mapping):
        return {k: _drop_none_deep(v) for k, v in value.items() if v is not None}
    return value


def normalize_instructions(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.replace("\r\n", "\n").rstrip()
    return text or None


@dataclass(frozen=True)
class Defaults:
    """What an API assumes for a field left unset; the same on both sides of a diff."""

    temperature: float | None = 1.0
    top_p: float | None = 1.0
    response_format: Any = "auto"


def normalize(spec: AssistantSpec, defaults: Defaults = Defaults(), *, name: str | None = None,
              metadata: Mapping[str, str] | None = None) -> AssistantSpec:
    """The canonical form of a spec: compare two specs only after this. ``name`` and ``metadata``
    replace the spec's in the same copy (a listed object's: ``replace`` is dear at 300 objects)."""
    metadata = spec.metadata if metadata is None else metadata
    return replace(
        spec,
        name=spec.name if name is None else name,
        description=normalize_instructions(spec.description),
        instructions=normalize_instructions(spec.instructions),
        tools=tuple(normalize_tool(t) for t in spec.tools),
        temperature=_number(spec.temperature, defaults.temperature),
        top_p=_number(spec.top_p, defaults.top_p),
        response_format=normalize_response_format(
            spec.response_format if spec.response_format is not None else defaults.response_format
        ),
        metadata=dict(sorted((metadata or {}).items())),
        settings=canonical_json(_drop_none(spec.settings)) if spec.settings else {},
        vector_store=normalize_vector_store(spec.vector_store) if spec.vector_store else {},
        files=tuple(sorted(spec.files, key=lambda f: f.path)),
        code_interpreter_files=tuple(sorted(spec.code_interpreter_files, key=lambda f: f.path)),
    )


def normalize_vector_store(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """A store's settings with the API's default left out: chunking `auto` is what no strategy means."""
    out = canonical_json(_drop_none(settings or {}))
    if out.get("chunking_strategy") == {"type": "auto"}:
        out.pop("chunking_strategy")
    return out


def _number(value: float | None, default: float | None) -> float | None:
    value = default if value is None else value
    return None if value is None else float(value)


@dataclass(frozen=True)
class Capabilities:
    """What one target API can hold, asked of the backend instead of checked by its name.

    The planner, the applier and the commands read these flags; only the backend (and the
    manifest's ``api_rules`` table) know which API has which, so a fourth API touches those two.
    """

    kind: Kind  # what a manifest becomes: an assistant, an agent, or lockfile-only settings
    api: str  # the ``api:`` setting's value
    server_object: bool  # an object on the account holds the settings (False: only the lockfile does)
    tool_resources: bool  # a vector store and code-interpreter files attach to that object
    defaults: Defaults = Defaults()
    ignore_unset: frozenset[str] = frozenset()  # never diff these when the manifest leaves them unset
    write_only: frozenset[str] = frozenset()  # the API never returns these: compare with the lockfile

    def applied_digest(self, comparable: Mapping[str, Any]) -> str:
        """The lockfile's ``applied`` digest of a spec as this API compares it (``spec_digest``): one
        rule for the planner, which compares it, and the applier, which records it."""
        return spec_digest(comparable, self.ignore_unset, self.write_only)


class Capable:
    """Shorthands for a target's most asked capabilities (``capabilities`` is the one source)."""

    capabilities: Capabilities

    @property
    def kind(self) -> Kind:
        return self.capabilities.kind

    @property
    def api(self) -> str:
        return self.capabilities.api

    @property
    def defaults(self) -> Defaults:
        return self.capabilities.defaults


def digest(value: Any) -> str:
    """A stable sha256 of a JSON-able value (keys sorted)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def spec_digest(comparable: Mapping[str, Any], ignore_unset: frozenset[str] = frozenset(),
                write_only: frozenset[str] = frozenset()) -> str:
    """What the lockfile remembers of the last applied spec, to tell drift from a manifest edit.

    Fields the API never shows, and unset fields the API fills in itself, are left out so that
    the account's copy and the manifest's digest alike."""
    view = {k: v for k, v in comparable.items()
            if k not in write_only and not (k in ignore_unset and v in (None, {}, []))}
    return digest(view)[:16]


def used_contents(specs: "Iterable[AssistantSpec]") -> set[str]:
    """The sha256 of every file a manifest lists, in either role: file objects holding one are kept."""
    return {f.sha256 for spec in specs for f in (*spec.files, *spec.code_interpreter_files)}
