"""The desired state: the project's specs as the target API will hold them, for the planner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Collection, Mapping, Sequence

from ..errors import AsstDeployError
from ..spec import SPEC_FIELDS, AssistantSpec, Capabilities, Capable, digest, normalize

if TYPE_CHECKING:
    from ..backends.base import Target
    from ..ownership import Owner


@dataclass(frozen=True)
class Desired(Capable):
    """What the manifests ask for, already normalized by the target backend's rules."""

    project: str
    environment: str
    capabilities: Capabilities  # of the target API: what an assistant becomes, what it can hold
    specs: tuple[AssistantSpec, ...]
    targets: frozenset[str] | None = None  # --target: plan only these names
    # per name, the fields its manifest left unset that hold the API's defaults (a create shows them apart)
    defaulted: Mapping[str, frozenset[str]] = field(default_factory=dict)
    destroy: bool = False  # `asst-deploy destroy`: everything owned goes, whatever the manifests say
    rotate_credentials: bool = False  # --rotate-credentials: send every vault credential's secret again

    def fingerprint(self) -> str:
        payload = [
            self.project, self.environment, self.api, self.kind.value,
            [spec.to_json() for spec in self.specs],
        ] + (["rotate"] if self.rotate_credentials else [])
        return digest(payload)


def desired_state(
    specs: Sequence[AssistantSpec], target: Target, owner: Owner, *,
    locked: Collection[str] = (), targets: Collection[str] = (), destroy: bool = False,
    rotate_credentials: bool = False,
) -> Desired:
    """What the manifests ask for (nothing, to destroy), normalized by the target's rules.

    ``targets`` (--target) must name manifests or lockfile entries (``locked``)."""
    raw = () if destroy else tuple(specs)
    wanted = tuple(target.canonical(normalize(s, target.defaults)) for s in raw)
    chosen = frozenset(targets) if targets else None
    if chosen:
        known = {s.name for s in specs} | set(locked)
        unknown = sorted(chosen - known)
        if unknown:
            raise AsstDeployError(f"--target {', '.join(unknown)}: no such assistant; known: {', '.join(sorted(known))}")
    return Desired(
        project=owner.project,
        environment=owner.environment,
        capabilities=target.capabilities,
        specs=wanted,
        targets=chosen,
        defaulted={s.name: _defaulted(r, s) for r, s in zip(raw, wanted)},
        destroy=destroy,
        rotate_credentials=rotate_credentials and not destroy,
    )


def _defaulted(raw: AssistantSpec, normalized: AssistantSpec) -> frozenset[str]:
    """Fields the manifest left unset that normalization filled with the API's defaults."""
    empty: tuple[Any, ...] = (None, {}, [], ())
    have = normalized.comparable()
    return frozenset(f for f in SPEC_FIELDS if getattr(raw, f) in empty and have[f] not in empty)


def api_notes(api: str, specs: Sequence[AssistantSpec]) -> tuple[str, ...]:
    """What the chosen API keeps only in the manifest, so nobody thinks it was deployed."""
    if api != "assistants" and any(s.description for s in specs):
        return (f"api: {api} has no description field: descriptions stay in the manifests as documentation",)
    return ()
