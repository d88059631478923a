"""Vector stores, their files and file batches through the real SDK (processing, counts, polling)."""

from __future__ import annotations

import openai
import pytest
from emulator_helpers import assert_error

from asst_deploy.emulator.store import processed_bytes

# Files stay in_progress until the test moves the emulator's clock past this (never by sleeping).
PROCESSING = 60.0
pytestmark = pytest.mark.asst_emulator(processing_seconds=PROCESSING)


@pytest.fixture
def files(openai_client):
    return [openai_client.files.create(file=(f"doc{i}.md", f"billing invoice number {i}".encode()),
                                       purpose="assistants") for i in range(3)]


def test_create_counts_and_processing(openai_client, asst_emulator, files):
    vs = openai_client.vector_stores.create(name="docs", file_ids=[f.id for f in files], metadata={"team": "b"})
    assert vs.id.startswith("vs_") and vs.object == "vector_store"
    assert vs.status == "in_progress"
    assert vs.file_counts.in_progress == 3 and vs.file_counts.total == 3 and vs.usage_bytes == 0
    assert vs.metadata == {"team": "b"} and vs.expires_at is None and vs.last_active_at == vs.created_at
    asst_emulator.advance_clock(PROCESSING / 2)
    assert openai_client.vector_stores.retrieve(vs.id).status == "in_progress"
    asst_emulator.advance_clock(PROCESSING / 2)
    done = openai_client.vector_stores.retrieve(vs.id)
    assert done.status == "completed"
    assert done.file_counts.completed == 3 and done.file_counts.in_progress == 0
    # processed size, as OpenAI reports it: more than the files' own bytes
    assert done.usage_bytes == sum(processed_bytes(f.bytes) for f in files) > sum(f.bytes for f in files)


@pytest.mark.asst_emulator(raw_usage_bytes=True)
def test_usage_bytes_can_be_the_raw_size(openai_client, asst_emulator, files):
    vs = openai_client.vector_stores.create(name="docs", file_ids=[f.id for f in files])
    asst_emulator.advance_clock(PROCESSING)
    assert openai_client.vector_stores.retrieve(vs.id).usage_bytes == sum(f.bytes for f in files)
    assert openai_client.vector_stores.files.retrieve(files[0].id, vector_store_id=vs.id).usage_bytes == files[0].bytes


def test_update_list_delete(openai_client):
    a = openai_client.vector_stores.create(name="a")
    b = openai_client.vector_stores.create(name="b", expires_after={"anchor": "last_active_at", "days": 2})
    assert b.expires_after.days == 2 and b.expires_at == b.last_active_at + 2 * 86400
    u = openai_client.vector_stores.update(a.id, name="renamed", metadata={"k": "v"})
    assert (u.name, u.metadata) == ("renamed", {"k": "v"})
    u2 = openai_client.vector_stores.update(a.id, metadata=None)
    assert u2.metadata == {} and u2.name == "renamed"
    assert [v.id for v in openai_client.vector_stores.list()] == [b.id, a.id]
    assert [v.id for v in openai_client.vector_stores.list(order="asc", limit=1)] == [a.id, b.id]
    d = openai_client.vector_stores.delete(a.id)
    assert (d.id, d.object, d.deleted) == (a.id, "vector_store.deleted", True)
    with pytest.raises(openai.NotFoundError) as exc:
        openai_client.vector_stores.retrieve(a.id)
    assert_error(exc.value, contains=f"No vector store found with id '{a.id}'.")


def test_create_refuses_unknown_files(openai_client):
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.vector_stores.create(name="x", file_ids=["file-missing"])
    assert_error(exc.value, param="file_ids[0]")


def test_vector_store_files(openai_client, asst_emulator, files):
    vs = openai_client.vector_stores.create(name="docs")
    raw = openai_client.vector_stores.files.with_raw_response.create(
        vs.id, file_id=files[0].id, attributes={"path": "docs/a.md", "size": 3, "ok": True})
    assert int(raw.headers["openai-poll-after-ms"]) > 0
    vf = raw.parse()
    assert (vf.id, vf.object, vf.vector_store_id, vf.status) == (files[0].id, "vector_store.file", vs.id, "in_progress")
    assert vf.attributes == {"path": "docs/a.md", "size": 3, "ok": True} and vf.last_error is None
    assert vf.chunking_strategy.type == "static"
    asst_emulator.advance_clock(PROCESSING)
    polled = openai_client.vector_stores.files.poll(files[0].id, vector_store_id=vs.id)
    assert polled.status == "completed" and polled.usage_bytes == processed_bytes(files[0].bytes)
    openai_client.vector_stores.files.create(vs.id, file_id=files[1].id,
                                             chunking_strategy={"type": "static", "static": {
                                                 "max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100}})
    assert [f.id for f in openai_client.vector_stores.files.list(vs.id, filter="in_progress")] == [files[1].id]
    assert [f.id for f in openai_client.vector_stores.files.list(vs.id, filter="completed")] == [files[0].id]
    updated = openai_client.vector_stores.files.update(files[0].id, vector_store_id=vs.id, attributes={"v": 2})
    assert updated.attributes == {"v": 2}
    content = openai_client.vector_stores.files.content(files[0].id, vector_store_id=vs.id)
    assert [c.text for c in content] == ["billing invoice number 0"]
    d = openai_client.vector_stores.files.delete(files[0].id, vector_store_id=vs.id)
    assert (d.id, d.object, d.deleted) == (files[0].id, "vector_store.file.deleted", True)
    with pytest.raises(openai.NotFoundError):
        openai_client.vector_stores.files.retrieve(files[0].id, vector_store_id=vs.id)
    assert openai_client.files.retrieve(files[0].id).id == files[0].id  # the file itself stays


@pytest.mark.parametrize(
    ("body", "param", "code"),
    [
        ({"file_id": "file-nope"}, "file_id", "invalid_value"),
        ({}, "file_id", "missing_required_parameter"),
        ({"file_id": "F", "attributes": {f"k{i}": 1 for i in range(17)}}, "attributes", "object_above_max_properties"),
        ({"file_id": "F", "attributes": {"k": [1]}}, "attributes.k", "invalid_type"),
        ({"file_id": "F", "chunking_strategy": {"type": "static", "static": {"max_chunk_size_tokens": 200,
                                                                            "chunk_overlap_tokens": 150}}},
         "chunking_strategy.static.chunk_overlap_tokens", "invalid_value"),
        ({"file_id": "F", "chunking_strategy": {"type": "static"}}, "chunking_strategy.static",
         "missing_required_parameter"),
    ],
)
def test_vector_store_file_validation(openai_client, files, body, param, code):
    vs = openai_client.vector_stores.create(name="docs")
    if body.get("file_id") == "F":
        body = {**body, "file_id": files[0].id}
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.post(f"/vector_stores/{vs.id}/files", body=body, cast_to=object)
    assert_error(exc.value, param=param, code=code)


def test_list_filter_is_validated(openai_client):
    vs = openai_client.vector_stores.create(name="docs")
    with pytest.raises(openai.BadRequestError) as exc:
        openai_client.vector_stores.files.list(vs.id, filter="done")  # type: ignore[arg-type]
    assert_error(exc.value, param="filter", code="invalid_value")


def test_file_batches(openai_client, asst_emulator, files):
    vs = openai_client.vector_stores.create(name="docs")
    batch = openai_client.vector_stores.file_batches.create(vs.id, file_ids=[f.id for f in files[:2]],
                                                            attributes={"source": "docs"})
    assert batch.id.startswith("vsfb_") and batch.object == "vector_store.files_batch"
    assert batch.status == "in_progress" and batch.file_counts.in_progress == 2
    asst_emulator.advance_clock(PROCESSING)
    done = openai_client.vector_stores.file_batches.poll(batch.id, vector_store_id=vs.id)
    assert done.status == "completed" and done.file_counts.completed == 2 and done.file_counts.total == 2
    listed = openai_client.vector_stores.file_batches.list_files(batch.id, vector_store_id=vs.id)
    assert sorted(f.id for f in listed) == sorted(f.id for f in files[:2])
    assert {f.attributes["source"] for f in listed} == {"docs"}
    # per-file attributes, as the spec allows
    b2 = openai_client.vector_stores.file_batches.create(
        vs.id, files=[{"file_id": files[2].id, "attributes": {"path": "c.md"}}])
    (only,) = openai_client.vector_stores.file_batches.list_files(b2.id, vector_store_id=vs.id).data
    assert only.attributes == {"path": "c.md"}
    assert openai_client.vector_stores.retrieve(vs.id).file_counts.total == 3


def test_cancel_batch(openai_client, asst_emulator, files):
    vs = openai_client.vector_stores.create(name="docs")
    batch = openai_client.vector_stores.file_batches.create(vs.id, file_ids=[f.id for f in files])
    cancelled = openai_client.vector_stores.file_batches.cancel(batch.id, vector_store_id=vs.id)
    assert cancelled.status == "cancelled" and cancelled.file_counts.cancelled == 3
    asst_emulator.advance_clock(PROCESSING)  # a cancelled file stays cancelled once it would have finished
    assert openai_client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=vs.id).status == "cancelled"
    assert len(openai_client.vector_stores.files.list(vs.id, filter="cancelled").data) == 3
    counts = openai_client.vector_stores.retrieve(vs.id).file_counts
    assert (counts.cancelled, counts.completed, counts.total) == (3, 0, 3)


def test_batch_body_rules(openai_client, files):
    vs = openai_client.vector_stores.create(name="docs")
    for body, param in [
        ({}, "files"),
        ({"file_ids": [files[0].id], "files": [{"file_id": files[0].id}]}, "file_ids"),
        ({"file_ids": []}, "file_ids"),
        ({"file_ids": ["file-nope"]}, "file_ids[0]"),
        ({"files": [{"file_id": "file-nope"}]}, "files[0].file_id"),
    ]:
        with pytest.raises(openai.BadRequestError) as exc:
            openai_client.post(f"/vector_stores/{vs.id}/file_batches", body=body, cast_to=object)
        assert_error(exc.value, param=param)
    with pytest.raises(openai.NotFoundError):
        openai_client.vector_stores.file_batches.retrieve("vsfb_nope", vector_store_id=vs.id)


def test_search(openai_client, asst_emulator, files):
    vs = openai_client.vector_stores.create(name="docs", file_ids=[f.id for f in files])
    assert list(openai_client.vector_stores.search(vs.id, query="invoice")) == []  # still processing
    asst_emulator.advance_clock(PROCESSING)
    hits = list(openai_client.vector_stores.search(vs.id, query="invoice number 2", max_num_results=2))
    assert len(hits) == 2 and hits[0].file_id == files[2].id and hits[0].score == 1.0
    assert hits[0].content[0].text.startswith("billing")
