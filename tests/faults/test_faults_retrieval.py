"""Retrieval files (issue 13): renames, content swaps, identical contents, globs that match the
tool's own files, stale and hand-attached store members. Each ends with the account, the lockfile
and the manifests agreeing, the next plan empty, and no foreign object changed."""

from __future__ import annotations

import signal
from typing import Any

import pytest
import yaml

import faults_harness as h
from support.waiting import wait_until


def one_bot(project: h.Project, files: dict[str, str]) -> h.Manifest:
    m = h.Manifest("bot", instructions="Answer from the documents.")
    m.files = dict(files)
    project.manifests = {m.name: m}
    project.write()
    return m


def applied(project: h.Project, client: Any, foreign: Any) -> None:
    result = h.apply(project)
    assert result.code == 0, result.out[-2000:] + result.err
    h.check_converged(project, client, *foreign)


def store_members(client: Any, project: h.Project, name: str = "bot") -> list[Any]:
    store_id = project.read_lock()["assistants"][name]["vector_store_id"]
    return list(client.vector_stores.files.list(store_id, limit=100))


def test_renamed_file_with_the_same_content_stays_in_the_store(project, client, emu, foreign):
    """Regression: the file was attached under its new path, then detached as the old path's member."""
    m = one_bot(project, {"docs/bot/a.md": "refund policy\n"})
    applied(project, client, foreign)
    m.files = {"docs/bot/b.md": "refund policy\n"}
    project.write()
    # the plan says what happens: a rename in the store, not a detach and an attach
    doc = h.plan_doc(project)
    assert doc["summary"] == {"create": 0, "update": 0, "delete": 0, "rename": 1}, doc["changes"]
    for form, said in (("text", "will be renamed (the document stays in the store)"), ("markdown", "↪ rename")):
        shown = h._cli(project)("plan", "--format", form).stdout
        old_line = next(line for line in shown.splitlines() if "docs/bot/a.md" in line and "file.bot" in line)
        assert said in old_line and "will be detached" not in old_line and "➖ detach" not in old_line, shown
        assert "another manifest" not in shown and "1 renamed in their store" in shown, shown
    result = h.apply(project)
    assert result.code == 0 and "1 attached, 0 detached" in result.out + result.err, result.out[-2000:] + result.err
    h.check_converged(project, client, *foreign)
    (member,) = store_members(client, project)
    assert member.attributes["path"] == "docs/bot/b.md"


def test_swapped_contents_of_two_files_stay_in_the_store(project, client, emu, foreign):
    """Regression: swapping two files' contents left the store empty."""
    m = one_bot(project, {"docs/bot/a.md": "alpha\n", "docs/bot/b.md": "beta\n"})
    applied(project, client, foreign)
    m.files = {"docs/bot/a.md": "beta\n", "docs/bot/b.md": "alpha\n"}
    project.write()
    applied(project, client, foreign)
    by_path = {x.attributes["path"]: x.attributes["sha256"] for x in store_members(client, project)}
    assert by_path == {"docs/bot/a.md": h.sha("beta\n"), "docs/bot/b.md": h.sha("alpha\n")}


@pytest.mark.parametrize("content", ["same words\n", ""], ids=["text", "empty"])
def test_identical_contents_in_one_manifest_settle(project, client, emu, foreign, content):
    """Regression: a store holds a file object once, so two paths with one content never settled."""
    m = one_bot(project, {"docs/bot/a.md": content, "docs/bot/b.md": content, "docs/bot/c.md": "other\n"})
    applied(project, client, foreign)
    lock = project.read_lock()["assistants"]["bot"]
    assert sorted(lock["files"]) == ["docs/bot/a.md", "docs/bot/b.md", "docs/bot/c.md"]
    assert lock["files"]["docs/bot/a.md"]["id"] == lock["files"]["docs/bot/b.md"]["id"]
    # dropping one of the two paths keeps the content in the store for the other
    del m.files["docs/bot/a.md"]
    project.write()
    applied(project, client, foreign)
    assert sorted(project.read_lock()["assistants"]["bot"]["files"]) == ["docs/bot/b.md", "docs/bot/c.md"]


def write_raw_manifest(project: h.Project, doc: dict[str, Any]) -> None:
    (project.root / "assistants").mkdir(exist_ok=True)
    (project.root / "assistants" / f"{doc['name']}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


@pytest.mark.parametrize("pattern", ["*", "**/*.json", "**/*", "[a-z]*"])
def test_globs_never_take_the_tools_own_files(project, client, emu, foreign, pattern):
    """Regression: `files: ['*']` or `**/*.json` uploaded the lockfile, and every apply changed it again."""
    (project.root / "docs").mkdir()
    (project.root / "docs" / "faq.json").write_text('{"q": "refunds"}\n')
    (project.root / "notes.md").write_text("top-level notes\n")
    for own in (".asst-deploy/locks/default.holder.json", ".git/config", ".asst-deploy/state.json"):
        (project.root / own).parent.mkdir(parents=True, exist_ok=True)
        (project.root / own).write_text("{}\n")
    patterns = [pattern, "docs/faq.json"]
    write_raw_manifest(project, {"name": "bot", "model": "gpt-4o-mini", "instructions": "x",
                                 "tools": [{"type": "file_search"}], "files": patterns})
    assert h.apply(project).code == 0
    assert h.apply(project).code == 0  # the lockfile written by the first apply is not a new file
    doc = h.plan_doc(project)
    assert doc["summary"] == {"create": 0, "update": 0, "delete": 0}, doc["changes"]
    paths = sorted(project.read_lock()["assistants"]["bot"]["files"])
    assert not [p for p in paths if p.endswith("lock.json") or p.startswith((".git/", ".asst-deploy/", "assistants/"))
                or p == "asst-deploy.yaml"], paths


@pytest.mark.parametrize("path", ["assistants.lock.json", "asst-deploy.yaml", ".git/config", ".git/*",
                                  ".asst-deploy/**/*", "assistants.prod.lock.json", "assistants/bot.yaml",
                                  "assistants/*"])
def test_naming_the_tools_own_files_is_refused_in_validate(project, path):
    for own in ("assistants.lock.json", "assistants.prod.lock.json", ".git/config", ".asst-deploy/state.json"):
        (project.root / own).parent.mkdir(parents=True, exist_ok=True)
        (project.root / own).write_text("{}\n")
    write_raw_manifest(project, {"name": "bot", "model": "gpt-4o-mini", "instructions": "x",
                                 "tools": [{"type": "file_search"}], "files": [path]})
    from asst_deploy.assemble import validate_project

    problems = validate_project(project.root)
    assert len(problems) == 1, problems
    assert problems[0].file == "assistants/bot.yaml" and problems[0].field == "files[0]", problems
    message = problems[0].message
    assert path in message and "never" in message and "retrieval file" in message, problems


def test_stale_member_after_a_kill_during_the_processing_wait_is_put_right(project, client, emu, foreign):
    """Regression: killed while the store processed a new content, then the file edited back: the
    store kept the other content under the managed path and the plan said 'No changes'."""
    m = one_bot(project, {"docs/bot/a.md": "first words\n", "docs/bot/b.md": "second words\n"})
    applied(project, client, foreign)
    m.files["docs/bot/a.md"] = "edited words\n"
    project.write()
    emu.set_faults(processing_seconds=30)
    emu.reset_counter()
    proc = h.spawn(project, emu.base_url, "apply", "--auto-approve")
    batch, poll = "POST /v1/vector_stores/{id}/file_batches", "GET /v1/vector_stores/{id}"
    polls_before = None  # the store reads made before the attach (planning)

    def waiting_for_processing() -> bool:  # attached, recorded in the lockfile, and now polling the store
        nonlocal polls_before
        counts = emu.counter()
        if polls_before is None and counts.get(batch):
            polls_before = counts.get(poll, 0)
        return polls_before is not None and counts.get(poll, 0) > polls_before

    wait_until(waiting_for_processing, timeout=60, process=proc, every=0.01)
    assert proc.poll() is None and polls_before is not None, "the apply never reached its processing wait"
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    h.TOTALS.kills += 1
    h.TOTALS.faults_injected += 1
    emu.set_faults(processing_seconds=0)
    emu.advance_clock(30)  # the killed apply's upload finishes processing meanwhile (no real 30 s wait)
    m.files["docs/bot/a.md"] = "first words\n"  # edited back
    project.write()
    applied(project, client, foreign)
    by_path = sorted((x.attributes.get("path"), x.attributes.get("sha256")) for x in store_members(client, project))
    assert by_path == [("docs/bot/a.md", h.sha("first words\n")), ("docs/bot/b.md", h.sha("second words\n"))]


def test_document_attached_by_hand_to_an_owned_store_is_detached_not_deleted(project, client, emu, foreign):
    """A stray member of an owned store is shown as what happens to it: one attached by hand (not
    ours) is detached and its file stays; one of ours no manifest uses is detached and deleted."""
    one_bot(project, {"docs/bot/a.md": "policy\n"})
    applied(project, client, foreign)
    store_id = project.read_lock()["assistants"]["bot"]["vector_store_id"]
    mine = client.files.create(file=("handmade.md", b"attached by hand\n"), purpose="assistants")
    left = "left by a killed apply\n"
    ours = client.files.create(file=(f"{h.FILE_PREFIX}{h.sha(left)}~docs~bot~old.md", left.encode()),
                               purpose="assistants")
    for file_id in (mine.id, ours.id):
        client.vector_stores.files.create(store_id, file_id=file_id)
    h.TOTALS.faults_injected += 2
    doc = h.plan_doc(project)
    assert doc["summary"] == {"create": 0, "update": 0, "delete": 1, "detach": 1}, doc["changes"]
    by_id = {c["id"]: c for c in doc["changes"]}
    assert set(by_id) == {mine.id, ours.id} and all(c["type"] == "file" for c in by_id.values()), by_id
    assert by_id[mine.id]["after"] == {"kept": True} and "not ours" in by_id[mine.id]["reason"]
    assert by_id[ours.id]["after"] is None and "file object is deleted" in by_id[ours.id]["reason"]
    for form in ("text", "markdown"):
        shown = h._cli(project)("plan", "--format", form).stdout
        said = ("will be detached (the file stays)", "will be deleted") if form == "text" else ("➖ detach", "🗑️ delete")
        mine_line = next(line for line in shown.splitlines() if mine.id in line)  # the headline or table row
        ours_line = next(line for line in shown.splitlines() if ours.id in line)
        assert said[0] in mine_line and said[1] not in mine_line, shown
        assert said[1] in ours_line and said[0] not in ours_line, shown
        assert "1 to delete, 1 to detach (files kept)" in shown, shown
    applied(project, client, foreign)
    assert client.files.retrieve(mine.id).id == mine.id  # not ours to delete: only detached
    assert ours.id not in {f.id for f in client.files.list(purpose="assistants")}
    assert [x.id for x in store_members(client, project)] != [mine.id]


def test_member_replaced_by_hand_with_the_same_count_is_noticed(project, client, emu, foreign):
    """Counts agree with the lockfile, contents do not: the store's bytes tell, then its files are listed."""
    one_bot(project, {"docs/bot/a.md": "policy\n", "docs/bot/b.md": "prices\n"})
    applied(project, client, foreign)
    store_id = project.read_lock()["assistants"]["bot"]["vector_store_id"]
    (gone,) = [x for x in store_members(client, project) if x.attributes["path"] == "docs/bot/b.md"]
    client.vector_stores.files.delete(gone.id, vector_store_id=store_id)
    other = client.files.create(file=("other.md", b"something else entirely, longer\n"), purpose="assistants")
    client.vector_stores.files.create(store_id, file_id=other.id)
    h.TOTALS.faults_injected += 1
    doc = h.plan_doc(project)
    assert doc["summary"] != {"create": 0, "update": 0, "delete": 0}, doc
    applied(project, client, foreign)


def test_a_file_moved_to_another_assistant_stays_named_when_the_apply_stops_between(project, client, emu, foreign):
    """Regression (found by the slow signal walk, seed 61): the assistant a file left let go of it
    (detached, not deleted: the other assistant uses it) and the apply stopped before the other
    one attached it: no entry named the file object any more."""
    moved = "moves from a to b\n"
    a, b = h.Manifest("a-src", instructions="A."), h.Manifest("b-dst", instructions="B.")
    a.files = {"docs/a-src/x.md": moved, "docs/a-src/y.md": "stays in a\n"}
    b.files = {"docs/b-dst/z.md": "stays in b\n"}
    project.manifests = {a.name: a, b.name: b}
    project.write()
    applied(project, client, foreign)
    b.files["docs/b-dst/x.md"] = a.files.pop("docs/a-src/x.md")
    project.write()
    # one at a time: the lease, then a-src's detach; b-dst's attach finds the server down
    emu.set_faults(outage_after_writes=2)
    _cli = h._cli(project)
    stopped = _cli("apply", "--auto-approve", "--parallelism", "1", code=1)
    emu.heal()
    assert "run apply again" in stopped.stderr, stopped.stderr
    lock = project.read_lock()["assistants"]
    named = {item["id"] for entry in lock.values() for role in ("files", "retired_files", "pending_files")
             for item in (entry.get(role) or {}).values()}
    ours = {f.id for f in client.files.list(purpose="assistants") if f.filename.startswith(h.FILE_PREFIX)}
    assert ours <= named, (ours - named, lock)
    applied(project, client, foreign)
    assert not any(e.get("retired_files") for e in project.read_lock()["assistants"].values())
