"""Vector-store settings and per-file attributes (issue 15): declared in the manifest, applied
through the real SDK, planned field by field, and a plan right after apply is empty. A changed
chunking strategy re-attaches the files it applies to (the API chunks a file when it is attached),
and the plan says so; an expired store is replaced by a new one holding the same files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openai
import pytest
from support.cli import Cli
from support.projects import write_project

from asst_deploy.emulator import Emulator

MANIFEST = """\
name: a
model: gpt-4o
tools:
  - type: file_search
    filters: {type: eq, key: lang, value: en}
files:
  - docs/a.md
  - path: docs/[bc].md
    attributes: {lang: en, year: 2024, draft: false}
vector_store:
  expires_after: {anchor: last_active_at, days: 7}
  chunking_strategy: {type: static, static: {max_chunk_size_tokens: 400, chunk_overlap_tokens: 100}}
"""
FILES = {"docs/a.md": "# A\nrefunds\n", "docs/b.md": "# B\nrefunds\n", "docs/c.md": "# C\nrefunds\n"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "p", {"asst-deploy.yaml": "project: p\napi: responses\n",
                                          "assistants/a.yaml": MANIFEST, **FILES})


def _members(emulator: Emulator, store_id: str) -> dict[str, Any]:
    client = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)
    return {m.attributes["path"]: m for m in client.vector_stores.files.list(store_id)}


def _lock(root: Path) -> dict[str, Any]:
    return json.loads((root / "assistants.lock.json").read_text())["assistants"]["a"]


LEASE = ("POST /v1/vector_stores", "DELETE /v1/vector_stores/{id}")  # apply's account lease (a marker store)


def _writes(emulator: Emulator) -> list[str]:
    return sorted(k for k in emulator.counter() if k.startswith(("POST", "DELETE")) and k not in LEASE)


def test_attributes_are_set_changed_in_place_and_settle(project: Path) -> None:
    with Emulator() as emulator:
        cli = Cli(project=project, emulator=emulator)
        cli("apply", "--auto-approve")
        store = _lock(project)["vector_store_id"]
        members = _members(emulator, store)
        assert {k: v for k, v in members["docs/b.md"].attributes.items() if k != "sha256"} == {
            "path": "docs/b.md", "lang": "en", "year": 2024, "draft": False}
        assert set(members["docs/a.md"].attributes) == {"path", "sha256"}
        client = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)
        hits = client.vector_stores.search(store, query="refunds", filters={"type": "eq", "key": "lang", "value": "en"})
        assert sorted(h.attributes["path"] for h in hits) == ["docs/b.md", "docs/c.md"]  # filters see them

        (project / "assistants/a.yaml").write_text(MANIFEST.replace("year: 2024, draft: false", "year: 2025"))
        plan = cli("plan", "--detailed-exitcode", code=2).output
        assert "file.a:docs/b.md" in plan and "will get new attributes in place" in plan
        assert "attributes.year: 2024 -> 2025" in plan and "attributes.draft: false -> (unset)" in plan
        emulator.reset_counter()
        cli("apply", "--auto-approve")
        writes = _writes(emulator)
        assert writes and all(k.startswith("POST /v1/vector_stores/{id}/files/{id}") for k in writes), writes
        assert {k: v for k, v in _members(emulator, store)["docs/c.md"].attributes.items() if k != "sha256"} == {
            "path": "docs/c.md", "lang": "en", "year": 2025}
        assert _lock(project)["files"]["docs/c.md"]["attributes"] == {"lang": "en", "year": 2025}
        cli("plan", "--detailed-exitcode")


def test_expiry_and_chunking_are_applied_and_a_new_strategy_reattaches(project: Path) -> None:
    with Emulator() as emulator:
        cli = Cli(project=project, emulator=emulator)
        cli("apply", "--auto-approve")
        store_id = _lock(project)["vector_store_id"]
        client = openai.OpenAI(base_url=emulator.base_url, api_key="sk-test", max_retries=0)
        assert client.vector_stores.retrieve(store_id).expires_after.days == 7
        static = {m.chunking_strategy.static.max_chunk_size_tokens for m in _members(emulator, store_id).values()}
        assert static == {400}
        cli("plan", "--detailed-exitcode")

        (project / "assistants/a.yaml").write_text(MANIFEST.replace("days: 7", "days: 30").replace(
            "max_chunk_size_tokens: 400", "max_chunk_size_tokens: 800").replace("year: 2024", "year: 2025"))
        plan = cli("plan", "--detailed-exitcode", code=2).output
        assert "vector_store.expires_after.days: 7 -> 30" in plan
        assert "vector_store.chunking_strategy.static.max_chunk_size_tokens: 400 -> 800" in plan
        assert "3 file(s) in the store are detached and attached again" in plan
        emulator.reset_counter()
        cli("apply", "--auto-approve")
        assert not any(k.startswith("POST /v1/files") for k in emulator.counter())  # nothing uploaded
        # the re-attached files carry their new attributes: no separate update of each
        assert "POST /v1/vector_stores/{id}/files/{id}" not in emulator.counter()
        assert _members(emulator, store_id)["docs/b.md"].attributes["year"] == 2025
        assert client.vector_stores.retrieve(store_id).expires_after.days == 30
        assert {m.chunking_strategy.static.max_chunk_size_tokens for m in _members(emulator, store_id).values()} == {800}
        cli("plan", "--detailed-exitcode")

        # settings removed: the store never expires, and the files are chunked the API's way again
        (project / "assistants/a.yaml").write_text(MANIFEST.split("vector_store:")[0])
        plan = cli("plan", "--detailed-exitcode", code=2).output
        assert "it no longer expires" in plan and "- vector_store.expires_after: {anchor: last_active_at, days: 30}" in plan
        assert 'vector_store.chunking_strategy.type: "static" -> "auto"' in plan
        cli("apply", "--auto-approve")
        assert client.vector_stores.retrieve(store_id).expires_after is None
        assert "chunking_strategy" not in _lock(project)
        cli("plan", "--detailed-exitcode")


def test_an_expired_store_is_replaced_with_the_same_files(project: Path) -> None:
    with Emulator() as emulator:
        cli = Cli(project=project, emulator=emulator)
        cli("apply", "--auto-approve")
        old_store, files = _lock(project)["vector_store_id"], _lock(project)["files"]
        emulator.advance_clock(8 * 86400)
        plan = cli("plan", "--detailed-exitcode", code=2).output
        assert "it expired (vector_store.expires_after)" in plan and "+ vector_store.a will be created" in plan
        emulator.reset_counter()
        cli("apply", "--auto-approve")
        assert not any(k.startswith("POST /v1/files") for k in emulator.counter())
        lock = _lock(project)
        assert lock["vector_store_id"] != old_store
        assert {p: f["id"] for p, f in lock["files"].items()} == {p: f["id"] for p, f in files.items()}
        assert lock["responses"]["tools"][0]["vector_store_ids"] == [lock["vector_store_id"]]
        cli("plan", "--detailed-exitcode")


REFUSED = [
    ("  - path: docs/b.md\n    attributes: {path: x}\n", "files[1].attributes.path", "asst-deploy's own"),
    ("  - path: docs/b.md\n    attributes: {" + ", ".join(f"k{i}: 1" for i in range(15)) + "}\n",
     "files[1].attributes", "at most 14"),
    ("  - path: docs/b.md\n    attributes: {lang: " + "x" * 513 + "}\n", "files[1].attributes.lang", "512"),
    ("  - path: docs/b.md\n    attributes: {lang: en}\n  - path: docs/*.md\n    attributes: {lang: fr}\n",
     "files[2]", "also listed by files[1] with other attributes"),
    ("  - path: docs/same.md\n    attributes: {lang: en}\n", "files", "have the same content"),
    ("vector_store:\n  chunking_strategy: {type: static, static: {max_chunk_size_tokens: 400, "
     "chunk_overlap_tokens: 201}}\n", "chunk_overlap_tokens", "more than half"),
    ("vector_store:\n  chunking_strategy: {type: static, static: {max_chunk_size_tokens: 5000, "
     "chunk_overlap_tokens: 1}}\n", "max_chunk_size_tokens", "between 100 and 4096"),
    ("vector_store:\n  expires_after: {anchor: last_active_at, days: 400}\n", "vector_store.expires_after.days",
     "between 1 and 365"),
    ("vector_store:\n  expires_after: {anchor: created_at, days: 4}\n", "vector_store.expires_after.anchor",
     "last_active_at"),
]


@pytest.mark.parametrize(("extra", "where", "says"), REFUSED)
def test_what_the_api_would_refuse_is_refused_by_validate(tmp_path: Path, extra: str, where: str, says: str) -> None:
    body = "name: a\nmodel: gpt-4o\ntools: [{type: file_search}]\nfiles:\n  - docs/a.md\n"
    body += extra if extra.startswith("  ") else extra
    root = write_project(tmp_path / "p", {"asst-deploy.yaml": "project: p\n", "assistants/a.yaml": body, **FILES,
                                          "docs/same.md": FILES["docs/a.md"]})
    result = Cli(project=root)("validate", code=1)
    assert "assistants/a.yaml:" in result.output and where in result.output and says in result.output, result.output


def test_store_settings_need_files_and_an_api_with_stores(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"asst-deploy.yaml": "project: p\napi: agents\n", "assistants/a.yaml": (
        "name: a\nmodel: gpt-4o\nvector_store:\n  expires_after: {anchor: last_active_at, days: 3}\n")})
    out = Cli(project=root)("validate", code=1).output
    assert "assistants/a.yaml:4:3: vector_store: not available with api: agents" in out, out
    assert "vector_store settings need retrieval files" in out, out


def test_a_new_store_and_files_show_their_settings_and_attributes(project: Path) -> None:
    plan = Cli(project=project, backend="local")("plan").output
    store = plan.split("+ vector_store.a will be created")[1].split("\n\n")[0]
    assert "expires_after: {anchor: last_active_at, days: 7}" in store and "type: static" in store, plan
    b = plan.split("+ file.a:docs/b.md will be uploaded")[1].split("\n\n")[0]
    assert '+ attributes: {"draft": false, "lang": "en", "year": 2024}' in b, plan
    assert "attributes" not in plan.split("+ file.a:docs/a.md will be uploaded")[1].split("\n\n")[0]
