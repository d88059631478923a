"""A lockfile lost, truncated, not JSON, of an unknown version, or naming ids that do not exist: a
clear error or recovery from the markers, never a duplicate. And twins left by a retried create."""

from __future__ import annotations

import json
import warnings

import pytest

import faults_harness as h


def deployed(project: h.Project, seed: int = 11, n: int = 4) -> h.Walk:
    w = h.Walk(project, seed)
    for _ in range(n):
        m = w.new_manifest()
        m.files.setdefault(f"docs/{m.name}/b.md", w.text())
        m.ci_files.setdefault(f"data/{m.name}/c.csv", "k,v\n" + w.text())
        project.manifests[m.name] = m
    project.write()
    assert h.apply(project).code == 0
    return w


def test_lost_lockfile_is_rebuilt_from_markers_when_nothing_changes(project, client, emu, foreign):
    """Regression: an apply with an empty plan did not write the lockfile back (it stayed missing)."""
    deployed(project)
    before = project.read_lock()
    project.lockfile.unlink()
    doc = h.plan_doc(project)
    assert doc["summary"] == {"create": 0, "update": 0, "delete": 0}, doc["changes"]
    assert any("lockfile" in note for note in doc["notes"]), doc["notes"]
    emu.reset_counter()
    assert h.apply(project).code == 0
    assert not [k for k in emu.counter() if k.startswith(("POST", "DELETE"))], emu.counter()  # no writes
    rebuilt = project.read_lock()
    for name, entry in before["assistants"].items():
        for key in ("id", "vector_store_id", "files", "code_interpreter_files"):
            assert rebuilt["assistants"][name].get(key) == entry.get(key), (name, key)
    h.check_converged(project, client, *foreign)


def test_lockfile_missing_one_entry_is_rebuilt_while_others_change(project, client, emu, foreign):
    w = deployed(project)
    lock = project.read_lock()
    lost = sorted(lock["assistants"])[0]
    del lock["assistants"][lost]
    project.lockfile.write_text(json.dumps(lock))
    w.step()
    project.write()
    assert h.apply(project).code == 0
    h.check_converged(project, client, *foreign)


@pytest.mark.parametrize("damage", ["truncated", "not json", "unknown version", "empty"])
def test_damaged_lockfile_is_a_clear_error_then_recovery_without_duplicates(project, client, emu, foreign, damage):
    deployed(project)
    text = project.lockfile.read_text()
    project.lockfile.write_text({
        "truncated": text[: len(text) // 2],
        "not json": "<<<<<<< HEAD\n" + text,
        "unknown version": text.replace('"version": 1', '"version": 99'),
        "empty": "",
    }[damage])
    emu.reset_counter()
    result = h.apply(project)
    assert result.code == 1, result.out
    assert "assistants.lock.json" in result.err and "Traceback" not in result.err, result.err
    said = {"unknown version": "version", "not json": "git merge conflict markers"}.get(damage, "JSON")
    assert said in result.err, result.err
    assert not [k for k in emu.counter() if k.startswith(("POST", "DELETE"))]  # refused before any write
    project.lockfile.unlink()  # what the message tells the user to do: rebuilt from the markers
    assert h.apply(project).code == 0
    h.check_converged(project, client, *foreign)


@pytest.mark.parametrize("which", ["id", "vector_store_id", "file"])
def test_lockfile_naming_ids_that_do_not_exist(project, client, emu, foreign, which):
    deployed(project)
    lock = project.read_lock()
    name = sorted(lock["assistants"])[0]
    entry = lock["assistants"][name]
    if which == "file":
        path = sorted(entry["files"])[0]
        entry["files"][path]["id"] = "file-doesnotexist000000000"
    else:
        entry[which] = "asst_doesnotexist000000000" if which == "id" else "vs_doesnotexist000000000"
    project.lockfile.write_text(json.dumps(lock))
    result = h.apply(project)
    assert result.code == 0, result.err
    h.check_converged(project, client, *foreign)


def test_twin_from_a_retried_create_is_planned_as_a_delete_and_removed(project, client, emu, foreign):
    deployed(project)
    lock = project.read_lock()
    name = sorted(lock["assistants"])[0]
    m = project.manifests[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        twin = client.beta.assistants.create(model=m.model, instructions=m.instructions,
                                             metadata={h.MARKER_KEY: f"{h.PROJECT}/{h.ENV}/{name}"})
    h.TOTALS.faults_injected += 1
    doc = h.plan_doc(project)
    deletes = [c for c in doc["changes"] if c["action"] == "delete"]
    assert [(c["type"], c["id"]) for c in deletes] == [("assistant", twin.id)], doc["changes"]
    assert "second object with this marker" in deletes[0]["reason"], deletes[0]
    assert lock["assistants"][name]["id"] in deletes[0]["reason"]  # it says which one it keeps
    assert h.apply(project).code == 0
    h.check_converged(project, client, *foreign)
    assert project.read_lock()["assistants"][name]["id"] == lock["assistants"][name]["id"]


def test_twin_vector_store_and_duplicate_upload_are_removed(project, client, emu, foreign):
    deployed(project)
    lock = project.read_lock()
    name = sorted(n for n, e in lock["assistants"].items() if e.get("vector_store_id"))[0]
    store = client.vector_stores.create(name="twin", metadata={h.MARKER_KEY: f"{h.PROJECT}/{h.ENV}/{name}"})
    path, item = sorted(lock["assistants"][name]["files"].items())[0]
    content = (project.root / path).read_bytes()
    dup = client.files.create(file=(f"{h.FILE_PREFIX}{item['sha256']}~x.md", content), purpose="assistants")
    h.TOTALS.faults_injected += 2
    doc = h.plan_doc(project)
    ids = {c["id"] for c in doc["changes"] if c["action"] == "delete"}
    assert {store.id, dup.id} <= ids, doc["changes"]
    assert h.apply(project).code == 0
    h.check_converged(project, client, *foreign)


def test_kill_after_attach_before_the_lockfile_said_so_leaves_no_pending_entry(project, client, emu, foreign):
    """Regression (found by the SIGKILL walk): a kill after a file batch was accepted but before the lock
    moved the upload from pending_files to files left pending_files in the lock for ever."""
    deployed(project)
    lock = project.read_lock()
    name = sorted(n for n, e in lock["assistants"].items() if e.get("files"))[0]
    entry = lock["assistants"][name]
    path = sorted(entry["files"])[0]
    entry["pending_files"] = {path: entry["files"].pop(path)}  # the lock as the kill left it
    project.lockfile.write_text(json.dumps(lock))
    assert h.apply(project).code == 0
    assert "pending_files" not in project.read_lock()["assistants"][name]
    h.check_converged(project, client, *foreign)


def test_kill_after_deletes_before_the_lockfile_said_so_leaves_no_entry(project, client, emu, foreign):
    """Regression (found by the SIGKILL-during-destroy walk): objects a killed destroy had deleted stayed
    named in the lockfile after the next destroy, since nothing was left to delete for them."""
    deployed(project)
    lock = project.read_lock()["assistants"]
    name = sorted(n for n, e in lock.items() if e.get("vector_store_id"))[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client.beta.assistants.delete(lock[name]["id"])  # what the killed run had done
    client.vector_stores.delete(lock[name]["vector_store_id"])
    assert h.apply(project, destroy=True).code == 0
    assert project.read_lock()["assistants"] == {}
    project.manifests.clear()
    h.check_converged(project, client, *foreign, plan=False)
