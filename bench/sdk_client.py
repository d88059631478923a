"""What standing on the openai SDK's client costs: the two figures the transport is held to.

    python bench/sdk_client.py          # writes its section of bench/RESULTS.md

- CPU of a no-op plan of 300 assistants (0 ms latency) over the CPU of ``python -c "import openai"``,
  measured side by side (plan, plan without the cache, import, ...), median of 5; target at most 1.4x.
- A first apply of 200 assistants at 300 ms latency against the seed's sequential SDK loop (target
  at least 8x faster) and against its bound: the no-op plan's wall time plus ceil(200 / 16) rounds
  of 300 ms (target within 1.5x).

Each CLI run is a real ``asst-deploy`` process against the emulator in its own process (run.py).
"""

from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from run import PARALLELISM, EmulatorProcess, cli, cli_env, fmt_s, make_project, naive, put_section, run_cmd

HERE = Path(__file__).resolve().parent
START, END = "<!-- sdk-client -->", "<!-- /sdk-client -->"


def fixed_cost(work: Path, times: int = 5) -> dict[str, float]:
    """CPU of a no-op plan over ``import openai``, side by side: the plan as repeated on one
    machine (its project from the loaded-project cache) and as on a fresh CI machine (an empty
    cache folder: the project is built, and its entry written)."""
    root = work / "plan300"
    make_project(root, 300)
    emu = EmulatorProcess(0)
    try:
        env = {**cli_env(emu), "ASST_DEPLOY_CACHE_DIR": str(work / "cache"), "ASST_DEPLOY_CACHE": "on"}
        run_cmd(cli("apply", root), env, emu)
        run_cmd(cli("plan", root), env, emu)  # stores the entry
        plans, colds, imports = [], [], []
        for n in range(times):
            # a fresh CI machine: an empty cache folder, so the plan builds the project (and marks it seen)
            cold_env = {**env, "ASST_DEPLOY_CACHE_DIR": str(work / f"fresh-cache-{n}")}
            for runs, variables in ((plans, env), (colds, cold_env)):
                plan = run_cmd(cli("plan", root, "--detailed-exitcode"), variables, emu)
                assert plan.rc == 0, plan.out[-2000:]
                runs.append(plan.cpu)
            imports.append(run_cmd([sys.executable, "-c", "import openai"], env).cpu)
    finally:
        emu.stop()
    plan_cpu, cold_cpu, import_cpu = statistics.median(plans), statistics.median(colds), statistics.median(imports)
    return {"plan_cpu": plan_cpu, "cold_cpu": cold_cpu, "import_cpu": import_cpu, "ratio": plan_cpu / import_cpu,
            "cold_ratio": cold_cpu / import_cpu}


def first_apply(work: Path, n: int = 200, latency_ms: float = 300) -> dict[str, float]:
    root = work / "apply200"
    make_project(root, n)
    emu = EmulatorProcess(latency_ms)
    try:
        env = {**cli_env(emu), "ASST_DEPLOY_CACHE_DIR": str(work / "cache")}
        first = run_cmd(cli("apply", root), env, emu)
        plan = run_cmd(cli("plan", root, "--detailed-exitcode"), env, emu)
        assert plan.rc == 0, plan.out[-2000:]
        loop = naive("create", root, n, emu)
    finally:
        emu.stop()
    bound = plan.wall + math.ceil(n / PARALLELISM) * latency_ms / 1000
    return {"apply": first.wall, "requests": first.requests, "plan": plan.wall, "loop": loop.wall,
            "bound": bound, "speedup": loop.wall / first.wall, "ratio": first.wall / bound, "rss": first.maxrss_mb}


def report(fc: dict[str, float], ap: dict[str, float]) -> str:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return "\n".join([
        START,
        "## The SDK's client carries the requests (`python bench/sdk_client.py`)",
        "",
        f"Load average when it ended: {load} (2 cores).",
        "",
        "| figure | measured | target | met |",
        "|---|---:|---:|---|",
        f"| no-op plan of 300, CPU (median of 5) over `import openai`, repeated (the project from the cache) | "
        f"{fmt_s(fc['plan_cpu'])} / {fmt_s(fc['import_cpu'])} = {fc['ratio']:.2f}x | ≤ 1.4x | "
        f"{'yes' if fc['ratio'] <= 1.4 else 'NO'} |",
        f"| the same, as on a fresh CI machine (an empty cache folder: the project built) | "
        f"{fmt_s(fc['cold_cpu'])} / {fmt_s(fc['import_cpu'])} = {fc['cold_ratio']:.2f}x | ≤ 1.4x | "
        f"{'yes' if fc['cold_ratio'] <= 1.4 else 'NO'} |",
        f"| first apply of 200 at 300 ms vs the sequential SDK loop | {fmt_s(ap['apply'])} vs {fmt_s(ap['loop'])}"
        f" = {ap['speedup']:.1f}x faster | ≥ 8x | {'yes' if ap['speedup'] >= 8 else 'NO'} |",
        f"| the same apply over its bound (no-op plan {fmt_s(ap['plan'])} + ceil(200/{PARALLELISM}) x 300 ms) | "
        f"{fmt_s(ap['apply'])} / {fmt_s(ap['bound'])} = {ap['ratio']:.2f}x | ≤ 1.5x | "
        f"{'yes' if ap['ratio'] <= 1.5 else 'NO'} |",
        "",
        f"The apply made {ap['requests']:.0f} requests, peak RSS {ap['rss']:.0f} MB.",
        END,
    ])


def write(section: str) -> None:
    put_section(section, START, END)


def main() -> None:
    # compiled first, as pip compiles a package it installs: with PYTHONDONTWRITEBYTECODE set (as on
    # the bench machine) an editable install would compile the tool's modules again in every command
    import asst_deploy

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(asst_deploy.__file__).parent)], check=True,
                   stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fc = fixed_cost(work)
        ap = first_apply(work)
    section = report(fc, ap)
    print(section)
    write(section)


if __name__ == "__main__":
    main()
