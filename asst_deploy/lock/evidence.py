"""Behaviour-check evidence in a lockfile: which manifest content passed its checks, and when.

It lives beside the entries, under the lockfile's top-level ``checks`` key (a lockfile without it
reads as one without evidence; an older asst-deploy keeps the key as it is), because it is about a
manifest's content, not about objects on the account: ``asst-deploy test`` writes a passing run
here, and an environment that promotes from this one reads it. A deploy that skipped the checks
records its reason in its own lockfile the same way. Stdlib only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .entry import LockDocument

KEY = "checks"


@dataclass(frozen=True)
class Evidence:
    """One assistant's record: the digests of its manifest (before environment overlays) and of its
    checks, how many cases ran and passed, when, and the reason given when checks were skipped."""

    manifest: str
    checks: str
    cases: int = 0
    passed: int = 0
    at: str = ""
    skipped: str | None = None

    def proves(self, manifest: str, checks: str) -> bool:
        """A pass of exactly this content (a skip proves nothing)."""
        return (self.skipped is None and self.passed == self.cases
                and (self.manifest, self.checks) == (manifest, checks))

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def read_evidence(lock: LockDocument) -> dict[str, Evidence]:
    """Every record the lockfile holds, by assistant name; malformed records are left out (they prove
    nothing, and the next pass writes them anew)."""
    records = lock.extra.get(KEY)
    out: dict[str, Evidence] = {}
    if not isinstance(records, Mapping):
        return out
    for name, record in records.items():
        if not isinstance(record, Mapping) or not all(isinstance(record.get(k), str) for k in ("manifest", "checks")):
            continue
        try:
            out[str(name)] = Evidence(**{k: record[k] for k in record if k in Evidence.__dataclass_fields__})
        except TypeError:
            continue
    return out


def record_evidence(lock: LockDocument, records: Mapping[str, Evidence]) -> None:
    """Set these assistants' records (others are kept)."""
    current = lock.extra.get(KEY)
    merged = dict(current) if isinstance(current, Mapping) else {}
    merged.update({name: evidence.to_dict() for name, evidence in records.items()})
    lock.extra[KEY] = dict(sorted(merged.items()))
