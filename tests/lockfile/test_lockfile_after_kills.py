"""A destroy killed (SIGKILL) in the middle of its deletes, then a destroy that finishes: the
lockfile names nothing that was deleted (no entry, no file object), no owned object is left, and
no temp file of the killed run's lockfile writes remains."""

from __future__ import annotations

import json
import signal
import warnings
from pathlib import Path

import openai
from support.cli import Cli
from support.projects import write_project
from support.waiting import wait_until

from asst_deploy.ownership import MARKER_KEY

MANIFESTS = {
    "asst-deploy.yaml": "project: p\n",
    "assistants/bot.yaml": """\
        name: bot
        model: gpt-4o
        tools: [{type: file_search}, {type: code_interpreter}]
        files: [docs/*.md]
        code_interpreter_files: [data/x.csv]
    """,
    "assistants/two.yaml": "name: two\nmodel: gpt-4o\ntools: [{type: file_search}]\nfiles: [docs/c.md]\n",
    "assistants/three.yaml": "name: three\nmodel: gpt-4o\ntools: [{type: file_search}]\nfiles: [docs/d.md]\n",
    "docs/a.md": "alpha\n", "docs/b.md": "beta\n", "docs/c.md": "gamma\n", "docs/d.md": "delta\n",
    "data/x.csv": "a,b\n",
}


def _deletes(emulator) -> int:
    return sum(n for key, n in emulator.counter().items() if key.startswith("DELETE"))


def _owned(api: openai.OpenAI) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        objects = [*api.beta.assistants.list(limit=100), *api.vector_stores.list(limit=100)]
    ids = [o.id for o in objects if (o.metadata or {}).get(MARKER_KEY, "").startswith("p/")]
    return ids + [f.id for f in api.files.list(purpose="assistants") if f.filename.startswith("asst-deploy~p~")]


def test_a_destroy_killed_mid_way_then_a_finished_one_leaves_no_deleted_id(tmp_path: Path, asst_emulator) -> None:
    project = write_project(tmp_path / "p", MANIFESTS)
    cli = Cli(project=project, emulator=asst_emulator)
    cli("apply", "--auto-approve")
    lockfile = project / "assistants.lock.json"
    api = openai.OpenAI(base_url=asst_emulator.base_url, api_key="sk-test", max_retries=0)
    deployed = set(_owned(api))
    assert len(deployed) == 11  # 3 assistants, 3 stores, 5 files
    asst_emulator.set_faults(latency_ms=40)  # time to land the kill between two deletes
    asst_emulator.reset_counter()
    proc = cli.spawn("destroy", "--auto-approve", "--parallelism", "1")
    wait_until(lambda: _deletes(asst_emulator) >= 3, timeout=60, process=proc)
    assert proc.poll() is None, "the destroy ended before the kill: " + proc.communicate()[1]
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    asst_emulator.set_faults(latency_ms=0)
    left = set(_owned(api))
    assert left and left < deployed, left  # killed in the middle: some objects gone, some not
    json.loads(lockfile.read_text())  # whole, whatever the moment
    assert "Destroy complete" in cli("destroy", "--auto-approve").stdout
    assert json.loads(lockfile.read_text())["assistants"] == {}
    assert _owned(api) == []
    assert not list(project.glob(".assistants.lock.json.*.tmp"))
    assert "Nothing to destroy" in cli("destroy", "--auto-approve").stdout
