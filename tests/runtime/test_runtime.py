"""What runtime code imports: lookups from the lockfile, with no heavy imports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import asst_deploy
from asst_deploy.lock.file import write_lock


def lockfile(folder: Path, env: str = "prod") -> Path:
    path = folder / f"assistants.{env}.lock.json"
    write_lock(path, {"version": 1, "project": "p", "environment": env, "assistants": {
        "support-bot": {"id": "asst_1", "vector_store_id": "vs_1"},
        "helper": {"responses": {"model": "gpt-4o", "tools": [{"type": "file_search", "vector_store_ids": ["vs_2"]}]}},
    }})
    return path


def test_lookups_search_upward_from_the_current_folder(tmp_path: Path, monkeypatch):
    lockfile(tmp_path)
    deep = tmp_path / "src" / "app"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    monkeypatch.setenv("ASST_DEPLOY_ENV", "prod")
    assert asst_deploy.assistant_id("support-bot") == "asst_1"
    assert asst_deploy.vector_store_id("support-bot") == "vs_1"
    assert asst_deploy.responses_kwargs("helper")["tools"][0]["vector_store_ids"] == ["vs_2"]


def test_unknown_name_is_a_key_error_listing_the_known_ones(tmp_path: Path):
    path = lockfile(tmp_path)
    with pytest.raises(KeyError) as caught:
        asst_deploy.assistant_id("suport-bot", path=path)
    assert isinstance(caught.value, asst_deploy.UnknownAssistant)
    assert str(caught.value) == "no assistant named 'suport-bot' in the lockfile; known: helper, support-bot"


def test_missing_lockfile_says_where_it_looked(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ASST_DEPLOY_LOCKFILE", raising=False)
    with pytest.raises(asst_deploy.LockfileNotFound) as caught:
        asst_deploy.assistant_id("x", env="staging")
    assert f"no assistants.staging.lock.json (environment 'staging') in {tmp_path.resolve()}" in str(caught.value)


def test_a_changed_lockfile_is_read_again(tmp_path: Path):
    path = lockfile(tmp_path)
    assert asst_deploy.assistant_id("support-bot", path=path) == "asst_1"
    data = json.loads(path.read_text())
    data["assistants"]["support-bot"]["id"] = "asst_2"
    write_lock(path, data)
    os.utime(path, ns=(1, path.stat().st_mtime_ns + 10_000))  # a new mtime even on coarse clocks
    assert asst_deploy.assistant_id("support-bot", path=path) == "asst_2"


def test_responses_kwargs_are_a_copy(tmp_path: Path):
    path = lockfile(tmp_path)
    asst_deploy.responses_kwargs("helper", path=path)["tools"].clear()
    assert asst_deploy.responses_kwargs("helper", path=path)["tools"]


def test_import_stays_light():
    code = "import sys, asst_deploy; print(sorted(m for m in ('openai', 'click', 'deepdiff', 'yaml', 'pydantic') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_import_and_a_lockfile_lookup_load_no_source_reader(tmp_path: Path):
    """Published sources are read by asst_deploy.source with boto3 or urllib.request: none of them
    is loaded by the import, nor by a lookup in a lockfile."""
    path = lockfile(tmp_path)
    code = ("import sys, asst_deploy\n"
            "watched = ('boto3', 'botocore', 'urllib.request', 'http.client', 'asst_deploy.source', 'hashlib')\n"
            "print(sorted(m for m in watched if m in sys.modules))\n"
            f"asst_deploy.assistant_id('support-bot', path={str(path)!r})\n"
            "print(sorted(m for m in watched if m in sys.modules))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["[]", "[]"]


def test_agents_without_the_sdk_says_which_extra_to_install():
    code = ("import sys; sys.modules['agents'] = None\n"  # as if openai-agents were not installed
            "import asst_deploy\n"
            "try:\n    asst_deploy.agents\nexcept ImportError as exc:\n    print(exc)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "asst_deploy.agents needs the OpenAI Agents SDK: pip install 'asst-deploy[agents]'"
