"""The loaded-project cache from its entries' side: what an entry holds decides nothing by itself.

Black-box edits of every kind of input are in test_plan_cache.py; here the entry file is changed
(as another version of asst-deploy, a clock, or a bug would leave it) and the plan must still be
what the files say, or, under ``verify``, refuse.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from support.cli import Cli

ON = {"ASST_DEPLOY_CACHE": "on"}


def _entry(cache: Path) -> Path:
    entries = list((cache / "projects").glob("*.json"))
    assert len(entries) == 1, entries
    return entries[0]


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    entry = json.loads(path.read_text())
    change(entry)
    path.write_text(json.dumps(entry))


@pytest.fixture
def cached(cli: Cli, tmp_path: Path) -> Cli:
    """The example applied in dev, and a plan that stored its entry in a folder of this test's own."""
    cli.environ.update(ON, ASST_DEPLOY_CACHE_DIR=str(tmp_path / "cache"))
    cli("apply", "--auto-approve")
    first = cli("plan", "-v", "--detailed-exitcode").stderr
    assert "cache: rebuilt (no entry; the next plan of this project here stores one)" in first
    assert not list((tmp_path / "cache" / "projects").glob("*.json"))  # a first plan here writes no entry
    assert "cache: rebuilt (no entry)" in cli("plan", "-v", "--detailed-exitcode").stderr
    assert "cache: used" in cli("plan", "-v", "--detailed-exitcode").stderr
    return cli


def test_verify_refuses_an_entry_that_its_files_no_longer_build(cached: Cli, tmp_path: Path) -> None:
    def poison(entry: dict) -> None:
        spec = next(s for s in entry["specs"] if s["name"] == "math-tutor")
        spec["temperature"] = 0.9

    _edit(_entry(tmp_path / "cache"), poison)
    served = cached("plan", "--detailed-exitcode", code=2).stdout  # `on` serves the entry as it is
    assert "math-tutor" in served and "0.9" in served
    with pytest.raises(AssertionError, match="the loaded-project cache served a project that its files no longer "
                                             "build: specs differ"):
        cached("plan", environ={"ASST_DEPLOY_CACHE": "verify"})


def test_an_entry_from_other_code_is_not_used(cached: Cli, tmp_path: Path) -> None:
    _edit(_entry(tmp_path / "cache"), lambda entry: entry.update(tool="another asst-deploy"))
    assert "cache: rebuilt (asst-deploy, Python or a package changed)" in cached("plan", "-v").stderr
    assert "cache: used" in cached("plan", "-v").stderr


def test_a_retrieval_file_trusted_by_its_status_is_hashed_again_once_it_changes(cached: Cli, project: Path,
                                                                                  tmp_path: Path) -> None:
    # as if the files had been hashed long after their last change: their status alone now proves them
    entry = _entry(tmp_path / "cache")
    _edit(entry, lambda e: e["answers"].update(started_ns=time.time_ns() + 10**10))
    trusted = json.loads(entry.read_text())["answers"]["files"]
    assert any(rel.startswith("docs/billing/") for rel in trusted), trusted
    assert "cache: used" in cached("plan", "-v", "--detailed-exitcode").stderr

    document = sorted((project / "docs/billing").glob("*.md"))[0]
    status = document.stat()
    text = document.read_bytes()
    document.write_bytes(text[:-2] + (b"X\n" if text[-2:] != b"X\n" else b"Y\n"))  # same size, other bytes
    os.utime(document, ns=(status.st_atime_ns, status.st_mtime_ns))  # and the same mtime: only ctime tells

    result = cached("plan", "-v", "--detailed-exitcode", code=2)
    rel = document.relative_to(project).as_posix()
    assert f"cache: rebuilt ({rel} changed)" in result.stderr
    assert rel in result.stdout


def test_a_manifests_folder_removed_after_a_cached_plan_is_an_error(make_project, tmp_path: Path,
                                                                  asst_emulator) -> None:  # type: ignore[no-untyped-def]
    root = make_project(config="project: empty\nmanifests: assistants/\n")
    cli = Cli(project=root, emulator=asst_emulator, environ={**ON, "ASST_DEPLOY_CACHE_DIR": str(tmp_path / "c")})
    cli("plan")
    cli("plan")
    assert "cache: used" in cli("plan", "-v").stderr
    (root / "assistants").rmdir()
    result = cli("plan", "-v", code=1)
    assert "manifests folder 'assistants/' not found" in result.stderr
    assert "cache: used" not in result.stderr


def test_off_neither_reads_nor_writes_entries(cli: Cli, tmp_path: Path) -> None:
    cli.environ.update(ASST_DEPLOY_CACHE="off", ASST_DEPLOY_CACHE_DIR=str(tmp_path / "cache"))
    for _ in range(2):
        assert "cache:" not in cli("plan", "-v").stderr
    assert not (tmp_path / "cache").exists()


def test_a_setting_that_is_not_a_mode_is_refused_by_name(cli: Cli) -> None:
    result = cli("plan", environ={"ASST_DEPLOY_CACHE": "sometimes"}, code=1)
    assert "ASST_DEPLOY_CACHE='sometimes': use on, off or verify" in result.stderr


def test_only_plan_reads_entries(cached: Cli, tmp_path: Path) -> None:
    """An apply builds from the files whatever an entry says: a poisoned entry changes nothing it does."""
    _edit(_entry(tmp_path / "cache"), lambda e: e["specs"].clear())
    out = cached("apply", "--auto-approve").stdout
    assert "3 assistants unchanged." in out and "No changes." in out and "delete" not in out


def test_the_folder_keeps_the_entries_used_last_within_its_bounds(cli: Cli, tmp_path: Path) -> None:
    """A CI runner that keeps its home folder plans in a new checkout each job: entries must not pile up."""
    from asst_deploy.project_cache import MAX_ENTRIES, STALE_TEMPORARY_S

    entries = tmp_path / "cache" / "projects"
    entries.mkdir(parents=True)
    long_ago = time.time() - 10 * STALE_TEMPORARY_S
    for n in range(MAX_ENTRIES + 20):
        old = entries / f"{n:040x}.json"
        old.write_text("{}")
        os.utime(old, (long_ago + n, long_ago + n))
    left_by_a_kill = entries / ".entry-killed.tmp"
    left_by_a_kill.write_text("{")
    os.utime(left_by_a_kill, (long_ago, long_ago))
    being_written = entries / ".entry-now.tmp"
    being_written.write_text("{")

    cli.environ.update(ON, ASST_DEPLOY_CACHE_DIR=str(tmp_path / "cache"))
    cli("plan")  # marks the project seen
    cli("plan")  # stores its entry
    kept = sorted(p.name for p in entries.iterdir() if p.suffix in (".json", ".seen"))  # entries, and marks
    assert len(kept) == MAX_ENTRIES
    assert f"{0:040x}.json" not in kept and f"{MAX_ENTRIES + 19:040x}.json" in kept  # the oldest went
    assert "cache: used" in cli("plan", "-v").stderr  # this project's own entry is among those kept
    assert not left_by_a_kill.exists() and being_written.exists()
