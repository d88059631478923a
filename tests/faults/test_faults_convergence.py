"""Convergence: random sequences of manifest edits, each followed by apply, with and without
faults injected by the emulator. After every successful apply the account, the lockfile and the
manifests agree exactly, the next plan is empty and no foreign object has changed."""

from __future__ import annotations

import random
from typing import Any

import pytest

import faults_harness as h


def walk(project: h.Project, client: Any, emu: Any, foreign: Any, seed: int, steps: int,
         fault: str | None = None) -> list[str]:
    made, before = foreign
    w = h.Walk(project, seed, switches=True)
    rng = random.Random(seed * 7919)
    history: list[str] = []
    for _ in range(steps):
        history.append(w.step())
        project.write()
        context = f"seed {seed}, steps: {history}"
        if fault == "outage":
            emu.set_faults(outage_after_writes=rng.randint(0, 8))
            first = h.apply(project)
            emu.heal()
            if first.code != 0:
                h.TOTALS.faults_injected += 1
                assert first.code == 1, context + first.err
                assert "unavailable" in first.err, context + first.err  # names the API's reason
                if "list " not in first.err:  # failed after planning: it says how to finish
                    assert "run apply again" in first.err, context + first.err
                assert "Traceback" not in first.err, first.err
                h.check_lock_is_json(project)
                result = h.apply(project)
            else:
                result = first
        elif fault == "mixed":  # the issue 13 faults in turn: bad input, slow answers, a 429 storm
            result = walk_step(project, client, emu, rng, ISSUE_13_FAULTS[(len(history) - 1) % 3], context)
        elif fault in ISSUE_13_FAULTS:
            result = walk_step(project, client, emu, rng, fault, context)
        elif fault in ("429", "5xx"):
            settings = {"rate_limit_every": rng.randint(2, 4)} if fault == "429" else \
                {"error_rate": rng.choice([0.1, 0.2, 0.3]), "seed": rng.randint(0, 10**6)}
            emu.set_faults(**settings)
            for _attempt in range(6):  # a run that exhausts its retries is finished by the next one
                result = h.apply(project, max_retries=3)
                if result.code == 0:
                    break
                # failed while listing (planning: nothing sent), or after: then it says how to finish
                assert result.code == 1 and ("run apply again" in result.err or "error: list " in result.err), \
                    context + result.err
                h.check_lock_is_json(project)
            emu.set_faults(rate_limit_every=0, error_rate=0.0)
        else:
            result = h.apply(project)
        assert result.code == 0, context + "\n" + result.out[-2000:] + result.err
        try:
            h.check_converged(project, client, made, before)
        except AssertionError as exc:
            raise AssertionError(f"{context}\n{exc}") from None
    return history


ISSUE_13_FAULTS = ("bad_input", "slow_answers", "429_no_retries")


def walk_step(project: h.Project, client: Any, emu: Any, rng: random.Random, fault: str, context: str) -> h.Result:
    """One apply under one of issue 13's faults; returns the apply that must have converged."""
    h.TOTALS.faults_injected += 1
    if fault == "bad_input":  # refused with one line and nothing sent, then the project put back
        h.refused(project, emu, h.spoil(project, rng))
        return h.apply(project)
    if fault == "slow_answers":  # some writes carried out at once but answered after the client gave up
        emu.set_faults(write_answer_delay_ms=1500, write_answer_delay_rate=rng.choice([0.2, 0.4]),
                       seed=rng.randint(0, 10**6))
        first = h.apply(project, timeout=1.0, max_retries=3)
        emu.set_faults(write_answer_delay_ms=0, write_answer_delay_rate=1.0)
        problems: list[str] = []
        h.check_no_duplicates(h.read_account(client), problems)  # no create was sent twice blindly
        assert not problems, context + "\n" + "\n".join(problems)
        h.check_lock_is_json(project)
        if first.code == 0:
            return first
        assert first.code == 1 and "run apply again" in first.err, context + first.err
        return h.apply(project)
    # a 429 storm, --max-retries 0: the tool's own 429 budget rides it out in one run, and says so
    emu.reset_counter()
    emu.set_faults(rate_limit_every=rng.randint(2, 4), retry_after_s=0.01)
    result = h.apply(project, max_retries=0)
    emu.set_faults(rate_limit_every=0, retry_after_s=0.0)
    if emu.rate_limited():
        assert "rate limit" in result.err, context + result.err
    return result


@pytest.mark.parametrize("seed", [1, 2])
def test_random_edits_converge(project, client, emu, foreign, seed):
    walk(project, client, emu, foreign, seed, steps=6)


@pytest.mark.parametrize("fault", ["429", "5xx", "outage"])
def test_random_edits_converge_under_faults(project, client, emu, foreign, fault):
    walk(project, client, emu, foreign, seed=100 + len(fault), steps=4, fault=fault)


def test_random_edits_converge_through_bad_input_slow_answers_and_429_storms(project, client, emu, foreign):
    """Issue 13's bad input (alias bombs, spoiled or unwritable lockfiles), creates answered after
    the client's timeout and 429 storms with --max-retries 0, one per step."""
    walk(project, client, emu, foreign, seed=7, steps=3, fault="mixed")


def test_destroy_leaves_only_foreign_objects(project, client, emu, foreign):
    walk(project, client, emu, foreign, seed=5, steps=4)
    result = h.apply(project, destroy=True)
    assert result.code == 0, result.err
    kept = dict(project.manifests)
    project.manifests.clear()
    h.check_converged(project, client, *foreign, plan=False)  # the manifests are still there: plan would create
    assert project.read_lock()["assistants"] == {}
    project.manifests.update(kept)
    assert h.apply(project).code == 0  # and back again
    h.check_converged(project, client, *foreign)


@pytest.mark.parametrize("shared", ["files", "ci_files"])
def test_removed_manifest_whose_file_content_lives_on_leaves_no_lock_entry(project, client, emu, foreign, shared):
    """Regression (found by seed 16): renaming a manifest whose code-interpreter files keep their
    content left the old name in the lockfile for ever, naming files it no longer had."""
    m = h.Manifest("old-name", instructions="x")
    getattr(m, shared)["data/old/a.txt"] = "a,b\n1,2\n"  # .txt: both tools read it (file_search no .csv)
    project.manifests[m.name] = m
    project.write()
    assert h.apply(project).code == 0
    del project.manifests["old-name"]
    m.name = "new-name"
    setattr(m, shared, {"data/new/a.txt": "a,b\n1,2\n"})
    project.manifests[m.name] = m
    project.write()
    assert h.apply(project).code == 0
    assert sorted(project.read_lock()["assistants"]) == ["new-name"]
    h.check_converged(project, client, *foreign)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 30))
def test_long_random_edits_converge(project, client, emu, foreign, seed):
    walk(project, client, emu, foreign, seed, steps=12)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(40, 52))
@pytest.mark.parametrize("fault", ["429", "5xx", "outage"])
def test_long_random_edits_converge_under_faults(project, client, emu, foreign, fault, seed):
    walk(project, client, emu, foreign, seed, steps=8, fault=fault)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(52, 58))
@pytest.mark.parametrize("fault", ["bad_input", "slow_answers", "429_no_retries", "mixed"])
def test_long_random_edits_converge_through_issue_13_faults(project, client, emu, foreign, fault, seed):
    walk(project, client, emu, foreign, seed, steps=8, fault=fault)


def deployed(project: h.Project, seed: int) -> h.Walk:
    """A few random manifests, applied: the walk that made them, to go on from."""
    w = h.Walk(project, seed)
    for _ in range(4):
        w.step()
    project.write()
    assert h.apply(project).code == 0
    return w


def test_an_api_switch_with_a_removed_manifest_converges(project, client, emu, foreign):
    """The edit kind api_switch_removing, each way: nothing of the removed manifest stays."""
    made, before = foreign
    w = deployed(project, 5)
    for _ in range(2):
        assert w.switch_step("api_switch_removing", sorted(project.manifests)).startswith("remove")
        project.write()
        result = h.apply(project)
        assert result.code == 0, result.out[-2000:] + result.err
        h.check_converged(project, client, made, before)


def test_declaring_environments_in_a_deployed_project_strands_nothing(project, client, emu, foreign):
    """The edit kind add_environments: the objects stay in environment 'default', which the plan
    names with the command that reaches it; the new default environment gets its own."""
    made, before = foreign
    w = deployed(project, 6)
    w.switch_step("add_environments", sorted(project.manifests))
    project.write()
    result = h.apply(project)
    assert result.code == 0, result.out[-2000:] + result.err
    h.check_converged(project, client, made, before)
