"""Read manifest files and turn one merged manifest into an AssistantSpec.

This module knows manifests only: which files in a folder are manifests, how layers merge, and
what one merged document becomes. Which layers exist (the config's defaults and environments) is
the project's business (:mod:`asst_deploy.project`), so nothing here imports the config.

Merge rule (README: Environments): top-level fields replace each other wholesale, except
``metadata``, which merges key by key. Positions survive the merge, so an error in a default
names ``asst-deploy.yaml`` and the ``defaults.`` path, an error in a manifest names the manifest.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any, Mapping, NamedTuple, TypeVar

from pydantic import ValidationError

from ..errors import ManifestProblem
from ..spec import AssistantSpec, digest
from .checks import CheckSuite, read_checks
from .api_rules import api_problems
from .messages import problems_from
from .models import CHECK_FIELDS, Manifest
from .files import Resolver
from .resolve import to_spec
from .yamlpos import Located, Path_, load_documents

_V = TypeVar("_V")

MERGED_MAPPINGS = ("metadata",)  # merged key by key; every other field is replaced wholesale
MANIFEST_SUFFIXES = (".yaml", ".yml")


class Source(NamedTuple):
    """One manifest document and the project-relative file it came from."""

    file: str
    doc: Located


def read_manifests(resolver: Resolver, every: list[str]) -> tuple[list[Source], list[ManifestProblem], list[str]]:
    """Every manifest among the paths of the manifests folder (``Resolver.listing``), every problem
    reading them, and a warning naming each other file there, so that nothing is ignored silently.
    Read through ``resolver``, which records what was read (a FIFO or a dangling link is refused, named)."""
    files = [p for p in every if PurePosixPath(p).suffix in MANIFEST_SUFFIXES]
    skipped = [_skipped(p) for p in every
               if PurePosixPath(p).suffix not in MANIFEST_SUFFIXES and not PurePosixPath(p).name.startswith(".")]
    manifests: list[Source] = []
    problems: list[ManifestProblem] = []
    for source in files:
        docs, file_problems = _read_manifest_file(resolver, source)
        problems += file_problems
        manifests += [Source(source, d) for d in docs]
    return manifests, problems + _duplicate_names(manifests) + _renames(manifests), skipped


def _skipped(source: str) -> str:
    if source.endswith(".json"):
        return f"{source}: not read: manifests are .yaml or .yml files (JSON is YAML too: rename it to .yaml)"
    return f"{source}: not read: manifests are .yaml or .yml files (move other files out of the manifests folder)"


def _read_manifest_file(resolver: Resolver, source: str) -> tuple[list[Located], list[ManifestProblem]]:
    """The manifests in one file: one per document, or one per item of a top-level list."""
    text, problems = resolver.read(source)
    if text is None:
        return [], problems
    docs, problems = load_documents(text, source)
    if not docs and problems:
        return [], problems
    if not docs:
        return [], [ManifestProblem(source, 1, 0, "", "the file is empty: write a manifest (name: ..., model: ...) or delete it")]
    out = []
    for doc in docs:
        items = [doc.sub((i,)) for i in range(len(doc.data))] if isinstance(doc.data, list) else [doc]
        for item in items:
            if isinstance(item.data, dict):
                out.append(item)
            else:
                problems.append(item.problem((), "a manifest must be a mapping: name: ..., model: ..."))
    return out, problems


def _duplicate_names(manifests: list[Source]) -> list[ManifestProblem]:
    by_name: dict[str, list[Located]] = {}
    for _, doc in manifests:
        name = doc.data.get("name")
        if isinstance(name, str):
            by_name.setdefault(name, []).append(doc)
    problems = []
    for name, docs in by_name.items():
        for doc in docs if len(docs) > 1 else ():
            others = ", ".join(
                f"{pos.file}:{pos.line}" for pos in (d.where(("name",))[0] for d in docs if d is not doc)
            )
            problems.append(doc.problem(
                ("name",), f"{name!r} is also the name in {others}; names must be unique in the project"
            ))
    return problems


def _renames(manifests: list[Source]) -> list[ManifestProblem]:
    """``renamed_from`` must name an old name: not a current manifest, not claimed twice."""
    names = {doc.data.get("name") for _, doc in manifests}
    claimed: dict[str, Located] = {}
    problems = []
    for _, doc in manifests:
        value = doc.data.get("renamed_from")
        olds = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for index, old in enumerate(olds):
            where: tuple[Any, ...] = ("renamed_from",) if isinstance(value, str) else ("renamed_from", index)
            if not isinstance(old, str):
                continue  # the model names the wrong type
            if old in names:
                why = ("is this manifest's own name" if old == doc.data.get("name")
                       else "is the name of a manifest in the project: a renamed manifest's old name is no longer used")
                problems.append(doc.problem(where, f"{old!r} {why}"))
            elif old in claimed:
                first = claimed[old].where(("name",))[0]
                problems.append(doc.problem(where, f"{old!r} is already renamed_from of the manifest at "
                                                   f"{first.file}:{first.line}: one manifest takes an old name's objects"))
            else:
                claimed[old] = doc
    return problems


def merge(layers: list[Located]) -> Located:
    """Layers merged in order (later wins per top-level field), positions following the values."""
    data: dict[str, Any] = {}
    owners: dict[str, list[int]] = {}
    for n, layer in enumerate(layers):
        for key, value in layer.data.items():
            if key in MERGED_MAPPINGS and isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
                owners[key].append(n)
            else:
                data[key] = value
                owners[key] = [n]
    out = Located(data)
    for n, layer in enumerate(layers):
        _take_owned(out.values, layer.values, n, owners)
        _take_owned(out.keys, layer.keys, n, owners)
        _take_owned(out.raw, layer.raw, n, owners)
    return out


def _take_owned(table: dict[Path_, _V], mine: Mapping[Path_, _V], n: int, owners: Mapping[str, list[int]]) -> None:
    """Copy layer ``n``'s entries for the top-level fields it owns after the merge."""
    for path, pos in mine.items():
        if path and n in owners.get(path[0], ()):
            table[path] = pos


class Built(NamedTuple):
    """One manifest built for one environment: its spec and checks (None when it has problems)."""

    spec: AssistantSpec | None
    checks: CheckSuite | None
    problems: list[ManifestProblem]


def build_spec(
    source: Source, layers: list[Located], resolver: Resolver, api: str, *,
    name_prefix: str = "", name_suffix: str = "",
) -> Built:
    """The spec of one manifest merged over/under ``layers`` (the manifest itself among them), and
    its checks (the manifest's own: never taken from another layer, never part of the spec)."""
    layers = [layer if layer is source.doc or not CHECK_FIELDS & layer.data.keys()
              else Located({k: v for k, v in layer.data.items() if k not in CHECK_FIELDS},
                           layer.values, layer.keys, layer.raw) for layer in layers]
    merged = merge(layers) if len(layers) > 1 else source.doc
    merged.values[()] = source.doc.values[()]
    try:
        manifest = Manifest.model_validate(merged.data)
    except ValidationError as exc:
        return Built(None, None, problems_from(exc, Manifest, merged))
    spec, problems = to_spec(manifest, merged, resolver, source=source.file,
                             name_prefix=name_prefix, name_suffix=name_suffix)
    problems += api_problems(manifest, merged, api, spec.display_name if spec else None)
    if spec is None:
        return Built(None, None, problems)
    checks, check_problems = read_checks(manifest, merged, spec, resolver)
    return Built(spec, checks, problems + check_problems)


def own_digest(source: Source, defaults: Located | None, resolver: Resolver, api: str) -> str:
    """What a passing ``test`` records of a manifest: its content (files' included) under the
    project's defaults, before any environment's values, so that dev's cheaper model or name prefix
    does not change it, and promoting to prod needs no new pass. A manifest that builds only with
    its environment's values (a model given there) is digested as written, with its defaults."""
    layers = [defaults, source.doc] if defaults is not None else [source.doc]
    spec = build_spec(source, layers, resolver, api).spec
    if spec is None:
        return digest([{k: v for k, v in layer.data.items() if k not in CHECK_FIELDS} for layer in layers])[:16]
    data = spec.to_json()
    for key in ("source", "model_at", "renamed_from", "renamed_from_at"):
        data.pop(key, None)
    return digest(data)[:16]
