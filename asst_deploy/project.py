"""A loaded project: what plan and apply work from, and how it is loaded.

``load_project`` builds it from the files (:mod:`asst_deploy.assemble`: YAML, the manifest models,
every spec); :mod:`asst_deploy.project_cache` gives ``plan`` a project whose files have not changed
since it was built without building it again. Importing this module imports neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from . import config as cfg
from .lock.file import LockfileError, read_lock
from .lock.locate import DEFAULT_ENV
from .spec import AssistantSpec

if TYPE_CHECKING:
    from .manifest.checks import CheckSuite


@dataclass(frozen=True)
class Project:
    """A loaded project for one environment and API: what plan and apply work from."""

    root: Path
    config: cfg.ProjectConfig
    environment: str
    api: str
    specs: tuple[AssistantSpec, ...]
    lockfile: Path
    warnings: tuple[str, ...] = ()  # files in the manifests folder that are not read, named
    overridden: tuple[str, ...] = ()  # manifest values this environment replaces, for the plan's notes
    left_behind: tuple[str, ...] = ()  # what the environment before `environments:` holds, for the notes
    checks: Mapping[str, CheckSuite] = field(default_factory=dict)  # name -> its behaviour checks
    # name -> the digest of the manifest itself (defaults under it, no environment over it) that a
    # passing test records; made only when a manifest has checks or an environment promotes
    own_digests: Mapping[str, str] = field(default_factory=dict)


def load_project(project_dir: Path, env: str | None = None, api: str | None = None) -> Project:
    """The project for one environment, built from its files, or ValidationFailed with every
    problem of every file."""
    from .assemble import assemble

    return assemble(project_dir, env, api).project


def notes_left_behind(root: Path, config: cfg.ProjectConfig, chosen: str) -> tuple[str, ...]:
    """A note when environments were declared in a deployed project: its objects stay in the
    environment 'default' (same ids, markers and lockfile) rather than move, so nothing is created
    twice by a takeover a reviewer never saw; the note says how to reach them."""
    if not config.environments or DEFAULT_ENV in config.environments or chosen == DEFAULT_ENV:
        return ()
    path = cfg.lockfile_path(root, config, DEFAULT_ENV)
    try:
        names = sorted(read_lock(path, config.project or "", DEFAULT_ENV).get("assistants") or {})
    except (OSError, LockfileError):  # unreadable: `plan --env default` says why
        names = [] if not path.exists() else ["?"]
    if not names:
        return ()
    return (f"environment '{DEFAULT_ENV}' (this project before asst-deploy.yaml declared environments) still "
            f"holds {len(names)} assistant(s) that {path.name} names ({', '.join(names[:5])}"
            f"{', ...' if len(names) > 5 else ''}); they are not {chosen!r}'s: `asst-deploy plan --env "
            f"{DEFAULT_ENV}` shows them, `asst-deploy destroy --env {DEFAULT_ENV}` deletes them",)
