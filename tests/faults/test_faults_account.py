"""The account itself (issue 13): two clones applying at once hold a lease on the account, and a
server where the Assistants API is gone (404) still lets a project move off it and be destroyed."""

from __future__ import annotations

import copy
import shutil
import signal
import time
from pathlib import Path
from typing import Any

import pytest

import faults_harness as h
from support.waiting import wait_until
from test_faults_crash import seeded_project

LEASE_KEY = "asst-deploy-lease"


def clone(project: h.Project, where: Path) -> h.Project:
    """A second checkout of the same project: same manifests, its own (absent) lockfile."""
    shutil.copytree(project.root, where, ignore=shutil.ignore_patterns("assistants.lock.json", ".asst-deploy"))
    other = copy.copy(project)  # the same manifests (one dict), api and environment
    other.root, other.left_behind = where, list(project.left_behind)
    return other


def ids(project: h.Project) -> dict[str, Any]:
    keys = ("id", "vector_store_id", "files", "code_interpreter_files")
    return {n: {k: e.get(k) or None for k in keys} for n, e in project.read_lock()["assistants"].items()}


def leases(client: Any) -> list[Any]:
    return [s for s in client.vector_stores.list(limit=100) if LEASE_KEY in (s.metadata or {})]


@pytest.mark.heavy(9)
def test_two_clones_applying_at_once_make_no_twins(project, client, emu, foreign, tmp_path):
    """Regression: two applies from two clones both proceeded and made twins of everything."""
    seeded_project(project, 6, 21)
    other = clone(project, tmp_path / "clone-b")
    emu.set_faults(latency_ms=60)
    first = h.spawn(project, emu.base_url, "apply", "--auto-approve", "--lock-timeout", "120")
    second = h.spawn(other, emu.base_url, "apply", "--auto-approve", "--lock-timeout", "120")
    out1, err1 = first.communicate(timeout=180)
    out2, err2 = second.communicate(timeout=180)
    h.TOTALS.runs += 2
    h.TOTALS.faults_injected += 1
    emu.set_faults(latency_ms=0)
    assert first.returncode == 0 and second.returncode == 0, err1 + err2
    h.check_converged(project, client, *foreign)  # no twins, and both lockfiles name the same objects
    h.check_converged(other, client, *foreign)
    assert ids(project) == ids(other)
    assert leases(client) == []  # released


@pytest.mark.heavy(10)
def test_second_clone_refuses_naming_the_holder_without_lock_timeout(project, client, emu, foreign, tmp_path):
    seeded_project(project, 6, 22)
    other = clone(project, tmp_path / "clone-b")
    emu.set_faults(latency_ms=50)
    first = h.spawn(project, emu.base_url, "apply", "--auto-approve", "--parallelism", "1")
    wait_until(lambda: leases(client), timeout=60, process=first, every=0.02)
    first.send_signal(signal.SIGSTOP)  # the holder, frozen mid-apply: however slow the machine, it holds the lease
    try:
        second = h.spawn(other, emu.base_url, "apply", "--auto-approve")
        out2, err2 = second.communicate(timeout=120)
    finally:
        first.send_signal(signal.SIGCONT)
    out1, err1 = first.communicate(timeout=180)
    h.TOTALS.runs += 2
    emu.set_faults(latency_ms=0)
    assert first.returncode == 0, err1
    assert second.returncode == 1, out2 + err2
    assert "another apply is running for faults/default on this account" in err2, err2
    assert f"pid {first.pid}" in err2 and "--lock-timeout" in err2, err2
    h.check_converged(project, client, *foreign)


def hand_lease(client: Any, *, host: str, expires: float) -> Any:
    return client.vector_stores.create(name="lease", metadata={
        LEASE_KEY: f"{h.PROJECT}/{h.ENV}", "holder": "ci pid 4242", "host": host, "pid": "4242",
        "expires": str(int(expires)), "since": "2026-12-01T00:00:00Z"})


def test_a_live_lease_of_another_machine_blocks_and_an_expired_one_does_not(project, client, emu, foreign):
    seeded_project(project, 2, 23)
    live = hand_lease(client, host="build-7", expires=time.time() + 600)
    doc = h.plan_doc(project)  # the lease is not a managed object: plan neither shows nor counts it
    assert all(c["id"] != live.id for c in doc["changes"]), doc["changes"]
    started = time.monotonic()
    result = h.apply(project)
    assert result.code == 1, result.out + result.err
    assert "ci pid 4242 on build-7" in result.err and time.monotonic() - started < 30, result.err
    assert not [a for a in h.read_account(client).assistants if h.marker_name(a)]  # refused before any write
    client.vector_stores.update(live.id, metadata={**live.metadata, "expires": str(int(time.time() - 1))})
    assert h.apply(project).code == 0  # its holder died: the lease expired
    h.check_converged(project, client, *foreign)
    assert leases(client) == []


def test_an_outage_while_taking_the_lease_says_nothing_changed_and_how_to_finish(project, client, emu, foreign):
    """Regression (found by the slow outage walk): the lease's own failure gave no way on."""
    seeded_project(project, 2, 28)
    emu.set_faults(outage_after_writes=1)  # the lease is the first write; listing the leases fails
    result = h.apply(project)
    emu.heal()
    assert result.code == 1, result.out + result.err
    (line,) = result.err.strip().splitlines()
    assert line.startswith("error: take the account lease for faults/default: the API answered 503"), line
    assert line.endswith("nothing was changed: run apply again"), line
    assert not [a for a in h.read_account(client).assistants if h.marker_name(a)]
    assert h.apply(project).code == 0  # the lease left behind was this host's, its process gone
    h.check_converged(project, client, *foreign)
    assert leases(client) == []


def test_the_lease_of_a_killed_apply_on_this_host_does_not_block(project, client, emu, foreign):
    seeded_project(project, 4, 24)
    dead = hand_lease(client, host=__import__("socket").gethostname(), expires=time.time() + 600)
    client.vector_stores.update(dead.id, metadata={**dead.metadata, "pid": "999999999"})
    assert h.apply(project).code == 0
    h.check_converged(project, client, *foreign)
    assert leases(client) == []


# -- the Assistants API gone (404) -----------------------------------------------------------------
def sunset(emu: Any) -> None:
    emu.config.serve_assistants = False  # /v1/assistants* answers 404 from now on


def test_moving_off_a_sunset_assistants_api_to_responses(project, client, emu, foreign):
    seeded_project(project, 3, 25)
    assert h.apply(project).code == 0
    files_before = {n: e["files"] for n, e in project.read_lock()["assistants"].items() if e.get("files")}
    sunset(emu)
    doc = h.plan_doc(project, api="responses")
    said = [n for n in doc["notes"] if "cannot be listed" in n]
    assert len(said) == 1 and "Assistants API" in said[0], doc["notes"]
    assert {(c["type"], c["action"]) for c in doc["changes"]} == {("responses", "create")}, doc["changes"]
    emu.reset_counter()
    result = h.apply(project, api="responses")
    assert result.code == 0, result.out + result.err
    assert (result.out + result.err).count("cannot be listed") == 1, result.out + result.err
    assert "POST /v1/files" not in emu.counter()  # files and stores reused
    lock = project.read_lock()["assistants"]
    assert {n: e["files"] for n, e in lock.items() if e.get("files")} == files_before
    assert not [e for e in lock.values() if e.get("id") or e.get("replaced_api")], lock  # old ids forgotten
    doc = h.plan_doc(project, api="responses")
    assert doc["summary"] == {"create": 0, "update": 0, "delete": 0}, doc["changes"]
    assert not [n for n in doc["notes"] if "cannot be listed" in n], doc["notes"]  # said once, then forgotten


@pytest.mark.parametrize("api", ["assistants", "responses"])
def test_destroy_on_a_sunset_server_removes_stores_and_files(project, client, emu, foreign, api):
    seeded_project(project, 3, 26)
    assert h.apply(project).code == 0
    sunset(emu)
    result = h.apply(project, destroy=True, api=api)
    assert result.code == 0, result.out + result.err
    assert (result.out + result.err).count("cannot be listed") == 1, result.out + result.err
    assert project.read_lock()["assistants"] == {}
    acct_stores = [s for s in client.vector_stores.list(limit=100) if h.marker_name(s)]
    acct_files = [f for f in client.files.list(purpose="assistants") if f.filename.startswith(h.FILE_PREFIX)]
    assert acct_stores == [] and acct_files == []


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(90, 94))
def test_long_two_clones_walk(project, client, emu, foreign, tmp_path, seed):
    """Edits, then both clones apply at the same moment, every round: no twins, both lockfiles true."""
    import random

    rng = random.Random(seed)
    w = seeded_project(project, 4, seed)
    other = clone(project, tmp_path / "clone-b")
    for i in range(3):
        if i:
            for _ in range(3):
                w.step()
            project.write()
            other.write()
        emu.set_faults(latency_ms=rng.choice([0, 20, 60]))
        procs = [h.spawn(p, emu.base_url, "apply", "--auto-approve", "--lock-timeout", "120") for p in (project, other)]
        results = [(p.communicate(timeout=180), p.returncode) for p in procs]
        h.TOTALS.runs += 2
        h.TOTALS.faults_injected += 1
        emu.set_faults(latency_ms=0)
        assert all(code == 0 for _, code in results), results
        h.check_converged(project, client, *foreign)
        h.check_converged(other, client, *foreign)


@pytest.mark.parametrize("removed", ["manifest", "files"])
def test_a_removal_applied_from_the_other_clone_leaves_no_entry_naming_it(project, client, emu, foreign, tmp_path,
                                                                         removed):
    """Regressions (found by the two-clones walk): the clone that applied second kept the removed
    manifest's entry for ever, naming files whose content another manifest still uses; and when a
    manifest kept but stopped listing files, it kept naming the store and files the first clone deleted."""
    seeded_project(project, 3, 27)
    gone, kept = sorted(project.manifests)[:2]
    project.manifests[kept].files[f"docs/{kept}/shared.md"] = next(iter(project.manifests[gone].files.values()))
    project.write()
    assert h.apply(project).code == 0
    other = clone(project, tmp_path / "clone-b")
    assert h.apply(other).code == 0  # B's lockfile names everything too
    if removed == "manifest":
        del project.manifests[gone]
    else:
        project.manifests[gone].files.clear()
    project.write()
    other.write()
    assert h.apply(project).code == 0
    assert h.apply(other).code == 0
    h.check_converged(project, client, *foreign)
    h.check_converged(other, client, *foreign)
    assert ids(project) == ids(other)


def test_an_apply_with_nothing_to_change_clears_the_lease_a_stopped_apply_left(project, client, emu, foreign):
    """A killed apply leaves its lease; an apply with nothing to change takes no lease of its own, so
    the dead one stayed on the account until some later apply changed something. The plan says so
    and the next apply, changes or not, deletes it."""
    seeded_project(project, 2, 31)
    assert h.apply(project).code == 0
    dead = hand_lease(client, host="build-7", expires=time.time() - 1)
    live = client.vector_stores.create(name="lease", metadata={  # another environment's: not ours to clear
        LEASE_KEY: f"{h.PROJECT}/prod", "holder": "x", "host": "build-7", "pid": "1", "expires": "0"})
    doc = h.plan_doc(project)
    assert doc["changes"] == [] and any(dead.id in note for note in doc.get("notes", [])), doc.get("notes")
    result = h.apply(project)
    assert result.code == 0 and f"deleted the account lease {dead.id}" in result.err, result.err
    assert [s.id for s in leases(client)] == [live.id]
    assert not any(dead.id in note for note in h.plan_doc(project).get("notes", []))
    h.check_converged(project, client, *foreign)
