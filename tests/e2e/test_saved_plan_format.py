"""Saved plans stay readable across versions: operations carry their payload (the spec an update
sends, the paths a store keeps) in memory only, bound from the manifests on apply, so the file
holds the same keys the previous version wrote and reads."""

from __future__ import annotations

import json
from pathlib import Path

# Each operation's keys as the previous version wrote them (and passes to its constructors).
PREVIOUS_KEYS = {
    "upload_file": {"op", "name", "role", "path", "sha256", "size"},
    "create_store": {"op", "name", "expires_after"},
    "sync_store": {"op", "name", "attach", "detach", "creates_store", "reattach", "retag", "chunking_strategy"},
    "put_assistant": {"op", "name", "kind", "create", "object_id", "changed", "code_interpreter_files",
                      "code_interpreter_removed", "waits_for"},
    "delete_assistant": {"op", "name", "kind", "object_id"},
}


def test_a_saved_plan_holds_the_previous_versions_keys(cli, project: Path, tmp_path: Path) -> None:
    planfile = tmp_path / "p.json"
    cli("plan", "--out", str(planfile))
    ops = json.loads(planfile.read_text())["operations"]
    assert {op["op"] for op in ops} >= {"upload_file", "create_store", "sync_store", "put_assistant"}
    for op in ops:
        assert set(op) == PREVIOUS_KEYS[op["op"]], op


def test_a_saved_plan_without_operations_is_compiled_and_applied(cli, project: Path, tmp_path: Path) -> None:
    """A plan saved before operations existed carries only its changes: apply compiles and binds them."""
    planfile = tmp_path / "p.json"
    cli("plan", "--out", str(planfile))
    doc = json.loads(planfile.read_text())
    del doc["operations"]
    planfile.write_text(json.dumps(doc))
    assert "Apply complete! Resources: 8 created" in cli("apply", str(planfile)).stdout
    assert cli("plan", "--detailed-exitcode", code=0)


def test_a_saved_update_sends_the_manifest_it_was_made_from(cli, project: Path, tmp_path: Path) -> None:
    cli("apply", "--auto-approve")
    path = project / "assistants/math-tutor.yaml"
    path.write_text(path.read_text().replace("temperature: 0.2", "temperature: 0.7"))
    planfile = tmp_path / "p.json"
    cli("plan", "--out", str(planfile))
    assert "1 updated" in cli("apply", str(planfile)).stdout
    assert cli("plan", "--detailed-exitcode", code=0)  # the lockfile's digest is the manifest's: no drift


def test_a_saved_plan_edited_after_review_is_refused(cli, project: Path, tmp_path: Path) -> None:
    """The changes a reviewer read and the steps apply runs are the ones its inputs make: a file whose
    changes (what is read) or operations (what runs) were edited is refused, and nothing is sent."""
    cli("apply", "--auto-approve")
    path = project / "assistants/math-tutor.yaml"
    path.write_text(path.read_text().replace("temperature: 0.2", "temperature: 0.7"))
    planfile = tmp_path / "p.json"
    cli("plan", "--out", str(planfile))
    reviewed = json.loads(planfile.read_text())
    for edit in ("changes", "operations"):
        doc = json.loads(json.dumps(reviewed))
        if edit == "changes":  # the reviewer is shown another value than the one apply sends
            diff = next(c for c in doc["changes"] if c["action"] == "update")
            diff["after"]["temperature"] = 0.3
        else:  # apply would run a step the reviewer never saw
            doc["operations"].append({"op": "delete_assistant", "name": "support-bot", "kind": "assistant",
                                      "object_id": "asst_not_reviewed"})
        planfile.write_text(json.dumps(doc))
        refused = cli("apply", str(planfile), code=1)
        assert "saved plan does not hold the changes and steps" in refused.stderr, (edit, refused.stderr)
    assert cli("plan", "--detailed-exitcode", code=2)  # nothing was applied: the edit is still to make
