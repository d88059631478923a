"""Bounded, whatever the server does: the real CLI against the hostile server (tests/support/hostile.py)
or the emulator behind it. Each case failed before its fix."""

from __future__ import annotations

import json
import math
import signal
import subprocess
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import pytest
from support.cli import Cli
from support.hostile import ESCAPES, Hostile

CONFIG = "project: bounded\nmanifests: assistants/\n"
TWO = {f"assistants/{name}.yaml": f"name: {name}\nmodel: gpt-4o\ninstructions: Be brief.\n" for name in ("a", "b")}


def test_apply_finishes_against_429s_in_step_with_exact_waits(make_project: Any, asst_emulator: Any) -> None:
    """Every retry of a client that waits exactly ``retry-after-ms`` lands in a refused half-slot: the
    apply was refused until its budget ran out. Jittered waits land anywhere in the slot."""
    project: Path = make_project(TWO, config=CONFIG)
    with Hostile("in_step_429", upstream=asst_emulator.base_url, slots_per_second=10) as server:
        cli = Cli(project=project, environ={"OPENAI_BASE_URL": server.base_url})
        cli("apply", "--auto-approve", "--max-retries", "0", "--rate-limit-wait", "10")
        assert server.requests["POST /v1/assistants"] >= 2 and server.passed >= 5
    assert asst_emulator.counter()["POST /v1/assistants"] == 2
    cli("plan", "--detailed-exitcode", environ={"OPENAI_BASE_URL": asst_emulator.base_url})


# -- SIGTERM and SIGINT end any command within 5 s -------------------------------------------------
def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], seconds: float = 30) -> None:
    """Poll until ``condition`` holds (the process must still run)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, f"exited {proc.returncode} before the signal:\n{proc.communicate()[1]}"
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


def stop(proc: subprocess.Popen[str], sig: int, again: bool = False) -> tuple[float, str]:
    """Send ``sig`` (``again``: twice, the second once the process is seen still running after the
    first); the seconds until the process ended, and its stderr."""
    sent = time.monotonic()
    proc.send_signal(sig)
    if again:
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=0.3)
        proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return math.inf, proc.communicate()[1]
    return time.monotonic() - sent, err


def slow_down_once_uploading(emulator: Any, proc: subprocess.Popen[str]) -> None:
    """From the apply's first upload on, every request takes 20 s; returns once one is waiting."""
    wait_for(lambda: emulator.counter().get("POST /v1/files", 0) > 0, proc)
    emulator.set_faults(latency_ms=20_000)
    before = emulator.total_requests()
    wait_for(lambda: emulator.total_requests() > before, proc)


def ids_in(lockfile: Path) -> set[str]:
    """Every object id the lockfile names (it must be whole JSON)."""
    found: set[str] = set()
    for entry in json.loads(lockfile.read_text(encoding="utf-8"))["assistants"].values():
        found |= {entry.get("id"), entry.get("vector_store_id")} - {None}
        for role in ("files", "code_interpreter_files", "pending_files", "retired_files"):
            found |= {item["id"] for item in (entry.get(role) or {}).values()}
    return found


def on_the_account(client: Any) -> set[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assistants = [a.id for a in client.beta.assistants.list(limit=100)]
    return {*assistants, *(s.id for s in client.vector_stores.list(limit=100)), *(f.id for f in client.files.list())}


@pytest.mark.heavy(8)
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_plan_on_a_silent_server_within_5_s(project: Path, sig: int) -> None:
    with Hostile("silent") as server:
        proc = Cli(project=project, env="dev", environ={"OPENAI_BASE_URL": server.base_url}).spawn("plan")
        wait_for(lambda: sum(server.requests.values()) > 0, proc)
        took, err = stop(proc, sig)
    assert proc.returncode == 130 and "interrupted" in err and "Traceback" not in err, err
    assert "the lockfile holds every change that finished" in err, err  # it says what became of the work
    assert took < 5, f"{took:.1f} s after the signal"


@pytest.mark.heavy(8)
def test_sigterm_ends_an_apply_waiting_on_a_silent_server_within_5_s_with_the_lockfile_true(
        project: Path, asst_emulator: Any, openai_client: Any) -> None:
    """The stores and files are made, the assistants' creates get no answer: what was done is in the
    lockfile, the message says so, and the next apply finishes the job without a duplicate."""
    with Hostile({"POST /v1/assistants": "silent"}, upstream=asst_emulator.base_url) as server:
        proc = Cli(project=project, env="dev", environ={"OPENAI_BASE_URL": server.base_url}).spawn(
            "apply", "--auto-approve")
        wait_for(lambda: server.requests["POST /v1/assistants"] > 0, proc)
        took, err = stop(proc, signal.SIGTERM)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert took < 5, f"{took:.1f} s after the signal"
    lockfile = project / "assistants.dev.lock.json"
    assert f"saved in {lockfile.name}" in err, err
    recorded = ids_in(lockfile)
    assert recorded and recorded <= on_the_account(openai_client)  # true: nothing named that is not there
    cli = Cli(project=project, emulator=asst_emulator, env="dev")
    cli("apply", "--auto-approve")
    cli("plan", "--detailed-exitcode")
    assert asst_emulator.counter()["POST /v1/assistants"] == 3  # one each: none was sent twice


@pytest.mark.heavy(8)
@pytest.mark.asst_emulator(latency_ms=100)  # time to see the first upload before the apply ends
def test_sigterm_ends_an_apply_whose_requests_take_long_within_5_s(project: Path, asst_emulator: Any,
                                                                   openai_client: Any) -> None:
    """Steps in flight get a moment to finish; past it they are left, and the lockfile holds what finished."""
    proc = Cli(project=project, emulator=asst_emulator, env="dev").spawn("apply", "--auto-approve")
    slow_down_once_uploading(asst_emulator, proc)
    took, err = stop(proc, signal.SIGTERM)
    asst_emulator.set_faults(latency_ms=0)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert took < 5, f"{took:.1f} s after the signal"
    lockfile = project / "assistants.dev.lock.json"
    assert f"saved in {lockfile.name}" in err, err
    assert ids_in(lockfile) <= on_the_account(openai_client)


@pytest.mark.heavy(6)
@pytest.mark.asst_emulator(latency_ms=100)
def test_a_second_sigterm_ends_an_apply_at_once(project: Path, asst_emulator: Any, openai_client: Any) -> None:
    proc = Cli(project=project, emulator=asst_emulator, env="dev").spawn("apply", "--auto-approve")
    slow_down_once_uploading(asst_emulator, proc)
    took, err = stop(proc, signal.SIGTERM, again=True)
    asst_emulator.set_faults(latency_ms=0)
    assert proc.returncode == 130 and "interrupted (a second signal)" in err, err
    assert took < 0.3 + 1, f"{took:.1f} s after the first signal"  # not the 1.5 s steps get after one signal
    assert ids_in(project / "assistants.dev.lock.json") <= on_the_account(openai_client)


# -- server text never reaches the terminal as control sequences ------------------------------------
RAW = ("\x1b", "\x07", "\x00")


def test_an_error_message_from_the_server_is_shown_escaped(project: Path) -> None:
    with Hostile({"/v1/assistants": "escapes"}) as server:
        result = Cli(project=project, env="dev", environ={"OPENAI_BASE_URL": server.base_url})(
            "plan", "--max-retries", "0", code=1)
    assert "bad request \\x1b]0;pwned\\x07" in result.stderr, result.stderr
    assert not any(raw in result.output for raw in RAW), repr(result.output)


def test_an_owned_object_whose_name_carries_escapes_is_planned_and_deleted_with_them_escaped(
        project: Path, asst_emulator: Any, openai_client: Any) -> None:
    """Its marker names a manifest no one has any more: plan and apply show that name (the server's
    text) in the plan and in apply's progress line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        evil = openai_client.beta.assistants.create(model="gpt-4o", name=f"evil{ESCAPES}",
                                                    metadata={"asst-deploy": f"acme-support/dev/evil{ESCAPES}"})
    cli = Cli(project=project, emulator=asst_emulator, env="dev")
    planned = cli("plan")
    assert f"- assistant.evil\\x1b]0;pwned\\x07\\x1b[2J\\x00 ({evil.id}) will be deleted" in planned.stdout
    as_json = json.loads(cli("plan", "--format", "json").stdout)
    assert f"assistant.evil{ESCAPES}" in [c["address"] for c in as_json["changes"]]  # JSON keeps the value
    applied = cli("apply", "--auto-approve")
    assert f"deleted assistant.evil\\x1b]0;pwned\\x07\\x1b[2J\\x00 ({evil.id})" in applied.stdout, applied.stdout
    assert not any(raw in applied.output for raw in RAW), repr(applied.output)
