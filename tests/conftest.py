"""Shared fixtures: throwaway projects built in tmp_path (manifests, config, files they point at).

The suite runs in parallel (``pytest -n auto``, pytest-xdist: one process per core) as well as in one
process: a test keeps everything it writes under ``tmp_path``, takes ports from the OS (port 0) and
leaves no environment variable, working directory or module state changed behind it.
"""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path
from typing import Any, Callable

import pytest
from hypothesis import settings
from support.cli import OURS
from support.projects import REPO, write_project

# Hypothesis's 200 ms deadline per example is a timing check, and timing belongs to bench/: on a
# loaded machine (2 cores, several suites at once) it failed examples that take 0.5 ms when idle.
settings.register_profile("asst-deploy", deadline=None)
settings.load_profile("asst-deploy")

# Files every throwaway project has, for manifests to point at.
FIXTURE_FILES: dict[str, str | bytes] = {
    "prompts/ok.md": "Be helpful.\n",
    "schemas/ok.json": '{"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}',
    "schemas/not-json.json": "{type: object}",
    "schemas/array.json": "[1, 2]",
    "docs/a.md": "# A\n",
    "docs/b.md": "# B\n",
    "data/x.csv": "a,b\n1,2\n",
    **{f"data/many/f{i:02}.csv": f"n\n{i}\n" for i in range(25)},
}

MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """make_project({"assistants/a.yaml": "..."}, config="...") -> project root."""

    def make(files: dict[str, str | bytes] | None = None, config: str | None = None) -> Path:
        root = tmp_path / "proj"
        write_project(root, {**FIXTURE_FILES, **(files or {})}, lstrip=False)
        (root / "assistants").mkdir(exist_ok=True)
        if config is not None:
            write_project(root, {"asst-deploy.yaml": config}, lstrip=False)
        return root

    return make


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``heavy(seconds)`` first, longest first: started last, one of them would run on
    alone after the other workers had finished (longest first is the classic rule for parallel jobs)."""

    def seconds(item: pytest.Item) -> float:
        mark = item.get_closest_marker("heavy")
        return -float(mark.args[0]) if mark is not None else 0.0

    items.sort(key=seconds)  # stable: the rest keep their order


@pytest.fixture(scope="session")
def _plan_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("plan-cache")


@pytest.fixture(autouse=True)
def _no_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch, _plan_cache: Path) -> None:
    """A developer's ASST_DEPLOY_ENV (or backend, or lockfile) must not change what a test sees.

    Every plan checks the loaded-project cache (``verify``): a project served from an entry is
    built from its files too and must be the same, so each test that edits a file and plans again
    also tests that the cache saw the edit. The entries live in one folder per test session."""
    for name in OURS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ASST_DEPLOY_CACHE", "verify")
    monkeypatch.setenv("ASST_DEPLOY_CACHE_DIR", str(_plan_cache))


# -- the fault suite's totals (tests/faults), summed over xdist workers --------------------------------
FAULT_TOTALS = REPO / "bench" / "faults-totals.json"
_worker_totals = pytest.StashKey[dict[str, int]]()


def _local_fault_totals() -> dict[str, int]:
    harness = sys.modules.get("faults_harness")  # imported only when fault tests ran in this process
    return harness.TOTALS.as_dict() if harness is not None and harness.TOTALS.runs else {}


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)  # set on an xdist worker only
    if workeroutput is not None:
        workeroutput["fault_totals"] = json.dumps(_local_fault_totals())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist controller: add up what each worker's fault tests counted."""
    got = json.loads(getattr(node, "workeroutput", {}).get("fault_totals") or "{}")
    summed: dict[str, int] = node.config.stash.setdefault(_worker_totals, {})
    for key, value in got.items():
        summed[key] = summed.get(key, 0) + value


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """The fault suite's totals; the slow run (``-m slow``) records them in bench/faults-totals.json."""
    totals = config.stash.get(_worker_totals, {}) or _local_fault_totals()
    if not totals.get("runs"):
        return
    terminalreporter.write_sep("-", "fault suite totals")
    for key, value in totals.items():
        terminalreporter.write_line(f"{key:>16}: {value}")
    markexpr = config.getoption("markexpr", "") or ""
    if "slow" in markexpr and "not slow" not in markexpr and exitstatus == 0:
        FAULT_TOTALS.write_text(json.dumps({"date": datetime.date.today().isoformat(), **totals}, indent=2) + "\n")
        terminalreporter.write_line(f"wrote {FAULT_TOTALS}")
