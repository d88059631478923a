"""What an apply tells whoever watches it, as data (after sqlmesh's console events and Terraform's
``-json`` UI messages): the applier and the backends emit these, a view (``console.py``) decides
how a terminal, ``-v`` or a JSON-lines reader sees them. A later consumer (behaviour checks,
publishing) subscribes to the same events instead of parsing progress text.

Events are frozen and hold plain values only, so any thread may emit them and ``to_json`` needs
no per-type code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable, ClassVar, Union


@dataclass(frozen=True)
class _Step:
    """Which operation of the plan (``plan/ops.py``): its key, its kind, its manifest ("-": none)."""

    key: str
    op: str
    name: str


@dataclass(frozen=True)
class StepStarted(_Step):
    kind: ClassVar[str] = "step_started"


@dataclass(frozen=True)
class StepDone(_Step):
    """Finished and saved in the lockfile; ``summary`` says what it did, for people."""

    summary: str
    object_id: str | None = None  # the object it created, changed or deleted
    kind: ClassVar[str] = "step_done"


@dataclass(frozen=True)
class StepFailed(_Step):
    error: str
    kind: ClassVar[str] = "step_failed"


@dataclass(frozen=True)
class StepProgress:
    """Part of a long step is done: ``done`` of ``total`` ``unit`` (e.g. "files attached")."""

    key: str
    address: str  # what is progressing, e.g. "vector_store.support-bot"
    done: int
    total: int
    unit: str
    kind: ClassVar[str] = "step_progress"


@dataclass(frozen=True)
class WaitingOnProcessing:
    """A vector store is still processing files the apply attached."""

    name: str
    store_id: str
    completed: int
    total: int
    kind: ClassVar[str] = "waiting_on_processing"


@dataclass(frozen=True)
class WaitingOnRateLimit:
    """Requests are held back: the server refused some (429) or its budget is spent."""

    reason: str
    seconds: float
    window: int  # requests allowed in flight meanwhile
    kind: ClassVar[str] = "waiting_on_rate_limit"


@dataclass(frozen=True)
class WaitingOnLease:
    """Another apply of this project and environment holds the account lease."""

    key: str  # project/environment
    holder: str  # who, where, since when
    kind: ClassVar[str] = "waiting_on_lease"


@dataclass(frozen=True)
class DeadLeaseDeleted:
    """The account lease a stopped apply left was deleted."""

    store_id: str
    kind: ClassVar[str] = "dead_lease_deleted"


@dataclass(frozen=True)
class CaseDone:
    """A behaviour check ran all its repeats (``asst-deploy test``): ``passes`` of ``repeats`` held."""

    assistant: str
    case: str
    result: str  # "PASS" or "FAIL"
    passes: int
    repeats: int
    kind: ClassVar[str] = "case_done"


Event = Union[StepStarted, StepDone, StepFailed, StepProgress, WaitingOnProcessing, WaitingOnRateLimit,
              WaitingOnLease, DeadLeaseDeleted, CaseDone]
EventSink = Callable[[Event], None]


def ignore(event: Event) -> None:
    """The sink of whoever watches nothing (a library call, a test of one module)."""


def to_json(event: Event) -> dict[str, Any]:
    """One JSON-lines record: ``{"event": kind, ...fields}``."""
    return {"event": event.kind, **asdict(event)}


__all__ = ["CaseDone", "DeadLeaseDeleted", "Event", "EventSink", "StepDone", "StepFailed", "StepProgress", "StepStarted",
           "WaitingOnLease", "WaitingOnProcessing", "WaitingOnRateLimit", "ignore", "to_json"]
