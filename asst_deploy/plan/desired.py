"""The desired state: the project's specs as the target API will hold them, for the planner."""

from __future__ import annotations

from typing import TYPE_CHECKING, Collection, Sequence

from ..errors import AsstDeployError
from ..spec import AssistantSpec, normalize
from .planner import Desired

if TYPE_CHECKING:
    from ..backends.base import Target
    from ..ownership import Owner


def desired_state(
    specs: Sequence[AssistantSpec], target: Target, owner: Owner, api: str, *,
    locked: Collection[str] = (), targets: Collection[str] = (), destroy: bool = False,
) -> Desired:
    """What the manifests ask for (nothing, to destroy), normalized by the target's rules.

    ``targets`` (--target) must name manifests or lockfile entries (``locked``)."""
    wanted = () if destroy else tuple(target.canonical(normalize(s, target.defaults)) for s in specs)
    chosen = frozenset(targets) if targets else None
    if chosen:
        known = {s.name for s in specs} | set(locked)
        unknown = sorted(chosen - known)
        if unknown:
            raise AsstDeployError(f"--target {', '.join(unknown)}: no such assistant; known: {', '.join(sorted(known))}")
    return Desired(
        project=owner.project,
        environment=owner.environment,
        api=api,
        kind=target.kind,
        specs=wanted,
        ignore_unset=target.ignore_unset,
        write_only=target.write_only,
        targets=chosen,
    )


def api_notes(api: str, specs: Sequence[AssistantSpec]) -> tuple[str, ...]:
    """What the chosen API keeps only in the manifest, so nobody thinks it was deployed."""
    if api != "assistants" and any(s.description for s in specs):
        return (f"api: {api} has no description field: descriptions stay in the manifests as documentation",)
    return ()
