"""Every case of a test run, concurrently: each repeat of each case is one task on a bounded pool
of threads, sharing the command's client (and so its rate limiter and 429 patience)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ..events import CaseDone, EventSink, ignore
from ..manifest.models import CheckCase
from .judge import Attempt, CaseResult, Context, conversation_of, judge_one, required_passes
from .reply import Grader, Runner


@dataclass(frozen=True)
class Job:
    """One case of one assistant, and what runs and judges it."""

    assistant: str
    case: CheckCase
    runner: Runner
    context: Context = Context()


@dataclass(frozen=True)
class Outcome:
    """A job's result and how long its repeats took, start of the first to end of the last."""

    assistant: str
    result: CaseResult
    seconds: float


def run_jobs(jobs: list[Job], grader: Grader | None, parallelism: int,
             on_event: EventSink = ignore) -> list[Outcome]:
    """The outcome of every job, in the jobs' order."""
    attempts: list[list[Attempt | None]] = [[None] * job.case.repeat for job in jobs]
    spans: list[list[float]] = [[] for _ in jobs]
    left = [job.case.repeat for job in jobs]
    mutex = threading.Lock()

    def one(index: int, repeat: int) -> None:
        job = jobs[index]
        started = time.monotonic()
        attempt = _attempt(job, grader)
        with mutex:
            attempts[index][repeat] = attempt
            spans[index] += [started, time.monotonic()]
            left[index] -= 1
            done = left[index] == 0
        if done:
            result = _result(job, attempts[index])
            on_event(CaseDone(job.assistant, job.case.name, "PASS" if result.passed else "FAIL",
                              result.passes, job.case.repeat))

    pool = ThreadPoolExecutor(max_workers=max(1, parallelism), thread_name_prefix="check")
    try:
        futures = [pool.submit(one, i, r) for i, job in enumerate(jobs) for r in range(job.case.repeat)]
        for future in futures:
            future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [Outcome(job.assistant, _result(job, attempts[i]), max(spans[i]) - min(spans[i]) if spans[i] else 0.0)
            for i, job in enumerate(jobs)]


def _attempt(job: Job, grader: Grader | None) -> Attempt:
    try:
        reply = job.runner.converse(conversation_of(job.case))
    except Exception as exc:  # an API error, a timeout: this repeat fails, saying why; the others go on
        return judge_one(job.case, None, grader, job.context, f"no reply: {type(exc).__name__}: {exc}")
    return judge_one(job.case, reply, grader, job.context)


def _result(job: Job, attempts: list[Attempt | None]) -> CaseResult:
    return CaseResult(job.case.name, tuple(a for a in attempts if a is not None), required_passes(job.case))
