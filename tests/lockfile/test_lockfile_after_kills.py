"""A destroy killed between its deletes and the lockfile write, then a destroy that finishes: the
lockfile names nothing that was deleted (no entry, no file object)."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import openai
from support.cli import Cli
from support.projects import write_project

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
    "docs/a.md": "alpha\n", "docs/b.md": "beta\n", "docs/c.md": "gamma\n", "data/x.csv": "a,b\n",
}


def test_a_killed_destroy_then_a_finished_one_leaves_no_deleted_id(tmp_path: Path, asst_emulator) -> None:
    project = write_project(tmp_path / "p", MANIFESTS)
    cli = Cli(project=project, emulator=asst_emulator)
    cli("apply", "--auto-approve")
    lockfile = project / "assistants.lock.json"
    bot = json.loads(lockfile.read_text())["assistants"]["bot"]
    # what a destroy killed before its lockfile write leaves: bot's objects gone, the lockfile unchanged
    api = openai.OpenAI(base_url=asst_emulator.base_url, api_key="sk-test", max_retries=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        api.beta.assistants.delete(bot["id"])
    api.vector_stores.delete(bot["vector_store_id"])
    for role in ("files", "code_interpreter_files"):
        for item in bot[role].values():
            api.files.delete(item["id"])
    cli("destroy", "--auto-approve")
    assert json.loads(lockfile.read_text())["assistants"] == {}
    assert "Nothing to destroy" in cli("destroy", "--auto-approve").stdout
