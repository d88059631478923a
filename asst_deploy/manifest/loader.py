"""Load a project: config, every manifest, merged per environment, checked, as AssistantSpecs.

Merge order (DESIGN.md section 3): defaults < manifest < environment < environment's
per-assistant override. Top-level fields replace each other wholesale, except ``metadata``,
which merges key by key. Positions survive the merge, so an error in a default names
``asst-deploy.yaml`` and the ``defaults.`` path, an error in a manifest names the manifest.
All problems of all files are collected before anything is raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, TypeVar

from pydantic import ValidationError

from .. import config as cfg
from ..errors import ManifestProblem, ValidationFailed
from ..spec import AssistantSpec
from .api_rules import api_problems
from .messages import problems_from
from .models import Manifest
from .resolve import Resolver, to_spec
from .yamlpos import Located, Path_, load_documents, read_text

_V = TypeVar("_V")

MERGED_MAPPINGS = ("metadata",)  # merged key by key; every other field is replaced wholesale
MANIFEST_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Project:
    """A loaded project for one environment and API: what plan and apply work from."""

    root: Path
    config: cfg.ProjectConfig
    environment: str
    api: str
    specs: tuple[AssistantSpec, ...]
    lockfile: Path


@dataclass
class _Parsed:
    """Config and manifests read once, ready to be built for any environment."""

    root: Path
    config: cfg.ProjectConfig | None
    config_doc: Located | None
    manifests: list[tuple[str, Located]]  # (source file, document)
    problems: list[ManifestProblem]
    resolver: Resolver


def _parse(project_dir: Path) -> _Parsed:
    root = Path(project_dir)
    config, config_doc, problems = cfg.read_config(root)
    parsed = _Parsed(root, config, config_doc, [], list(problems), Resolver(root))
    if config is None:
        return parsed
    folder = root / config.manifests
    if not folder.is_dir():
        where = config_doc.problem(("manifests",), "") if config_doc and "manifests" in config_doc.data else None
        parsed.problems.append(ManifestProblem(
            where.file if where else config.manifests.rstrip("/") or ".",
            where.line if where else 0, where.column if where else 0,
            "manifests" if where else "",
            f"manifests folder {config.manifests!r} not found: create it or set manifests: in asst-deploy.yaml",
        ))
        return parsed
    files = sorted(p for p in folder.rglob("*") if p.suffix in MANIFEST_SUFFIXES and p.is_file())
    for path in files:
        source = path.relative_to(root).as_posix()
        docs, file_problems = _read_manifest_file(path, source)
        parsed.problems += file_problems
        parsed.manifests += [(source, d) for d in docs]
    parsed.problems += _duplicate_names(parsed.manifests)
    return parsed


def _read_manifest_file(path: Path, source: str) -> tuple[list[Located], list[ManifestProblem]]:
    """The manifests in one file: one per document, or one per item of a top-level list."""
    text, problems = read_text(path, source)
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


def _duplicate_names(manifests: list[tuple[str, Located]]) -> list[ManifestProblem]:
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


def _layers(parsed: _Parsed, doc: Located, env: str) -> list[Located]:
    """defaults < manifest < environment < per-assistant override, as located layers."""
    config, config_doc = parsed.config, parsed.config_doc
    assert config is not None
    if config_doc is None:
        return [doc]
    layers = []
    if config.defaults:
        layers.append(config_doc.sub(("defaults",)))
    layers.append(doc)
    env_config = config.environments.get(env)
    if env_config is not None:
        own = set(cfg.EnvironmentConfig.model_fields)
        env_doc = config_doc.sub(("environments", env))
        overrides = {k: v for k, v in env_doc.data.items() if k not in own}
        if overrides:
            layers.append(Located(overrides, env_doc.values, env_doc.keys, env_doc.raw))
        name = doc.data.get("name")
        if isinstance(name, str) and name in env_config.assistants:
            layers.append(env_doc.sub(("assistants", name)))
    return layers


def _build(parsed: _Parsed, env: str, api: str) -> tuple[list[AssistantSpec], list[ManifestProblem]]:
    """Specs of every manifest for one environment and API, and every problem found."""
    assert parsed.config is not None
    env_config = cfg.environment(parsed.config, env)
    specs, problems = [], []
    for source, doc in parsed.manifests:
        layers = _layers(parsed, doc, env)
        merged = merge(layers) if len(layers) > 1 else doc
        merged.values[()] = doc.values[()]
        try:
            manifest = Manifest.model_validate(merged.data)
        except ValidationError as exc:
            problems += problems_from(exc, Manifest, merged)
            continue
        spec, spec_problems = to_spec(
            manifest, merged, parsed.resolver, source=source,
            name_prefix=env_config.name_prefix, name_suffix=env_config.name_suffix,
        )
        problems += spec_problems
        problems += api_problems(manifest, merged, api, spec.display_name if spec else None)
        if spec is not None:
            specs.append(spec)
    names = {doc.data.get("name") for _, doc in parsed.manifests}
    if parsed.config_doc is not None and env in parsed.config.environments:
        for name in env_config.assistants:
            if name not in names:
                known = ", ".join(sorted(n for n in names if isinstance(n, str))) or "none"
                problems.append(parsed.config_doc.problem(
                    ("environments", env, "assistants", name),
                    f"no manifest is named {name!r} (known: {known})", key=True,
                ))
    return sorted(specs, key=lambda s: s.name), problems


def load_project(project_dir: Path, env: str | None = None, api: str | None = None) -> Project:
    """The project for one environment, or ValidationFailed with every problem of every file."""
    parsed = _parse(project_dir)
    if parsed.config is None:
        raise ValidationFailed(parsed.problems)
    chosen = cfg.resolve_environment(parsed.config, env)
    chosen_api = cfg.api_for(parsed.config, chosen, api)
    specs, problems = _build(parsed, chosen, chosen_api)
    if parsed.problems or problems:
        raise ValidationFailed(parsed.problems + problems)
    return Project(
        root=parsed.root, config=parsed.config, environment=chosen, api=chosen_api,
        specs=tuple(specs), lockfile=cfg.lockfile_path(parsed.root, parsed.config, chosen),
    )


def validate_project(project_dir: Path, env: str | None = None, api: str | None = None) -> list[ManifestProblem]:
    """Every problem, sorted; without ``env`` every declared environment is checked (each under its api)."""
    return checked_environments(project_dir, env, api)[1]


def checked_environments(
    project_dir: Path, env: str | None = None, api: str | None = None
) -> tuple[dict[str, str], list[ManifestProblem], int]:
    """(environment -> api checked, sorted problems, number of manifests)."""
    parsed = _parse(project_dir)
    if parsed.config is None:
        return {}, sorted(set(parsed.problems)), 0
    if env is None and parsed.config.environments:
        envs = list(parsed.config.environments)
    else:
        envs = [cfg.resolve_environment(parsed.config, env)]
    problems = list(parsed.problems)
    checked = {}
    for name in envs:
        checked[name] = cfg.api_for(parsed.config, name, api)
        problems += _build(parsed, name, checked[name])[1]
    return checked, sorted(set(problems)), len(parsed.manifests)
