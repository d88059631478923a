"""The planner's comparators, one module per kind of object, and the dispatcher that runs them.

Each comparator is a set of pure functions of a ``Context`` (the plan's inputs, indexed) and what
exists for one manifest name (``Current``); what they record besides changes (lock repairs, store
usage, notes) goes into ``Findings``.
"""

from .context import DESTROY_REASON, Context, Findings, Move, build_context
from .dispatch import Comparison, compare

__all__ = ["DESTROY_REASON", "Comparison", "Context", "Findings", "Move", "build_context", "compare"]
