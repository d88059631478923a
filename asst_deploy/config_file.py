"""Reading ``asst-deploy.yaml``: its YAML with positions, its model, and what one value cannot tell.

Apart from :mod:`asst_deploy.config` (the model and the rules that pick an environment, an API
and a lockfile), so that a project served by the loaded-project cache uses the config without
importing YAML or the manifest models.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .config import CONFIG_FILE, EnvironmentConfig, ProjectConfig
from .errors import ManifestProblem, ValidationFailed
from .manifest.files import Resolver
from .manifest.messages import did_you_mean, problems_from
from .manifest.models import CHECK_FIELDS, MANIFEST_FIELDS
from .manifest.yamlpos import Located, load_documents
from .publish.destinations import destination_problem

# Manifest fields that defaults and environments may set (a name is each manifest's own).
OVERRIDABLE = tuple(f for f in MANIFEST_FIELDS if f != "name" and f not in CHECK_FIELDS)


def read_config(project_dir: Path, files: Resolver | None = None) -> tuple[
        ProjectConfig | None, Located | None, list[ManifestProblem]]:
    """The config, the located YAML it came from (for merge positions), and its problems; read
    through ``files`` when a load records what it read."""
    path = project_dir / CONFIG_FILE
    if not path.exists():  # a FIFO or a folder by that name is refused below, not taken for no config
        return ProjectConfig(), None, []  # no identity: asst_deploy.identity refuses, naming the fix
    text, problems = (files or Resolver(project_dir)).read(CONFIG_FILE)
    if text is None:
        return None, None, problems
    docs, problems = load_documents(text, CONFIG_FILE)
    if problems:
        return None, None, problems
    if len(docs) > 1:
        return None, None, [docs[1].problem((), "asst-deploy.yaml holds one document; remove the ---")]
    doc = docs[0] if docs else Located({})
    if not isinstance(doc.data, dict):
        return None, None, [doc.problem((), "asst-deploy.yaml must be a mapping of settings")]
    try:
        config = ProjectConfig.model_validate(doc.data)
    except ValidationError as exc:
        return None, doc, problems_from(exc, ProjectConfig, doc)
    return config, doc, _semantic_problems(config, doc)


def _semantic_problems(config: ProjectConfig, doc: Located) -> list[ManifestProblem]:
    """What one value cannot tell: override keys, the default environment, lockfile placement."""
    problems = _override_key_problems(config.defaults, ("defaults",), doc, set())
    for env_name, env in config.environments.items():
        base = ("environments", env_name)
        problems += _override_key_problems(
            env.overrides, base, doc, set(EnvironmentConfig.model_fields)
        )
        for name, fields in env.assistants.items():
            problems += _override_key_problems(fields, base + ("assistants", name), doc, set())
    for env_name, env in config.environments.items():
        if env.promote_from is not None and (env.promote_from not in config.environments or env.promote_from == env_name):
            known = ", ".join(n for n in config.environments if n != env_name) or "none declared"
            problems.append(doc.problem(("environments", env_name, "promote_from"),
                                        f"{env.promote_from!r} is not another environment under environments: "
                                        f"(known: {known})"))
    if config.default_environment is not None and config.default_environment not in config.environments:
        known = ", ".join(config.environments) or "none declared"
        problems.append(doc.problem(
            ("default_environment",),
            f"no environment {config.default_environment!r} under environments: (known: {known})",
        ))
    for i, template in enumerate(config.publish):
        problem = destination_problem(template)
        if problem:
            problems.append(doc.problem(("publish", i), problem))
    if config.lockfile and config.environments:
        problems.append(doc.problem(
            ("lockfile",),
            "a top-level lockfile names the single 'default' environment's lockfile; "
            "with environments, set lockfile under each environment",
        ))
    return problems


def _override_key_problems(
    fields: dict[str, Any], base: tuple, doc: Located, own: set[str]
) -> list[ManifestProblem]:
    problems = []
    for key in fields:
        if key in OVERRIDABLE:
            continue
        if key == "name":
            message = "each manifest names itself: name cannot be set here"
        elif key in CHECK_FIELDS:
            message = f"{key} belongs to each manifest (checks are not deployed): write it in the manifest"
        else:
            message = "unknown key" + (did_you_mean(key, [*OVERRIDABLE, *own]) or
                                       "; use a manifest field (model, temperature, tools, ...)")
        problems.append(doc.problem(base + (key,), message, key=True))
    return problems


def load_config(project_dir: Path) -> ProjectConfig:
    """``asst-deploy.yaml`` of a project; all defaults if there is none."""
    config, _, problems = read_config(project_dir)
    if problems or config is None:
        raise ValidationFailed(problems)
    return config
