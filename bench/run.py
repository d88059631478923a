"""Benchmarks of asst-deploy against its lower bound and against the naive sequential loop.

Run by hand (never in CI):

    python bench/run.py            # full: N = 10, 100, 1,000 (+ 1,000 files), latency 0 and 25 ms
    python bench/run.py --quick    # small: N = 10, 100 (+ 100 files), latency 0 and 25 ms

The emulator runs in its own process (``asst-deploy emulator``), and the CLI runs as a subprocess
exactly as a user runs it, so the client's CPU time, imports and memory are measured as they are.
Requests are counted by the emulator (``/__emulator__/counter``). Results go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CLI = str(BIN / "asst-deploy") if (BIN / "asst-deploy").exists() else shutil.which("asst-deploy") or "asst-deploy"
from asst_deploy.defaults import DEFAULT_PARALLELISM as PARALLELISM  # the bounds assume the tool's default
PAGE = 100
FAULTS_FILE = HERE / "faults-totals.json"  # written by the slow fault suite (tests/faults)


# -- the emulator, in its own process --------------------------------------------------------------
class EmulatorProcess:
    def __init__(self, latency_ms: float, data: str | None = None, *extra: str) -> None:
        self.latency_ms = latency_ms
        self.port = _free_port()
        args = [CLI, "emulator", "--port", str(self.port), "--latency-ms", str(latency_ms), *extra]
        if data:
            args += ["--data", data]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                self.control("GET", "health")
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise RuntimeError("the emulator did not start")
                time.sleep(0.05)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def control(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/__emulator__/{path}", data=data, method=method,
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def reset(self) -> None:
        self.control("POST", "counter/reset")

    def cpu(self) -> float:
        """User + system CPU seconds the emulator's process has used so far (Linux /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def counter(self) -> dict[str, int]:
        return self.control("GET", "counter")["counter"]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- projects ----------------------------------------------------------------------------------
def make_project(root: Path, n: int, files_total: int = 0, with_files: int = 0) -> None:
    """N assistants; ``files_total`` retrieval files spread over the first ``with_files`` of them."""
    if root.exists():
        shutil.rmtree(root)
    (root / "assistants").mkdir(parents=True)
    (root / "asst-deploy.yaml").write_text("project: bench\nmanifests: assistants/\napi: assistants\n")
    per = files_total // with_files if with_files else 0
    for i in range(n):
        name = f"bot-{i:04d}"
        text = (f"name: {name}\ndisplay_name: Bot {i}\nmodel: gpt-4o-mini\n"
                f"instructions: You are bot number {i}. Answer briefly.\n"
                f"temperature: 0.5\nmetadata: {{team: t{i % 7}}}\n")
        if i < with_files:
            docs = root / "docs" / name
            docs.mkdir(parents=True)
            for k in range(per):
                (docs / f"doc-{k:02d}.md").write_text(f"# Doc {k} of {name}\n\n" + f"fact {i}-{k}\n" * 20)
            text += "tools:\n  - type: file_search\nfiles:\n  - docs/" + name + "/*.md\n"
        (root / "assistants" / f"{name}.yaml").write_text(text)


def touch_tenth(root: Path, n: int, round_: int = 1) -> int:
    """Change the instructions of every tenth manifest; returns how many changed."""
    changed = 0
    for i in range(0, n, 10):
        path = root / "assistants" / f"bot-{i:04d}.yaml"
        text = path.read_text().replace("Answer briefly.", f"Answer briefly (rev {round_}).")
        path.write_text(text)
        changed += 1
    return changed


# -- running a command -------------------------------------------------------------------------
@dataclass
class Run:
    wall: float
    rc: int
    maxrss_mb: float
    requests: int = 0
    writes: int = 0
    counter: dict[str, int] = field(default_factory=dict)
    out: str = ""
    cpu: float = 0.0  # user + system seconds of the command's process
    rate_limited: int = 0  # requests the emulator answered 429
    peak_concurrency: int = 0  # the most requests the emulator answered at once
    emu_cpu: float = 0.0  # CPU seconds the emulator's process spent while the command ran


def run_cmd(args: list[str], env: dict[str, str], emu: EmulatorProcess | None = None, check: bool = True) -> Run:
    emu_cpu = 0.0
    if emu:
        emu.reset()
        emu_cpu = emu.cpu()
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode(errors="replace")
    run = Run(wall, proc.returncode, usage.ru_maxrss / 1024, out=text, cpu=usage.ru_utime + usage.ru_stime)
    if emu:
        run.emu_cpu = emu.cpu() - emu_cpu
        state = emu.control("GET", "counter")
        run.counter = state["counter"]
        run.rate_limited = state.get("rate_limited", 0)
        run.peak_concurrency = state.get("peak_concurrency", 0)
        run.requests = sum(run.counter.values())
        run.writes = sum(v for k, v in run.counter.items() if k.startswith(("POST", "DELETE")))
    if check and run.rc not in (0, 2):
        raise RuntimeError(f"{' '.join(args)} exited {run.rc}:\n{text[-3000:]}")
    return run


def cli_env(emu: EmulatorProcess) -> dict[str, str]:
    env = dict(os.environ)
    env.update(OPENAI_BASE_URL=emu.base_url, OPENAI_API_KEY="sk-bench-key", ASST_DEPLOY_BACKEND="openai")
    env.pop("ASST_DEPLOY_ENV", None)
    return env


def cli(verb: str, root: Path, *extra: str) -> list[str]:
    args = [CLI, verb, "--project-dir", str(root)]
    if verb in ("apply", "destroy"):
        args += ["--auto-approve", "--parallelism", str(PARALLELISM)]
    return args + list(extra)


# -- the naive way: one SDK call after another, as the tutorials do ---------------------------------
NAIVE = r'''
import glob, json, os, sys, warnings
warnings.simplefilter("ignore")
import openai
mode, root, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = openai.OpenAI()
ids_path = os.path.join(root, "naive-ids.json")
if mode == "create":
    ids = {}
    for i in range(n):
        name = f"bot-{i:04d}"
        docs = sorted(glob.glob(os.path.join(root, "docs", name, "*.md")))
        kwargs = {}
        if docs:
            file_ids = [client.files.create(file=open(p, "rb"), purpose="assistants").id for p in docs]
            store = client.vector_stores.create(name=name, file_ids=file_ids)
            kwargs = dict(tools=[{"type": "file_search"}],
                          tool_resources={"file_search": {"vector_store_ids": [store.id]}})
        a = client.beta.assistants.create(model="gpt-4o-mini", name=f"Bot {i}", temperature=0.5,
                                          instructions=f"You are bot number {i}. Answer briefly.",
                                          metadata={"team": f"t{i % 7}"}, **kwargs)
        ids[name] = a.id
    json.dump(ids, open(ids_path, "w"))
elif mode == "update":
    ids = json.load(open(ids_path))
    for i in range(0, n, 10):
        client.beta.assistants.update(ids[f"bot-{i:04d}"], instructions=f"You are bot number {i}. Answer briefly (rev 1).")
elif mode == "delete":
    for a in list(client.beta.assistants.list(limit=100)):
        if not (a.metadata or {}).get("asst-deploy"):
            client.beta.assistants.delete(a.id)
    for s in list(client.vector_stores.list(limit=100)):
        if not (s.metadata or {}).get("asst-deploy"):
            client.vector_stores.delete(s.id)
    for f in list(client.files.list(purpose="assistants")):
        if not f.filename.startswith("asst-deploy~"):
            client.files.delete(f.id)
'''


def naive(mode: str, root: Path, n: int, emu: EmulatorProcess) -> Run:
    script = root.parent / "naive.py"
    script.write_text(NAIVE)
    return run_cmd([sys.executable, str(script), mode, str(root), str(n)], cli_env(emu), emu)


# -- scenarios ---------------------------------------------------------------------------------
@dataclass
class Row:
    step: str
    requests: int
    req_bound: int | None
    wall: float
    bound: float | None
    naive: float | None
    naive_requests: int | None
    maxrss_mb: float

    def ratio(self) -> str:
        if self.bound is None or self.bound <= 0:
            return "—"
        return f"{self.wall / self.bound:.2f}x"


def scenario(work: Path, latency: float, n: int, files_total: int = 0, with_files: int = 0,
             with_naive: bool = True) -> list[Row]:
    root = work / "p"
    make_project(root, n, files_total, with_files)
    stores = with_files
    lat = latency / 1000
    emu = EmulatorProcess(latency)
    try:
        env = cli_env(emu)
        rows: list[Row] = []
        first = run_cmd(cli("apply", root), env, emu)
        plan = run_cmd(cli("plan", root, "--detailed-exitcode"), env, emu)
        if plan.rc != 0:
            raise RuntimeError("the plan after the first apply is not empty:\n" + plan.out[-2000:])
        plan_pages = math.ceil(n / PAGE) + math.ceil(stores / PAGE) + 1
        plan_bound = plan_pages * lat
        nv = naive("create", root, n, emu) if with_naive else None
        rows.append(Row("first apply", first.requests, None, first.wall,
                        plan.wall + math.ceil(first.writes / PARALLELISM) * lat,
                        nv.wall if nv else None, nv.requests if nv else None, first.maxrss_mb))
        rows.append(Row("no-op plan", plan.requests, plan_pages, plan.wall, plan_bound if lat else None,
                        None, None, plan.maxrss_mb))
        k = touch_tenth(root, n)
        upd = run_cmd(cli("apply", root), env, emu)
        nv = naive("update", root, n, emu) if with_naive else None
        rows.append(Row(f"update {k} (10%)", upd.requests, None, upd.wall,
                        plan.wall + math.ceil(upd.writes / PARALLELISM) * lat,
                        nv.wall if nv else None, nv.requests if nv else None, upd.maxrss_mb))
        after = run_cmd(cli("plan", root, "--detailed-exitcode"), env, emu)
        if after.rc != 0:
            raise RuntimeError("the plan after the update is not empty:\n" + after.out[-2000:])
        gone = run_cmd(cli("destroy", root), env, emu)
        nv = naive("delete", root, n, emu) if with_naive else None
        rows.append(Row("destroy", gone.requests, None, gone.wall,
                        plan.wall + math.ceil(gone.writes / PARALLELISM) * lat,
                        nv.wall if nv else None, nv.requests if nv else None, gone.maxrss_mb))
        return rows
    finally:
        emu.stop()


def noop_plans(root: Path, n: int, times: int = 3, also: list[str] | None = None) -> list[Run]:
    """A project of ``n`` applied at 0 ms, then ``times`` no-op plans (and ``also``, a command run
    as many times against the same emulator, after them)."""
    make_project(root, n)
    emu = EmulatorProcess(0)
    try:
        env = cli_env(emu)
        run_cmd(cli("apply", root), env, emu)
        plans = [run_cmd(cli("plan", root, "--detailed-exitcode"), env, emu) for _ in range(times)]
        return plans + ([run_cmd(also, env) for _ in range(times)] if also else [])
    finally:
        emu.stop()


def fixed_costs(work: Path) -> dict[str, float]:
    """--help, validate of 1,000 manifests, no-op plan of 300 at 0 ms, apply of 300 vs the loop at 25 ms."""
    out: dict[str, float] = {}
    env = dict(os.environ)
    helps = [run_cmd([CLI, "--help"], env).wall for _ in range(5)]
    out["help"] = min(helps)
    root = work / "v"
    make_project(root, 1000)
    vals = [run_cmd([CLI, "validate", "--project-dir", str(root)], env) for _ in range(3)]
    out["validate_1000"] = min(v.wall for v in vals)
    root = work / "p300"
    plans = noop_plans(root, 300)
    out["plan_300_0ms"] = min(p.wall for p in plans)
    out["plan_300_requests"] = plans[0].requests
    make_project(root, 300)
    emu = EmulatorProcess(25)
    try:
        e = cli_env(emu)
        a = run_cmd(cli("apply", root), e, emu)
        p = run_cmd(cli("plan", root, "--detailed-exitcode"), e, emu)
        nv = naive("create", root, 300, emu)
        out.update(apply_300_25ms=a.wall, apply_300_requests=a.requests, plan_300_25ms=p.wall,
                   plan_300_25ms_requests=p.requests, naive_300_25ms=nv.wall,
                   apply_300_bound=p.wall + math.ceil(a.writes / PARALLELISM) * 0.025)
    finally:
        emu.stop()
    return out


# -- the report --------------------------------------------------------------------------------
def put_section(section: str, start: str, end: str, path: Path = HERE / "RESULTS.md") -> None:
    """Put ``section`` (which begins with ``start`` and ends with ``end``) in place of the one between
    those markers in ``path``, or at its end the first time."""
    text = path.read_text() if path.exists() else ""
    if start in text and end in text:
        text = text[:text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    path.write_text(text)


def fmt_s(v: float | None) -> str:
    return "—" if v is None else (f"{v * 1000:.0f} ms" if v < 1 else f"{v:.2f} s")


def table(rows: list[Row]) -> str:
    lines = ["| step | requests | request floor | wall | lower bound | ratio | sequential SDK loop | speed-up | peak RSS |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        speed = f"{r.naive / r.wall:.1f}x" if r.naive else "—"
        naive_s = f"{fmt_s(r.naive)} ({r.naive_requests} req)" if r.naive is not None else "—"
        lines.append(f"| {r.step} | {r.requests} | {r.req_bound if r.req_bound is not None else '—'} | "
                     f"{fmt_s(r.wall)} | {fmt_s(r.bound)} | {r.ratio()} | {naive_s} | {speed} | {r.maxrss_mb:.0f} MB |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="N = 10 and 100 only")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    sizes = [10, 100] if args.quick else [10, 100, 1000]
    files = (100, 10) if args.quick else (1000, 100)
    work = Path(tempfile.mkdtemp(prefix="asst-bench-"))
    sections: list[str] = []
    checks: list[tuple[str, str, bool]] = []
    try:
        for latency in (0, 25):
            for n in sizes:
                print(f"N={n} latency={latency} ms ...", flush=True)
                rows = scenario(work, latency, n, with_naive=n <= 1000)
                sections.append(f"### N = {n:,} assistants, {latency} ms per request\n\n{table(rows)}\n")
                plan_row = rows[1]
                limit = math.ceil(n / PAGE) * 2 + 3
                checks.append((f"no-op plan requests, N={n}, {latency} ms", f"{plan_row.requests} ≤ {limit}",
                               plan_row.requests <= limit))
                if n == 1000:
                    checks.append((f"first apply N=1,000 at {latency} ms within 1.5x bound",
                                   rows[0].ratio(), rows[0].bound is not None and rows[0].wall <= 1.5 * rows[0].bound))
                    checks.append((f"peak memory N=1,000 at {latency} ms", f"{max(r.maxrss_mb for r in rows):.0f} MB",
                                   max(r.maxrss_mb for r in rows) < 200))
            total, stores = files
            print(f"{total} files over {stores} assistants, latency={latency} ms ...", flush=True)
            rows = scenario(work, latency, stores, files_total=total, with_files=stores)
            sections.append(f"### {total:,} retrieval files over {stores} assistants, {latency} ms per request\n\n"
                            f"{table(rows)}\n")
            limit = math.ceil(stores / PAGE) * 2 + 3
            checks.append((f"no-op plan requests, {total} files, {latency} ms", f"{rows[1].requests} ≤ {limit}",
                           rows[1].requests <= limit))
        print("fixed costs ...", flush=True)
        fc = fixed_costs(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    speedup = fc["naive_300_25ms"] / fc["apply_300_25ms"]
    checks += [
        ("apply N=300 at 25 ms vs sequential loop", f"{speedup:.1f}x faster ({fmt_s(fc['apply_300_25ms'])} vs "
         f"{fmt_s(fc['naive_300_25ms'])})", speedup >= 5),
        ("apply N=300 at 25 ms vs bound (issue 6: ≤ 2x)", f"{fc['apply_300_25ms'] / fc['apply_300_bound']:.2f}x "
         f"({fmt_s(fc['apply_300_25ms'])} vs {fmt_s(fc['apply_300_bound'])})",
         fc["apply_300_25ms"] <= 2 * fc["apply_300_bound"]),
        ("no-op plan N=300 at 25 ms: requests (issue 6: ≤ 7)", str(fc["plan_300_25ms_requests"]),
         fc["plan_300_25ms_requests"] <= 7),
        ("fixed cost: no-op plan N=300 at 0 ms", fmt_s(fc["plan_300_0ms"]), fc["plan_300_0ms"] < 0.8),
        ("`asst-deploy --help`", fmt_s(fc["help"]), fc["help"] < 0.3),
        ("`validate` of 1,000 manifests", fmt_s(fc["validate_1000"]), fc["validate_1000"] < 2),
    ]
    write_report(args.out, sections, checks, args.quick)
    for name, value, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value}")


def write_report(path: Path, sections: list[str], checks: list[tuple[str, str, bool]], quick: bool) -> None:
    import openai

    machine = (f"{os.cpu_count()} CPUs (`nproc` {subprocess.run(['nproc'], capture_output=True, text=True).stdout.strip()}), "
               f"{platform.machine()}, {platform.system()} {platform.release()}; Python {platform.python_version()}; "
               f"openai {openai.__version__}")
    text = [
        "# asst-deploy benchmarks",
        "",
        f"Generated by `python bench/run.py{' --quick' if quick else ''}` on {datetime.date.today().isoformat()}.",
        f"Machine: {machine}.",
        "",
        "The emulator runs in its own process (`asst-deploy emulator --latency-ms L`); the CLI runs as a subprocess "
        f"(parallelism {PARALLELISM}), so every figure includes interpreter start-up and imports. Requests are "
        "counted by the emulator. Lower bounds: a plan needs ceil(N/100) assistant pages + ceil(stores/100) store "
        "pages + 1 files page (the *request floor*; its time bound is that many round trips); an apply needs the "
        "no-op plan's own wall time + ceil(writes / parallelism) x latency. The sequential SDK loop is what "
        "tutorials do (a Python subprocess, one `client.beta.assistants.create` / `files.create` / "
        "`vector_stores.create` after another), timed the same way. Peak RSS is the CLI process's `ru_maxrss`.",
        "",
        "## Targets (issue 9)",
        "",
        "| target | measured | |",
        "|---|---|---|",
        *[f"| {name} | {value} | {'met' if ok else '**missed**'} |" for name, value, ok in checks],
        "",
        "## Scenarios",
        "",
        *sections,
    ]
    notes = HERE / "NOTES.md"
    if notes.exists():
        text += ["", notes.read_text().strip(), ""]
    if FAULTS_FILE.exists():
        totals = json.loads(FAULTS_FILE.read_text())
        text += ["", "## Fault suite totals", "",
                 f"From `pytest -m slow tests/faults` ({totals.pop('date', '?')}):", "",
                 "| measure | value |", "|---|---:|",
                 *[f"| {k} | {v} |" for k, v in totals.items()], ""]
    old = path.read_text() if path.exists() else ""
    if "<!-- bounds -->" in old:  # written by bench/bounds.py: kept by a full run
        text += ["", "<!-- bounds -->" + old.split("<!-- bounds -->", 1)[1].split("<!-- /bounds -->", 1)[0]
                 + "<!-- /bounds -->", ""]
    path.write_text("\n".join(text) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
