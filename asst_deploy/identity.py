"""A project's identity: the ``project:`` in ``asst-deploy.yaml``, never guessed.

Every object a project deploys carries its name in the ownership marker, and a project deletes
what its marker names and no manifest wants. A name taken from the folder (the old default)
let two unrelated ``support/`` folders delete each other's assistants, so commands that touch an
account, and ``validate``, refuse to run without an explicit ``project:``; ``asst-deploy init``
writes one with a generated suffix.
"""

from __future__ import annotations

import json
import secrets
import string
from pathlib import Path

from .config import CONFIG_FILE, ProjectConfig, default_project_name
from .errors import AsstDeployError, ManifestProblem

SUFFIX_LENGTH = 6
_ALPHABET = string.ascii_lowercase + string.digits


def generated_name(project_dir: Path) -> str:
    """The folder's name plus a random suffix: readable, and not shared with another folder by chance."""
    base = default_project_name(project_dir)[: 63 - SUFFIX_LENGTH].rstrip("-_.") or "project"
    return f"{base}-{''.join(secrets.choice(_ALPHABET) for _ in range(SUFFIX_LENGTH))}"


def recorded_project(project_dir: Path) -> tuple[str, str] | None:
    """(project name, lockfile) from a lockfile in the folder, if one records what was deployed."""
    for path in sorted(project_dir.glob("assistants*.lock.json")):
        try:
            name = json.loads(path.read_text(encoding="utf-8")).get("project")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(name, str) and name:
            return name, path.name
    return None


def _missing(project_dir: Path) -> tuple[str, str]:
    """(what is wrong, how to fix it) for a project without an identity."""
    recorded = recorded_project(project_dir)
    if not (project_dir / CONFIG_FILE).is_file():
        what = f"no {CONFIG_FILE} in {project_dir}: the project's config is missing"
        fix = "run `asst-deploy init` to create it (or pass --project-dir to the project's folder)"
        if recorded:
            fix = (f"run `asst-deploy init` (it keeps the name {recorded[0]!r} that {recorded[1]} records, "
                   "so the objects deployed before stay this project's)")
        return what, fix
    what = (f"{CONFIG_FILE} has no `project:`; the project name marks every object this project owns "
            "on the account, so it is never guessed from the folder's name")
    if recorded:
        fix = (f"add `project: {recorded[0]}` to {CONFIG_FILE}: that is the name {recorded[1]} records, "
               "so the objects deployed before stay this project's")
    else:
        fix = (f"add `project: {generated_name(project_dir)}` (any name unique on the account) to {CONFIG_FILE}; "
               f"if this project was deployed by an earlier version without `project:`, it was named after its "
               f"folder: `project: {default_project_name(project_dir)}` keeps those objects")
    return what, fix


def require_project(project_dir: Path, config: ProjectConfig) -> str:
    """The project's name, or an error saying the config or its ``project:`` is missing and how to fix it."""
    if config.project:
        return config.project
    what, fix = _missing(project_dir)
    raise AsstDeployError(what, hint=fix)


def identity_problem(project_dir: Path, config: ProjectConfig | None) -> ManifestProblem | None:
    """``validate``'s form of :func:`require_project`: one problem naming the config, or None."""
    if config is None or config.project:
        return None
    what, fix = _missing(project_dir)
    if not (project_dir / CONFIG_FILE).is_file():
        return ManifestProblem(CONFIG_FILE, 0, 0, "", f"not found in {project_dir}: {fix}")
    return ManifestProblem(CONFIG_FILE, 0, 0, "project",
                           f"missing (it marks every object this project owns on the account): {fix}")


CONFIG_TEMPLATE = """\
# asst-deploy project config: see the README for every setting.
# `project` marks every object this project deploys on the account, and apply deletes what carries
# it and no manifest wants: keep it unique on the account, and never change it once deployed.
project: {name}
manifests: {manifests}
"""


def init_project(project_dir: Path, name: str | None = None, manifests: str = "assistants/") -> tuple[str, str]:
    """Write ``asst-deploy.yaml`` (never over an existing one); returns (project name, where it came from).

    The name is ``name`` if given, else the one a lockfile in the folder records (so what was deployed
    stays this project's), else the folder's name plus a generated suffix."""
    from .ownership import IDENT_RE

    path = project_dir / CONFIG_FILE
    if path.exists():
        raise AsstDeployError(
            f"{path} already exists; init never overwrites it",
            hint=None if _has_project(path) else _missing(project_dir)[1],
        )
    if name is not None:
        if not IDENT_RE.match(name):
            raise AsstDeployError(f"--project {name!r}: use letters, digits, '.', '_' and '-', starting with a "
                                  "letter or digit, at most 64 characters")
        chosen, why = name, "given with --project"
    elif (recorded := recorded_project(project_dir)) is not None:
        chosen, why = recorded[0], f"the name {recorded[1]} records, so the objects deployed before stay this project's"
    else:
        chosen, why = generated_name(project_dir), "the folder's name and a random suffix, so another folder of the same name does not share it by chance"
    project_dir.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(CONFIG_TEMPLATE.format(name=chosen, manifests=manifests))
    return chosen, why


def _has_project(path: Path) -> bool:
    from .config_file import read_config

    config, _, problems = read_config(path.parent)
    return bool(config and config.project) or bool(problems)
