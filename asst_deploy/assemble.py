"""A project put together from its files: config, every manifest merged per environment.

Merge order (README: Environments): defaults < manifest < environment < environment's
per-assistant override. This module sits above both :mod:`asst_deploy.config` (which environment,
API and lockfile) and :mod:`asst_deploy.manifest` (what one manifest becomes), so neither of them
imports the other upward. All problems of all files are collected before anything is raised.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping

from . import config as cfg
from .config_file import read_config
from .errors import ManifestProblem, ValidationFailed
from .identity import identity_problem, require_project
from .manifest.checks import CheckSuite
from .manifest.files import Answers, Resolver
from .manifest.loader import MERGED_MAPPINGS, Source, build_spec, own_digest, read_manifests
from .manifest.yamlpos import Located, format_path
from .project import Project, notes_left_behind
from .spec import AssistantSpec


@dataclass(frozen=True)
class Checked:
    """What ``validate`` reports: each environment checked (and its api), the problems, the count."""

    environments: dict[str, str]
    problems: list[ManifestProblem]
    manifests: int
    warnings: tuple[str, ...] = ()


@dataclass
class _Parsed:
    """Config and manifests read once, ready to be built for any environment."""

    root: Path
    config: cfg.ProjectConfig | None
    config_doc: Located | None
    resolver: Resolver
    manifests: list[Source] = field(default_factory=list)
    problems: list[ManifestProblem] = field(default_factory=list)  # the config's first
    warnings: list[str] = field(default_factory=list)
    config_problems: int = 0  # how many of the problems are the config's


def _parse(project_dir: Path) -> _Parsed:
    root = Path(project_dir)
    resolver = Resolver(root)  # every file is read through it, so what the load read is known
    config, config_doc, problems = read_config(root, resolver)
    resolver.own_files = _own_files(config)
    parsed = _Parsed(root, config, config_doc, resolver, problems=list(problems), config_problems=len(problems))
    if config is None:
        return parsed
    listing = resolver.listing(config.manifests)
    if listing is None:
        where = config_doc.problem(("manifests",), "") if config_doc and "manifests" in config_doc.data else None
        parsed.problems.append(ManifestProblem(
            where.file if where else config.manifests.rstrip("/") or ".",
            where.line if where else 0, where.column if where else 0,
            "manifests" if where else "",
            f"manifests folder {config.manifests!r} not found: create it or set manifests: in asst-deploy.yaml",
        ))
        return parsed
    parsed.manifests, problems, parsed.warnings = read_manifests(resolver, listing)
    parsed.problems += problems
    parsed.resolver.manifest_files = frozenset(source.file for source in parsed.manifests)
    return parsed


def _own_files(config: cfg.ProjectConfig | None) -> frozenset[str]:
    """The config and every lockfile it names: never retrieval files (manifest/resolve.py)."""
    own = {cfg.CONFIG_FILE}
    if config is not None:
        for env in list(config.environments) or [cfg.DEFAULT_ENV]:
            own.add(cfg.lockfile_path(Path("."), config, env).as_posix())
    return frozenset(own)


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


def overridden(doc: Located, layers: list[Located], env: str) -> list[str]:
    """Each value a manifest writes that a later layer (its environment) replaces with another:
    an edit of it changes nothing in this environment, so the plan says why."""
    later = layers[next(n for n, layer in enumerate(layers) if layer is doc) + 1:]
    notes = []
    for layer in later:
        for key, value in layer.data.items():
            if key not in doc.data:
                continue
            paths = [(key, sub) for sub in value if sub in doc.data[key]] if key in MERGED_MAPPINGS and \
                isinstance(value, dict) and isinstance(doc.data[key], dict) else [(key,)]
            for path in paths:
                mine, theirs = _value_at(doc.data, path), _value_at(layer.data, path)
                if mine == theirs:
                    continue
                here, there = doc.where(path)[0], layer.where(path)[0]
                notes.append(f"{here.file}:{here.line}: {format_path(path)}: {_short(mine)} is overridden by "
                             f"environment {env!r} ({there.file}:{there.line}: {format_path(there.path)}: "
                             f"{_short(theirs)}); the environment's value is what is deployed")
    return notes


def _value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass
class _Built:
    """Every manifest built for one environment."""

    specs: list[AssistantSpec] = field(default_factory=list)
    checks: dict[str, CheckSuite] = field(default_factory=dict)
    problems: list[ManifestProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # manifest values the environment overrides


def _build(parsed: _Parsed, env: str, api: str) -> _Built:
    """Specs and checks of every manifest for one environment and API, and every problem found."""
    assert parsed.config is not None
    env_config = cfg.environment(parsed.config, env)
    out = _Built()
    specs, problems, notes = out.specs, out.problems, out.notes
    for source in parsed.manifests:
        layers = _layers(parsed, source.doc, env)
        notes += overridden(source.doc, layers, env)
        built = build_spec(
            source, layers, parsed.resolver, api,
            name_prefix=env_config.name_prefix, name_suffix=env_config.name_suffix,
        )
        problems += built.problems
        if built.spec is not None:
            specs.append(built.spec)
        if built.spec is not None and built.checks is not None:
            out.checks[built.spec.name] = built.checks
    names = {source.doc.data.get("name") for source in parsed.manifests}
    if parsed.config_doc is not None and env in parsed.config.environments:
        for name in env_config.assistants:
            if name not in names:
                known = ", ".join(sorted(n for n in names if isinstance(n, str))) or "none"
                problems.append(parsed.config_doc.problem(
                    ("environments", env, "assistants", name),
                    f"no manifest is named {name!r} (known: {known})", key=True,
                ))
    specs.sort(key=lambda s: s.name)
    return out


class OwnDigests(Mapping[str, str]):
    """Each manifest's own digest (``own_digest``) by name, made when first asked: a plan with
    nothing to change asks for none, so a project pays for them only when a gate or a test looks."""

    def __init__(self, parsed: _Parsed, sources: Mapping[str, Source]) -> None:
        assert parsed.config is not None
        self._parsed, self._sources, self._api = parsed, dict(sources), parsed.config.api
        self._defaults = parsed.config_doc.sub(("defaults",)) if parsed.config.defaults and parsed.config_doc else None
        self._made: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._made:
            self._made[name] = own_digest(self._sources[name], self._defaults, self._parsed.resolver, self._api)
        return self._made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)


def _own_digests(parsed: _Parsed, built: _Built) -> Mapping[str, str]:
    """The manifests' own digests, when checks or a promotion can ask for them (none otherwise)."""
    assert parsed.config is not None
    if not (any(s.cases for s in built.checks.values())
            or any(e.promote_from for e in parsed.config.environments.values())):
        return {}
    built_names = {spec.name for spec in built.specs}
    return OwnDigests(parsed, {str(source.doc.data["name"]): source for source in parsed.manifests
                               if source.doc.data.get("name") in built_names})


@dataclass(frozen=True)
class Assembled:
    """A project built from its files, with what the build read (for the loaded-project cache)."""

    project: Project
    answers: Answers  # every file the build read or listed, and what it found (Resolver.answers)
    config_data: Any  # asst-deploy.yaml as written, which the project's config is validated from


def assemble(project_dir: Path, env: str | None = None, api: str | None = None, *,
             identity: bool = False) -> Assembled:
    """The project for one environment, or ValidationFailed with every problem of every file.

    ``identity``: the config's own problems, then its missing ``project:``, are raised before any
    manifest problem, as the commands that reach an account say them (identity.require_project)."""
    parsed = _parse(project_dir)
    if parsed.config is None:
        raise ValidationFailed(parsed.problems)
    if identity:
        if parsed.config_problems:
            raise ValidationFailed(parsed.problems[:parsed.config_problems])
        require_project(parsed.root, parsed.config)
    chosen = cfg.resolve_environment(parsed.config, env)
    chosen_api = cfg.api_for(parsed.config, chosen, api)
    built = _build(parsed, chosen, chosen_api)
    if parsed.problems or built.problems:
        raise ValidationFailed(parsed.problems + built.problems)
    project = Project(
        root=parsed.root, config=parsed.config, environment=chosen, api=chosen_api,
        specs=tuple(built.specs), lockfile=cfg.lockfile_path(parsed.root, parsed.config, chosen),
        warnings=tuple(parsed.warnings), overridden=tuple(built.notes),
        left_behind=notes_left_behind(parsed.root, parsed.config, chosen),
        checks=built.checks, own_digests=_own_digests(parsed, built),
    )
    return Assembled(project, parsed.resolver.answers(),
                     parsed.config_doc.data if parsed.config_doc is not None else None)


def validate_project(project_dir: Path, env: str | None = None, api: str | None = None) -> list[ManifestProblem]:
    """The config's and manifests' problems, sorted (not the identity: see ``check_project``);
    without ``env`` every declared environment is checked (each under its api)."""
    return check_project(project_dir, env, api, identity=False).problems


def check_project(project_dir: Path, env: str | None = None, api: str | None = None, *,
                  identity: bool = True) -> Checked:
    """Every environment (or ``env``) built under its api, and every problem found, sorted.

    ``identity``: a missing config or ``project:`` is a problem too, as plan and apply would refuse."""
    parsed = _parse(project_dir)
    if parsed.config is None:
        return Checked({}, sorted(set(parsed.problems)), 0)
    if identity:
        missing = identity_problem(parsed.root, parsed.config)
        if missing is not None:
            parsed.problems.append(missing)
    if env is None and parsed.config.environments:
        envs = list(parsed.config.environments)
    else:
        envs = [cfg.resolve_environment(parsed.config, env)]
    problems = list(parsed.problems)
    checked = {}
    for name in envs:
        checked[name] = cfg.api_for(parsed.config, name, api)
        problems += _build(parsed, name, checked[name]).problems
    return Checked(checked, sorted(set(problems)), len(parsed.manifests), tuple(parsed.warnings))
