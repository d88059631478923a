"""Which deployed assistants' manifests changed since their last apply.

Under ``api: assistants`` and ``agents`` the account holds an assistant's settings and the lockfile
only their digest (``applied``), so the published document makes the Responses settings from the
manifest: true only while the manifest is what was applied. An edit not applied yet, or a manifest
removed but its assistant not destroyed, would publish settings the account does not have.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ..lock.entry import LockDocument
from ..project import Project
from ..spec import normalize

if TYPE_CHECKING:
    from ..backends.api import Api


def unapplied(project: Project, lock: LockDocument) -> list[str]:
    """The lockfile's entries whose document entry would be made from a manifest that differs from
    (or no longer is) the one last applied, sorted; an api: responses entry holds its own settings."""
    named = [name for name, entry in sorted(lock.entries.items())
             if entry.responses is None and not entry.is_empty()]
    if not named:
        return []
    from ..backends import open_target

    target = open_target(project.api, cast("Api", None))  # only its rules: canonical() sends nothing
    specs = {spec.name: spec for spec in project.specs}

    def applied(name: str) -> bool:
        spec = specs.get(name)
        if spec is None:
            return False
        comparable = target.canonical(normalize(spec, target.defaults)).comparable()
        return lock.entries[name].applied == target.capabilities.applied_digest(comparable)

    return [name for name in named if not applied(name)]
