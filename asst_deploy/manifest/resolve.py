"""From a validated manifest to an :class:`AssistantSpec`: files read, globs expanded, hashes taken.

Checks here need the file system or several fields at once (a file_search tool for ``files``,
unique function names); each problem is placed through the manifest's :class:`Located` map.
Every file is read through the project's :class:`~asst_deploy.manifest.files.Resolver`, which
records what was read.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from dataclasses import replace
from typing import Any, Mapping, Protocol, Sequence

from ..errors import ManifestProblem
from ..hashing import sha256_file
from ..ownership import MARKER_KEY
from ..spec import AssistantSpec, FileSpec
from . import models as m
from .sdk_shapes import SDK_SETTINGS
from .symlinks import loop_under
from .files import Resolver, schema_problem
from .yamlpos import Located, Path_


class _Fail(Protocol):
    def __call__(self, path: Path_, message: str, *, key: bool = False) -> None: ...


def to_spec(
    manifest: m.Manifest, doc: Located, resolver: Resolver, *, source: str,
    name_prefix: str = "", name_suffix: str = "",
) -> tuple[AssistantSpec | None, list[ManifestProblem]]:
    """The spec of one validated manifest, or the problems that prevent it."""
    problems: list[ManifestProblem] = []

    def fail(path: Path_, message: str, *, key: bool = False) -> None:
        problems.append(doc.problem(path, message, key=key))

    instructions = _instructions(manifest, resolver, fail)
    tools = [_tool(t, i, resolver, fail) for i, t in enumerate(manifest.tools)]
    _check_function_names(manifest, fail)
    attributes: dict[str, dict[str, Any]] = {}
    files = _files(manifest.files, "files", resolver, fail, attributes)
    if any(attributes.values()):
        _shared_contents(files, attributes, resolver, fail)
    _check_store_settings(manifest, fail)
    ci_files = _files(manifest.code_interpreter_files, "code_interpreter_files", resolver, fail)
    _check_fields_together(manifest, len(ci_files), fail)
    display_name = name_prefix + (manifest.display_name or manifest.name) + name_suffix
    if len(display_name) > m.MAX_DISPLAY_NAME:
        fail(display_name_path(doc), f"display name {display_name[:40]!r}... is {len(display_name)} "
             f"characters with the environment's prefix/suffix; the API allows at most {m.MAX_DISPLAY_NAME}")
    if problems:
        return None, problems
    return AssistantSpec(
        name=manifest.name,
        display_name=display_name,
        model=manifest.model,
        description=manifest.description,
        instructions=instructions,
        tools=tuple(tools),
        temperature=manifest.temperature,
        top_p=manifest.top_p,
        response_format=_dumped(manifest.response_format),
        reasoning_effort=manifest.reasoning_effort,
        metadata=dict(manifest.metadata),
        settings={k: _dumped(v) for k in SETTINGS if (v := getattr(manifest, k)) is not None},
        files=tuple(_with_attributes(resolver.file_spec(p), attributes.get(p)) for p in files),
        vector_store=manifest.vector_store.model_dump(exclude_none=True) if manifest.vector_store else {},
        automations=tuple(_automation(a, manifest.environment) for a in manifest.automations),
        environment=manifest.environment,
        credentials=_sandbox_secrets(manifest.secrets),
        code_interpreter_files=tuple(resolver.file_spec(p) for p in ci_files),
        source=source,
        renamed_from=_renamed_from(manifest.renamed_from),
        model_at=_place(doc, ("model",)),
        renamed_from_at=_renamed_from_at(doc, manifest.renamed_from),
    ), []


def _sandbox_secrets(secrets: list[m.SandboxSecret]) -> tuple[dict[str, Any], ...]:
    from ..agent_platform import sandbox_credentials

    return sandbox_credentials(s.model_dump(exclude_none=True) for s in secrets)


def _automation(auto: m.Automation, environment: dict[str, Any] | None) -> dict[str, Any]:
    """An automation as the spec holds it: plain values, its moment as UTC text, and the agent's
    environment (its new sessions run in it)."""
    from ..agent_platform import at_text

    out = auto.model_dump(exclude_none=True, exclude={"at"})
    if auto.at is not None:
        out["at"] = at_text(auto.at)
    if environment is not None:
        out["environment"] = environment
    return out


def _instructions(manifest: m.Manifest, resolver: Resolver, fail: _Fail) -> str | None:
    """The manifest's instructions, or the text of its instructions_file."""
    if manifest.instructions_file is None:
        return manifest.instructions
    if manifest.instructions is not None:
        fail(("instructions_file",), "give instructions or instructions_file, not both")
    rel, why = resolver.one_file(manifest.instructions_file)
    text, why = resolver.text(rel) if rel else (None, why)
    if why:
        fail(("instructions_file",), why)
    elif text is not None and len(text) > m.MAX_INSTRUCTIONS:
        fail(("instructions_file",), f"{rel} is {len(text):,} characters; the API allows at most "
             f"{m.MAX_INSTRUCTIONS:,}: shorten it")
    return text


def _check_store_settings(manifest: m.Manifest, fail: _Fail) -> None:
    """Store settings need retrieval files, and static chunks overlap by at most half."""
    if manifest.vector_store is not None and not manifest.files:
        fail(("vector_store",), "vector_store settings need retrieval files: list them under files")
    chunking = manifest.vector_store.chunking_strategy if manifest.vector_store else None
    if isinstance(chunking, m.StaticChunking) and \
            chunking.static.chunk_overlap_tokens * 2 > chunking.static.max_chunk_size_tokens:
        fail(("vector_store", "chunking_strategy", "static", "chunk_overlap_tokens"),
             f"{chunking.static.chunk_overlap_tokens} is more than half of max_chunk_size_tokens "
             f"({chunking.static.max_chunk_size_tokens}); the API allows at most "
             f"{chunking.static.max_chunk_size_tokens // 2}")


def _check_fields_together(manifest: m.Manifest, ci_count: int, fail: _Fail) -> None:
    """Rules across fields: files need their tool, code-interpreter files fit, the marker is ours."""
    kinds = {t.type for t in manifest.tools}
    if manifest.files and "file_search" not in kinds:
        fail(("files",), "files need a file_search tool: add `- type: file_search` to tools")
    if manifest.code_interpreter_files and "code_interpreter" not in kinds:
        fail(("code_interpreter_files",),
             "code_interpreter_files need a code_interpreter tool: add `- type: code_interpreter` to tools")
    if ci_count > m.MAX_CODE_INTERPRETER_FILES:
        fail(("code_interpreter_files",), f"names {ci_count} files; the API allows at most "
             f"{m.MAX_CODE_INTERPRETER_FILES} code-interpreter files")
    if MARKER_KEY in manifest.metadata:
        fail(("metadata", MARKER_KEY), f"the key {MARKER_KEY!r} is reserved for asst-deploy "
             "(its ownership marker): use another key", key=True)


def _dumped(value: Any) -> Any:
    """A setting as the spec holds it: a typed model as its JSON, anything else as written."""
    return value.model_dump(by_alias=True, exclude_none=True) if isinstance(value, m.Strict) else value


def _with_attributes(spec: FileSpec, attributes: Mapping[str, Any] | None) -> FileSpec:
    return replace(spec, attributes=tuple(sorted(attributes.items()))) if attributes else spec


def _renamed_from(value: str | list[str] | None) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value or ())


def _renamed_from_at(doc: Located, value: str | list[str] | None) -> tuple[tuple[str, int, int], ...]:
    if isinstance(value, str):
        return (_place(doc, ("renamed_from",)),)
    return tuple(_place(doc, ("renamed_from", index)) for index in range(len(value or ())))


def _place(doc: Located, path: Path_) -> tuple[str, int, int]:
    where = doc.problem(path, "")
    return where.file, where.line, where.column


# Manifest fields only some APIs take, kept in the spec's ``settings`` (api_rules refuses the rest).
SETTINGS = ("verbosity", "service_tier", "reasoning_summary", "tool_choice", "prompt", "parallel_tool_calls",
            "max_output_tokens", "max_tool_calls", "store", "include", "prompt_cache_key",
            "prompt_cache_retention", "truncation", "safety_identifier", "multi_agent", "compaction",
            "experimental", "reasoning_context", "reasoning_mode", *SDK_SETTINGS)


def display_name_path(doc: Located) -> Path_:
    """Where a too-long display name is best shown: display_name if written, else name."""
    return ("display_name",) if isinstance(doc.data, dict) and "display_name" in doc.data else ("name",)


def _tool(tool: Any, index: int, resolver: Resolver, fail: Any) -> dict[str, Any]:
    """One tool in the spec's neutral flat shape, parameters_file inlined."""
    if not isinstance(tool, m.FunctionTool):
        return tool.model_dump(exclude_none=True)
    fn = tool.function
    path: Path_ = ("tools", index, "function")
    parameters = fn.parameters
    if fn.parameters_file is not None:
        if fn.parameters is not None:
            fail(path + ("parameters_file",), "give parameters or parameters_file, not both")
        rel, why = resolver.one_file(fn.parameters_file)
        parameters, why = resolver.json_schema(rel) if rel else (None, why)
        if why:
            fail(path + ("parameters_file",), why)
    elif parameters is not None:
        why = schema_problem(parameters)
        if why:
            fail(path + ("parameters",), why)
    flat = {"type": "function", "name": fn.name, "description": fn.description,
            "parameters": parameters, "strict": fn.strict, "defer_loading": fn.defer_loading,
            "output_schema": fn.output_schema, "allowed_callers": fn.allowed_callers}
    return {k: v for k, v in flat.items() if v is not None}


def _check_function_names(manifest: m.Manifest, fail: Any) -> None:
    seen: dict[str, int] = {}
    for i, tool in enumerate(manifest.tools):
        if isinstance(tool, m.FunctionTool):
            name = tool.function.name
            if name in seen:
                fail(("tools", i, "function", "name"),
                     f"function {name!r} is already defined in tools[{seen[name]}]: rename or remove one")
            seen.setdefault(name, i)


# What the APIs read (OpenAI's file search and code interpreter file types), and their limits.
FILE_SEARCH_TYPES = frozenset(
    ".c .cpp .cs .css .doc .docx .go .html .java .js .json .md .pdf .php .pptx .py .rb .sh .tex .ts .txt".split())
CODE_INTERPRETER_TYPES = FILE_SEARCH_TYPES | frozenset(
    ".csv .jpeg .jpg .gif .pkl .png .tar .xlsx .xml .zip".split())
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_ATTRIBUTE_VALUE = 512  # a retrieval file's path is stored as its vector-store attribute `path`
READABLE = {"files": ("file_search", FILE_SEARCH_TYPES), "code_interpreter_files": ("code_interpreter",
                                                                                     CODE_INTERPRETER_TYPES)}


def _files(entries: Sequence[str | m.FileEntry], field: str, resolver: Resolver, fail: Any,
           attributes: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """The files the patterns name; asst-deploy's own files are left out of globs and refused by name.
    ``attributes`` (retrieval files) receives each path's declared attributes; a path two entries
    give different attributes is refused."""
    out: set[str] = set()
    given: dict[str, int] = {}  # path -> the entry whose attributes it has
    for i, entry in enumerate(entries):
        pattern = entry if isinstance(entry, str) else entry.path
        declared = {} if isinstance(entry, str) else dict(entry.attributes)
        paths, why = resolver.expand(pattern)
        if why:
            fail((field, i), why)
        if not glob.has_magic(pattern):
            own = next((resolver.own_file(p) for p in paths if resolver.own_file(p)), None)
            if own:
                fail((field, i), f"{pattern!r} is {own}, never a retrieval file: list documents only")
                continue
        kept = [p for p in paths if resolver.own_file(p) is None]
        for path in kept:
            why = _unreadable(resolver, path, field)
            if why:
                fail((field, i), why)
        if paths and not kept:
            fail((field, i), f"{pattern!r} matches only asst-deploy's own files (lockfiles, config, "
                 "manifests, .asst-deploy/, .git/), which are never retrieval files")
        if attributes is not None:
            for key in declared:
                if key in m.RESERVED_ATTRIBUTES:
                    fail((field, i, "attributes", key), f"the attribute {key!r} is asst-deploy's own (it records "
                         f"each file's {key}; filters may use it): choose another key", key=True)
            for path in kept:
                if path in attributes and attributes[path] != declared:
                    fail((field, i), f"{path} is also listed by files[{given[path]}] with other attributes: "
                         "give each file its attributes once")
                attributes.setdefault(path, declared)
                given.setdefault(path, i)
        out.update(kept)
    return sorted(out)


def _shared_contents(paths: list[str], attributes: Mapping[str, Mapping[str, Any]], resolver: Resolver,
                     fail: Any) -> None:
    """Identical contents share one vector-store member, which holds one set of attributes."""
    by_sha: dict[str, str] = {}
    for path in paths:
        sha = resolver.file_spec(path).sha256
        first = by_sha.setdefault(sha, path)
        if first != path and attributes.get(first, {}) != attributes.get(path, {}):
            fail(("files",), f"{first} and {path} have the same content, so the vector store holds them as one "
                 "file with one set of attributes: give them the same attributes")


def _unreadable(resolver: Resolver, path: str, field: str) -> str | None:
    """Why the API would refuse this file, found before anything is uploaded."""
    tool, types = READABLE[field]
    suffix = PurePosixPath(path).suffix.lower()
    if suffix not in types:
        return (f"{path}: {tool} cannot read {suffix or 'files without an extension'}; it reads "
                f"{' '.join(sorted(types))}")
    size = resolver.size(path)
    if size > MAX_FILE_BYTES:
        return f"{path} is {size / 2**20:,.0f} MB; the API takes files of at most 512 MB: split it"
    if field == "files" and len(path) > MAX_ATTRIBUTE_VALUE:
        return (f"{path[:40]}... is a {len(path)}-character path; a vector store file's attributes hold at "
                f"most {MAX_ATTRIBUTE_VALUE}: move the file to a shorter path")
    return None
