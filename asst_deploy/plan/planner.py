"""The planner: a pure function from (desired, observed, lock) to a Plan. No I/O.

The comparing is ``plan.compare``'s: one comparator per kind of object (after alembic's
autogenerate). Which API an assistant lives in is invisible here: specs are API-neutral
(``spec.py``) and ``Desired`` names the kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from ..account.observed import Observed, ObservedAssistant
from ..lock.entry import USAGE_KEY, LockDocument, LockEntry, entries_to_dict
from ..spec import digest
from .compare import build_context, compare
from .compare.assistant import field_diffs
from .compare.context import Move
from .desired import Desired
from .types import Change, Fingerprints, Plan, display_order

if TYPE_CHECKING:
    from .ops import Operation

__all__ = ["Desired", "adopted_digest", "lock_fingerprint", "plan"]


def lock_fingerprint(lock: LockDocument) -> str:
    """What the entries name; not the stores' last seen usage, which a no-op apply may record."""
    entries = entries_to_dict(lock.entries)
    return digest({name: {k: v for k, v in entry.items() if k != USAGE_KEY} for name, entry in entries.items()})


def _fingerprints(observed: Observed, desired: Desired, lock: str) -> Callable[[], tuple[str, str, str]]:
    return lambda: (observed.fingerprint(), desired.fingerprint(), lock)


def plan(desired: Desired, observed: Observed, lock: LockDocument) -> Plan:
    """Compare manifests with what exists and list the changes that make them agree."""
    ctx = build_context(desired, observed, lock.entries)
    found = compare(ctx)
    moves = {new: move.keeping(found.changes) for new, move in ctx.moves.items()}
    return Plan(
        project=desired.project,
        environment=desired.environment,
        api=desired.api,
        changes=display_order(found.changes),
        operations=_operations(found.changes, desired, moves),
        moves={new: move.to_json() for new, move in moves.items()},
        # the account's and the manifests' made on first use: only a saved plan needs them (the
        # lock's now: an apply changes the lock later)
        fingerprints=Fingerprints(make=_fingerprints(observed, desired, lock_fingerprint(lock))),
        notes=tuple(found.findings.notes) + _lease_notes(observed.dead_leases),
        unchanged=tuple(found.findings.unchanged),
        lock_repairs=found.findings.repairs,
        store_usage=found.findings.usage,
        destroy=desired.destroy,
        dead_leases=observed.dead_leases,
    )


def _operations(changes: Sequence[Change], desired: Desired, moves: Mapping[str, Move]) -> tuple[Operation, ...]:
    """What apply would send; none for a plan with nothing to do, which then never imports the
    operations' classes (a no-op plan in CI is the common case, and its import cost is paid on every run)."""
    if not changes and not moves:
        return ()
    from .compile import compile_operations

    return compile_operations(changes, desired, moves)


def _lease_notes(leases: Sequence[str]) -> tuple[str, ...]:
    if not leases:
        return ()
    return (f"the account lease of an apply that was stopped is still there ({', '.join(leases)}): "
            "the next apply deletes it",)


def adopted_digest(desired: Desired, observed: ObservedAssistant) -> str:
    """The ``applied`` digest of an object ``import`` adopts: the account's side as the planner will
    compare it, so that after an import a manifest edit reads as an edit and an account edit as drift."""
    ctx = build_context(desired, Observed(assistants=(observed,)), {})
    spec = next(s for s in desired.specs if s.name == observed.name)
    _, seen = field_diffs(ctx, observed.spec.comparable(), spec.comparable(), LockEntry())
    return ctx.digest(seen)
