"""The typed lockfile entry: the file format round-trips, and the rules about an entry exist once."""

from __future__ import annotations

import json

import pytest

from asst_deploy.lock.entry import LockDocument, LockedFile, LockEntry
from asst_deploy.lock.file import LockfileError, dump_lock, parse_lock

WRITTEN = {
    "version": 1,
    "project": "acme",
    "environment": "dev",
    "assistants": {
        "bot": {
            "id": "asst_1", "api": "assistants", "applied": "abc", "vector_store_id": "vs_1",
            "files": {"docs/a.md": {"id": "file-1", "sha256": "a" * 64}},
            "code_interpreter_files": {},
            "reasoning_effort": "high",
            "future_key": {"kept": True},
        },
        "resp": {
            "api": "responses", "responses": {"model": "gpt-4o"}, "spec": {"model": "gpt-4o"},
            "code_interpreter_files": {},
        },
    },
}


def test_a_lockfile_reads_and_writes_back_byte_for_byte():
    text = dump_lock(WRITTEN)
    doc = LockDocument.from_dict(parse_lock(text, "assistants.dev.lock.json"))
    assert dump_lock(doc.to_dict()) == text


def test_keys_a_newer_version_wrote_are_kept():
    doc = LockDocument.from_dict(WRITTEN)
    assert doc.entries["bot"].extra == {"future_key": {"kept": True}}
    assert doc.to_dict()["assistants"]["bot"]["future_key"] == {"kept": True}


@pytest.mark.parametrize("role", ["files", "code_interpreter_files", "pending_files", "retired_files"])
def test_an_entry_naming_only_a_file_object_is_not_empty(role):
    """One rule for every writer: an entry that still names a file object stays (else an orphan)."""
    entry = LockEntry()
    entry.role(role)["x"] = LockedFile("file-1", "a" * 64)
    assert not entry.is_empty()


def test_a_repair_keeps_an_entry_that_names_only_a_retired_file():
    """The repair path once used its own emptiness rule, which forgot retired_files."""
    doc = LockDocument.from_dict({"assistants": {"bot": {
        "vector_store_id": "vs_gone", "retired_files": {"file-9": {"id": "file-9", "sha256": "b" * 64}}}}})
    doc.repair({"bot": {"vector_store_id": None}})
    assert doc.to_dict()["assistants"] == {"bot": {"retired_files": {"file-9": {"id": "file-9", "sha256": "b" * 64}}}}
    doc.repair({"bot": {"retired_files": None}})
    assert doc.entries == {}


def test_attach_retires_the_replaced_object_only_when_it_is_being_deleted():
    entry = LockEntry(vector_store_id="vs_1", files={"a.md": LockedFile("file-old", "a" * 64)},
                      pending_files={"a.md": LockedFile("file-new", "b" * 64)})
    entry.attach("a.md", LockedFile("file-new", "b" * 64), deleting={"file-old"})
    assert entry.files == {"a.md": LockedFile("file-new", "b" * 64)}
    assert entry.pending_files == {}
    assert entry.retired_files == {"file-old": LockedFile("file-old", "a" * 64)}
    kept = LockEntry(files={"a.md": LockedFile("file-old", "a" * 64)})
    kept.attach("a.md", LockedFile("file-new", "b" * 64), deleting=set())  # another manifest still uses it
    assert kept.retired_files == {}


def test_forget_file_removes_it_from_every_role():
    item = LockedFile("file-1", "a" * 64)
    entry = LockEntry(files={"a.md": item}, pending_files={"b.md": item}, retired_files={"file-1": item},
                      code_interpreter_files={"c.csv": LockedFile("file-2")})
    entry.forget_file("file-1")
    assert (entry.files, entry.pending_files, entry.retired_files) == ({}, {}, {})
    assert list(entry.code_interpreter_files) == ["c.csv"]


@pytest.mark.parametrize("entry", [
    [], "asst_1", {"id": 5}, {"files": []}, {"files": {"a.md": "file-1"}}, {"files": {"a.md": {"sha256": "x"}}},
])
def test_a_malformed_entry_is_one_line_naming_the_file(entry):
    with pytest.raises(LockfileError) as caught:
        LockDocument.from_dict({"assistants": {"bot": entry}}, "assistants.dev.lock.json")
    message = str(caught.value)
    assert message.startswith("assistants.dev.lock.json: entry 'bot' is malformed") and "\n" not in message
    json.dumps(message)  # plain text, no object reprs that could hide a traceback
