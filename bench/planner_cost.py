"""CPU of `plan` over 300 assistants, for several copies of the package side by side.

    python bench/planner_cost.py NAME=DIR [NAME=DIR ...]

Each DIR holds an ``asst_deploy`` package (a checkout, or ``git archive`` of one); the CLI runs from
it in place of the installed one. The runs are interleaved (one of each copy in turn) so the
machine's load falls on all alike, and each figure is the median of 5. Two plans: a no-op plan
(nothing changed since the apply) and one where every manifest's metadata changed (so the
planner compares a nested value for each of the 300).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
import tempfile

from run import EmulatorProcess, cli, cli_env, make_project, run_cmd

N, TIMES = 300, 5
# the CLI from DIR: the editable install's finder would win over sys.path, so it is taken out
RUNNER = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in repr(f)]; "
          "sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'asst-deploy'; "
          "from asst_deploy.cli import main; sys.exit(main())")


def cpu_of_plans(copies: dict[str, str], root: Path, emu: EmulatorProcess) -> dict[str, list[float]]:
    env = cli_env(emu)
    cpu: dict[str, list[float]] = {name: [] for name in copies}
    for _ in range(TIMES):
        for name, src in copies.items():
            args = [sys.executable, "-c", RUNNER, src, *cli("plan", root)[1:]]
            cpu[name].append(run_cmd(args, env, emu).cpu)
    return cpu


def main() -> None:
    copies = dict(arg.split("=", 1) for arg in sys.argv[1:])
    with tempfile.TemporaryDirectory() as work:
        root = Path(work) / "p"
        make_project(root, N)
        emu = EmulatorProcess(0)
        try:
            run_cmd(cli("apply", root), cli_env(emu), emu)
            results = {"no-op plan": cpu_of_plans(copies, root, emu)}
            for path in (root / "assistants").glob("*.yaml"):
                path.write_text(path.read_text().replace("metadata: {team:", "metadata: {tier: gold, team:"))
            results["plan, 300 metadata edits"] = cpu_of_plans(copies, root, emu)
        finally:
            emu.stop()
    for what, cpu in results.items():
        print(what + ": " + ", ".join(f"{name} {statistics.median(v):.3f} s (of {', '.join(f'{x:.2f}' for x in v)})"
                                      for name, v in cpu.items()))


if __name__ == "__main__":
    main()
