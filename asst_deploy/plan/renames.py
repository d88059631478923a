"""A ``renamed_from`` that takes nothing over while the same plan deletes a name like it: a typo.

Left alone, ``renamed_from: analist`` (meant ``analyst``) plans the deletion of ``analyst`` and
the creation of its successor with a new id, and the one line that said "keep the id" is silently
a no-op. A rename that found nothing is normal once the move is done (the new name is deployed
then), so only a manifest this plan *creates* is questioned, and only when a deleted name is close.
"""

from __future__ import annotations

import difflib
from typing import Iterable

from ..errors import ManifestProblem
from ..spec import AssistantSpec, Kind
from .types import Action, Plan

_DEPLOYED_KINDS = (Kind.ASSISTANT, Kind.AGENT, Kind.RESPONSES, Kind.VECTOR_STORE)


def unmatched_renames(specs: Iterable[AssistantSpec], plan: Plan) -> list[ManifestProblem]:
    """Each ``renamed_from`` of a manifest this plan creates that moved nothing, while the plan
    deletes a similar name; positioned at the ``renamed_from`` value."""
    moved = {str(move.get("from")) for move in plan.moves.values()}
    created = {c.name for c in plan.changes if c.action is Action.CREATE and c.type in _DEPLOYED_KINDS}
    problems = []
    listed = list(specs)
    wanted = {spec.name for spec in listed}
    deleted = sorted({c.name for c in plan.changes
                      if c.action is Action.DELETE and c.type in _DEPLOYED_KINDS and c.name not in wanted})
    for spec in listed:
        if spec.name not in created:
            continue
        for index, old in enumerate(spec.renamed_from):
            close = [] if old in moved else difflib.get_close_matches(old, deleted, n=1)
            if not close:
                continue
            at = spec.renamed_from_at
            file, line, column = at[index] if index < len(at) else (spec.source, 0, 0)
            problems.append(ManifestProblem(
                file, line, column, "renamed_from",
                f"{old!r} names no assistant; did you mean {close[0]!r} (which this plan deletes)?"))
    return problems
