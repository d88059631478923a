"""What ``asst-deploy test`` costs: the two figures behaviour checks are held to.

    python bench/checks.py          # writes its section of bench/RESULTS.md

- 100 cases at 300 ms a request, the default parallelism, against the bound: one case's run
  (``asst-deploy test`` of a project with one case: start, plan, the case) plus ceil(100 /
  parallelism) rounds of 300 ms; target within 1.3x. The deployment is ``api: responses``, where a
  case without function calls is one request. The Agents and Assistants APIs are timed too, for
  information, against the same bound with as many rounds as a case makes sequential requests
  (a session: create, read its items, delete; a thread run: create-and-run, read its messages,
  delete).
- The fixed cost: ``test`` of one case against a no-op ``plan`` of the same project, at 0 ms.

Every command is a real ``asst-deploy`` process against the emulator in its own process (run.py).
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import PARALLELISM, EmulatorProcess, Run, cli, cli_env, fmt_s, put_section, run_cmd

START, END = "<!-- checks -->", "<!-- /checks -->"
CASES, LATENCY_MS = 100, 300.0
MANIFEST = """name: desk
model: gpt-4o
instructions: You are the order desk. Look an order up before answering.
tools:
  - type: function
    function:
      name: get_order_status
      description: Find an order by its number
      parameters: {type: object, properties: {order_number: {type: string}}, required: [order_number]}
checks:
"""
CASE = "  - {{name: case-{i}, input: 'Question {i}: where is my order?', expect: [{{contains: order desk}}]}}\n"


def project(root: Path, api: str, cases: int) -> Path:
    (root / "assistants").mkdir(parents=True)
    (root / "asst-deploy.yaml").write_text(f"project: bench-{root.name}\nmanifests: assistants/\napi: {api}\n")
    (root / "assistants" / "desk.yaml").write_text(MANIFEST + "".join(CASE.format(i=i) for i in range(cases)))
    return root


def _test(root: Path, env: dict[str, str], emu: EmulatorProcess) -> Run:
    run = run_cmd(cli("test", root), env, emu, check=False)
    assert run.rc == 0, run.out[-2000:]
    return run


def hundred_cases(work: Path, api: str) -> dict[str, float]:
    """``test`` of one case, then of 100, at 300 ms, each project applied first."""
    one_root, all_root = project(work / f"{api}-1", api, 1), project(work / f"{api}-{CASES}", api, CASES)
    emu = EmulatorProcess(LATENCY_MS)
    try:
        env = cli_env(emu)
        for root in (one_root, all_root):
            run_cmd(cli("apply", root), env, emu)
        one, every = _test(one_root, env, emu), _test(all_root, env, emu)
    finally:
        emu.stop()
    per_case = (every.requests - one.requests) / (CASES - 1)
    bound = one.wall + math.ceil(CASES / PARALLELISM) * round(per_case) * LATENCY_MS / 1000
    return {"one": one.wall, "wall": every.wall, "bound": bound, "ratio": every.wall / bound, "per_case": per_case,
            "requests": every.requests, "peak": every.peak_concurrency, "rss": every.maxrss_mb}


def fixed_cost(work: Path, times: int = 5) -> dict[str, float]:
    """``test`` of one case against a no-op plan, at 0 ms, side by side, median of ``times``."""
    root = project(work / "fixed", "responses", 1)
    emu = EmulatorProcess(0)
    try:
        env = cli_env(emu)
        run_cmd(cli("apply", root), env, emu)
        plans, tests = [], []
        for _ in range(times):
            plan = run_cmd(cli("plan", root, "--detailed-exitcode"), env, emu)
            assert plan.rc == 0, plan.out[-2000:]
            plans.append(plan)
            tests.append(_test(root, env, emu))
    finally:
        emu.stop()
    return {"plan_wall": statistics.median(p.wall for p in plans), "plan_cpu": statistics.median(p.cpu for p in plans),
            "test_wall": statistics.median(t.wall for t in tests), "test_cpu": statistics.median(t.cpu for t in tests),
            "plan_requests": plans[0].requests, "test_requests": tests[0].requests}


def report(runs: dict[str, dict[str, float]], fc: dict[str, float]) -> str:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = []
    for api, r in runs.items():
        met = "yes" if r["ratio"] <= 1.3 else "NO"
        rows.append(f"| {api} | {r['per_case']:.1f} | {fmt_s(r['one'])} | {fmt_s(r['wall'])} ({r['requests']:.0f} "
                    f"requests, at most {r['peak']:.0f} at once) | {fmt_s(r['one'])} + "
                    f"{math.ceil(CASES / PARALLELISM)} x {round(r['per_case'])} x 300 ms = {fmt_s(r['bound'])} | "
                    f"{r['ratio']:.2f}x | {met if api == 'responses' else met + ' (for information)'} |")
    return "\n".join([
        START,
        "## Behaviour checks: `asst-deploy test` (`python bench/checks.py`)",
        "",
        f"Load average when it ended: {load} (2 cores). Default parallelism ({PARALLELISM}); each figure one "
        "`asst-deploy test` process (start, plan, the cases, the report, the evidence written).",
        "",
        "| api | requests a case | one case | 100 cases at 300 ms | bound | ratio | within 1.3x |",
        "|---|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
        "| fixed cost at 0 ms (median of 5, side by side) | wall | CPU | requests |",
        "|---|---:|---:|---:|",
        f"| no-op `plan` of a one-manifest project | {fmt_s(fc['plan_wall'])} | {fmt_s(fc['plan_cpu'])} | "
        f"{fc['plan_requests']:.0f} |",
        f"| `test` of its one case | {fmt_s(fc['test_wall'])} | {fmt_s(fc['test_cpu'])} | "
        f"{fc['test_requests']:.0f} |",
        f"| test over plan | {fc['test_wall'] / fc['plan_wall']:.2f}x | {fc['test_cpu'] / fc['plan_cpu']:.2f}x | |",
        END,
    ])


def main() -> None:
    import asst_deploy

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(asst_deploy.__file__).parent)], check=True,
                   stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs = {api: hundred_cases(work, api) for api in ("responses", "agents", "assistants")}
        fc = fixed_cost(work)
    section = report(runs, fc)
    print(section)
    put_section(section, START, END)


if __name__ == "__main__":
    main()
