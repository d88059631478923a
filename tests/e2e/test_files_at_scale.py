"""Files at scale: hashing in chunks (memory flat whatever the size), uploads streamed and checked
against the plan's hash (also when a 429 makes the body go out again), and attaches in batches of
the API's largest size with progress counts."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from asst_deploy.backends.client import Connection, open_client
from asst_deploy.backends.storage import BATCH, Storage
from asst_deploy.hashing import HashingReader
from asst_deploy.manifest.resolve import Resolver
from asst_deploy.ownership import Owner

MB = 1 << 20


def test_hashing_a_large_file_keeps_memory_flat(tmp_path: Path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:  # sparse: 48 MB without writing them
        handle.truncate(48 * MB)
    tracemalloc.start()
    try:
        spec = Resolver(tmp_path).file_spec("big.bin")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert spec.size == 48 * MB
    assert spec.sha256 == hashlib.sha256(bytes(48 * MB)).hexdigest()
    assert peak < 4 * MB  # read whole, it would be 48 MB


@pytest.fixture
def client(asst_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-files-0123")
    with open_client(Connection(backend="openai", base_url=asst_emulator.base_url, max_retries=0)) as c:
        yield c


def test_uploads_stream_and_hash_what_was_sent_even_when_sent_twice(asst_emulator, client, tmp_path: Path):
    asst_emulator.set_faults(rate_limit_every=2, retry_after_s=0.01)  # one of the two uploads goes out twice
    storage = Storage(client)
    for i in range(2):
        path = tmp_path / f"doc{i}.md"
        path.write_bytes(b"line\n" * (40_000 + i))
        with open(path, "rb") as handle:
            reader = HashingReader(handle)
            file_id = storage.upload(Owner("p", "dev").filename(hashlib.sha256(path.read_bytes()).hexdigest(),
                                                                 path.name), reader)
        assert reader.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()
        assert reader.size == path.stat().st_size
        assert next(f.bytes for f in storage.list_files() if f.id == file_id) == path.stat().st_size
    # one request after another: upload, list (refused, again), upload (refused, again), list (refused, again)
    assert asst_emulator.counter()["POST /v1/files"] == 3 and asst_emulator.rate_limited() == 3


def test_a_large_store_attaches_in_batches_of_the_api_limit_with_counts(asst_emulator, client):
    storage = Storage(client)
    file_id = storage.upload("a.md", b"# A\n")
    store_id = storage.create_store("s", {})
    members = [(file_id, {"path": f"docs/{i}.md"}) for i in range(BATCH + 1)]
    said: list[int] = []
    storage.attach(store_id, members, progress=said.append)
    assert asst_emulator.counter()["POST /v1/vector_stores/{id}/file_batches"] == 2
    assert said == [BATCH, BATCH + 1]
