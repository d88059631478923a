"""Behaviour-check evidence in a lockfile: old lockfiles read as holding none, a malformed record
proves nothing, records round-trip, and runtime lookups read a lockfile holding evidence."""

from __future__ import annotations

import json
from pathlib import Path

from asst_deploy.lock.entry import read_document, write_document
from asst_deploy.lock.evidence import Evidence, read_evidence, record_evidence
from asst_deploy.runtime import assistant_id

OLD = {"version": 1, "project": "p", "environment": "dev",
       "assistants": {"bot": {"id": "asst_1", "api": "assistants", "files": {}, "code_interpreter_files": {}}}}


def test_an_old_lockfile_holds_no_evidence_and_keeps_its_entries(tmp_path: Path) -> None:
    path = tmp_path / "assistants.dev.lock.json"
    path.write_text(json.dumps(OLD))
    lock = read_document(path, "p", "dev")
    assert read_evidence(lock) == {}
    record_evidence(lock, {"bot": Evidence("m1", "c1", 2, 2, "2026-12-08T00:00:00+00:00")})
    write_document(path, lock)
    again = read_document(path, "p", "dev")
    assert read_evidence(again) == {"bot": Evidence("m1", "c1", 2, 2, "2026-12-08T00:00:00+00:00")}
    assert again.entries["bot"].id == "asst_1"
    assert assistant_id("bot", path=path) == "asst_1"  # the runtime reads past the new key


def test_malformed_records_prove_nothing(tmp_path: Path) -> None:
    path = tmp_path / "assistants.dev.lock.json"
    path.write_text(json.dumps({**OLD, "checks": {"a": "x", "b": {"manifest": 1, "checks": "c"},
                                                  "c": {"manifest": "m", "checks": "c", "new_key": 1},
                                                  "d": {"manifest": "m", "checks": "c", "passed": 1, "cases": 2}}}))
    records = read_evidence(read_document(path, "p", "dev"))
    assert set(records) == {"c", "d"}  # unknown keys of a newer version are ignored
    assert records["c"].proves("m", "c") and not records["d"].proves("m", "c")
    assert not Evidence("m", "c", skipped="hotfix").proves("m", "c")
