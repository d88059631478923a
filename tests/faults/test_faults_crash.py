"""A real ``asst-deploy apply`` process killed (SIGKILL) or stopped (SIGTERM, SIGINT) at random
moments, then rerun: no duplicate, no orphan, the lockfile always whole. Plus two applies at once."""

from __future__ import annotations

import copy
import random
import signal
from typing import Any

import pytest

import faults_harness as h
from support.waiting import wait_until


def seeded_project(project: h.Project, n: int, seed: int) -> h.Walk:
    w = h.Walk(project, seed)
    for _ in range(n):
        m = w.new_manifest()
        m.files.setdefault(f"docs/{m.name}/b.md", w.text())  # most assistants get a store
        project.manifests[m.name] = m
    project.write()
    return w


def wait_for_requests(emu: Any, proc: Any, at_least: int, timeout: float = 30) -> bool:
    """True once the process has made ``at_least`` requests; False if it ended first."""
    return wait_until(lambda: emu.total_requests() >= at_least, timeout=timeout, process=proc)


def interrupt_apply(project: h.Project, emu: Any, sig: int, after: int, *extra: str) -> tuple[int, str]:
    """Start a real apply, send ``sig`` once it has made ``after`` requests; its exit code and stderr."""
    emu.reset_counter()
    proc = h.spawn(project, emu.base_url, "apply", "--auto-approve", "--parallelism", "4", *extra)
    reached = wait_for_requests(emu, proc, after)
    if reached and proc.poll() is None:
        proc.send_signal(sig)
        h.TOTALS.faults_injected += 1
        if sig == signal.SIGKILL:
            h.TOTALS.kills += 1
    out, err = proc.communicate(timeout=60)
    h.server_done(emu)
    h.TOTALS.runs += 1
    return proc.returncode, err


def kill_and_rerun(project: h.Project, client: Any, emu: Any, foreign: Any, rng: random.Random,
                   phase: str, sig: int = signal.SIGKILL, processing: float = 0.0,
                   before: dict[str, h.Manifest] | None = None) -> None:
    """``processing``: seconds the store takes per file, so kills land in processing waits;
    ``before``: the manifests before the last edits, restored after the kill (an edit taken back)."""
    emu.set_faults(latency_ms=25, processing_seconds=processing)
    code, err = interrupt_apply(project, emu, sig, rng.randint(1, 40))
    emu.set_faults(latency_ms=0, processing_seconds=0)
    h.check_lock_is_json(project)  # whole, whatever the moment
    if before is not None and rng.random() < 0.5:
        project.manifests = copy.deepcopy(before)
        project.write()
        phase += " (edits taken back)"
    if sig != signal.SIGKILL and code != 0:
        assert code == 130, f"{phase}: exit {code}\n{err}"
        assert "interrupted" in err, err
        assert "Traceback" not in err, err
        no_orphans_now(project, client)  # a graceful stop leaves the lockfile naming everything
    result = h.apply(project)
    assert result.code == 0, f"{phase}: the rerun failed\n{result.out[-2000:]}{result.err}"
    h.check_converged(project, client, *foreign)


def no_orphans_now(project: h.Project, client: Any) -> None:
    """Every owned assistant, store and file on the account is named in the lockfile."""
    acct = h.read_account(client)
    lock = project.read_lock()["assistants"] if project.lockfile.exists() else {}
    named = set()
    for entry in lock.values():
        named |= {entry.get("id"), entry.get("vector_store_id")}
        for role in ("files", "code_interpreter_files", "pending_files", "retired_files"):
            named |= {item["id"] for item in (entry.get(role) or {}).values()}
    owned = [a.id for a in acct.assistants if h.marker_name(a)] + [s.id for s in acct.stores if h.marker_name(s)]
    owned += [f.id for f in acct.files if f.filename.startswith(h.FILE_PREFIX)]
    orphans = sorted(set(owned) - named)
    h.TOTALS.orphans += len(orphans)
    assert not orphans, f"owned objects the lockfile does not name after a graceful stop: {orphans}"


def crash_walk(project: h.Project, client: Any, emu: Any, foreign: Any, seed: int, rounds: int,
               signals: tuple[int, ...] = (signal.SIGKILL,), processing: float = 0.0) -> None:
    """First apply, then edits, then destroy: each interrupted once at a random moment, then rerun.
    With ``processing``, the kills land in processing waits and half the edits are taken back."""
    rng = random.Random(seed)
    w = seeded_project(project, 6, seed)
    kill_and_rerun(project, client, emu, foreign, rng, "first apply", rng.choice(signals), processing)
    for i in range(rounds):
        before = copy.deepcopy(project.manifests) if processing else None
        for _ in range(3):
            w.step()
        project.write()
        kill_and_rerun(project, client, emu, foreign, rng, f"edit round {i}", rng.choice(signals), processing,
                       before)


@pytest.mark.heavy(10)
@pytest.mark.parametrize("seed", [1])
def test_sigkill_at_random_moments_then_rerun(project, client, emu, foreign, seed):
    crash_walk(project, client, emu, foreign, seed, rounds=1)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_exit_130_with_the_lockfile_saved(project, client, emu, foreign, sig):
    seeded_project(project, 8, 3)
    emu.set_faults(latency_ms=100)  # slow enough that the apply is still running when the signal lands
    code, err = interrupt_apply(project, emu, sig, 12)
    emu.set_faults(latency_ms=0)
    assert code == 130, err
    assert "interrupted" in err and "Traceback" not in err, err
    h.check_lock_is_json(project)
    no_orphans_now(project, client)
    assert h.apply(project).code == 0
    h.check_converged(project, client, *foreign)


def test_sigkill_between_create_and_lockfile_write_leaves_no_duplicate(project, client, emu, foreign):
    """Kill right after the first assistant create is answered: the object exists, the lock may not name it."""
    seeded_project(project, 4, 9)
    for m in project.manifests.values():
        m.files.clear()
        m.ci_files.clear()
    project.write()
    emu.set_faults(latency_ms=25)
    emu.reset_counter()
    proc = h.spawn(project, emu.base_url, "apply", "--auto-approve", "--parallelism", "1")
    wait_until(lambda: emu.counter().get("POST /v1/assistants", 0) >= 2, timeout=30, process=proc, every=0.001)
    proc.kill()
    proc.communicate()
    h.server_done(emu)
    h.TOTALS.kills += 1
    h.TOTALS.faults_injected += 1
    emu.set_faults(latency_ms=0)
    h.check_lock_is_json(project)
    assert h.apply(project).code == 0
    h.check_converged(project, client, *foreign)


@pytest.mark.heavy(12)
def test_sigkill_while_the_server_still_creates_leaves_no_duplicate(project, client, emu, foreign):
    """The create is received, then its apply is killed while the server is still carrying it out:
    the object appears seconds after the kill. Rerun once the server is done, the apply finds it
    by its marker (a rerun that looked before it appeared could not, and made a twin)."""
    seeded_project(project, 2, 9)
    for m in project.manifests.values():
        m.files.clear()
        m.ci_files.clear()
    project.write()
    emu.reset_counter()
    proc = h.spawn(project, emu.base_url, "apply", "--auto-approve", "--parallelism", "1")
    wait_until(lambda: emu.counter().get("POST /v1/vector_stores"), timeout=60, process=proc, every=0.001)
    emu.set_faults(latency_ms=2000)  # from the account lease on: the create lands 2 s after it is received
    wait_until(lambda: emu.counter().get("POST /v1/assistants"), timeout=60, process=proc, every=0.001)
    assert proc.poll() is None, "the apply ended before its first create was received"
    proc.kill()
    proc.communicate()
    emu.set_faults(latency_ms=0)
    h.server_done(emu)
    h.TOTALS.kills += 1
    h.TOTALS.faults_injected += 1
    assert h.apply(project).code == 0
    h.server_done(emu)
    h.check_converged(project, client, *foreign)


@pytest.mark.heavy(15)
def test_two_applies_at_once_one_refuses_naming_the_holder(project, client, emu, foreign):
    seeded_project(project, 8, 4)
    emu.set_faults(latency_ms=250)  # the first apply holds the lock for seconds: longer than the second's start-up
    emu.reset_counter()
    first = h.spawn(project, emu.base_url, "apply", "--auto-approve", "--parallelism", "2")
    assert wait_for_requests(emu, first, 3)  # it holds the lock: it has planned and is writing
    second = h.spawn(project, emu.base_url, "apply", "--auto-approve")
    out2, err2 = second.communicate(timeout=60)
    out1, err1 = first.communicate(timeout=120)
    h.TOTALS.runs += 2
    emu.set_faults(latency_ms=0)
    assert first.returncode == 0, err1
    assert second.returncode == 1, out2 + err2
    assert f"pid {first.pid}" in err2 and "another apply is running" in err2, err2
    h.check_converged(project, client, *foreign)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20, 32))
def test_long_sigkill_walk(project, client, emu, foreign, seed):
    crash_walk(project, client, emu, foreign, seed, rounds=4)


@pytest.mark.heavy(17)
def test_sigkill_during_processing_wait_then_edits_taken_back(project, client, emu, foreign):
    crash_walk(project, client, emu, foreign, 80, rounds=1, processing=0.3)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(80, 88))
def test_long_sigkill_walk_during_processing_waits(project, client, emu, foreign, seed):
    crash_walk(project, client, emu, foreign, seed, rounds=4, processing=0.4)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(60, 66))
def test_long_signal_walk(project, client, emu, foreign, seed):
    crash_walk(project, client, emu, foreign, seed, rounds=3,
               signals=(signal.SIGKILL, signal.SIGTERM, signal.SIGINT))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(70, 74))
def test_long_sigkill_during_destroy(project, client, emu, foreign, seed):
    rng = random.Random(seed)
    seeded_project(project, 6, seed)
    assert h.apply(project).code == 0
    emu.set_faults(latency_ms=25)
    emu.reset_counter()
    proc = h.spawn(project, emu.base_url, "destroy", "--auto-approve", "--parallelism", "4")
    if wait_for_requests(emu, proc, rng.randint(3, 20)) and proc.poll() is None:
        proc.kill()
        h.TOTALS.kills += 1
        h.TOTALS.faults_injected += 1
    proc.communicate()
    h.server_done(emu)
    h.TOTALS.runs += 1
    emu.set_faults(latency_ms=0)
    h.check_lock_is_json(project)
    assert h.apply(project, destroy=True).code == 0
    project.manifests.clear()
    h.check_converged(project, client, *foreign, plan=False)


@pytest.mark.heavy(28)
def test_signal_walk_that_once_left_a_replaced_file_unnamed(project, client, emu, foreign):
    """Seed 60 stops an apply gracefully between attaching a file's new content and deleting the
    old object; the lockfile must still name the old object (retired_files) until it is gone."""
    crash_walk(project, client, emu, foreign, 60, rounds=3,
               signals=(signal.SIGKILL, signal.SIGTERM, signal.SIGINT))
