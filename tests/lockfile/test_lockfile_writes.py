"""Where and how an apply writes the lockfile: an unwritable place is found before anything is
sent, temp files a killed apply left are cleaned, and the file's mode follows the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from support.cli import Cli
from support.projects import write_project

LOCKFILE = "assistants.lock.json"


def _project(root: Path, config: str = "project: p\n") -> Path:
    return write_project(root, {"asst-deploy.yaml": config, "assistants/bot.yaml": "name: bot\nmodel: gpt-4o\n",
                                "docs/a.md": "alpha\n"})


def _writes(emulator) -> int:
    return sum(n for key, n in emulator.counter().items() if not key.startswith("GET"))


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc: a folder even root cannot write in")
def test_a_lockfile_folder_that_takes_no_file_is_refused_before_the_first_write(tmp_path: Path, asst_emulator):
    project = _project(tmp_path / "p", "project: p\nlockfile: /proc/asst-deploy-test.lock.json\n")
    result = Cli(project=project, emulator=asst_emulator)("apply", "--auto-approve", code=1)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: /proc/asst-deploy-test.lock.json: cannot be written"), line
    assert _writes(asst_emulator) == 0


def test_a_lockfile_that_is_a_folder_is_refused_before_the_first_write(tmp_path: Path, asst_emulator):
    project = _project(tmp_path / "p")
    (project / LOCKFILE).mkdir()
    for command in ("apply", "destroy"):
        result = Cli(project=project, emulator=asst_emulator)(command, "--auto-approve", code=1)
        (line,) = result.stderr.strip().splitlines()
        assert f"{LOCKFILE}: " in line and "folder" in line, line
    assert _writes(asst_emulator) == 0


def test_temp_files_a_killed_apply_left_are_removed_by_the_next(tmp_path: Path, asst_emulator):
    project = _project(tmp_path / "p")
    left = [project / f".{LOCKFILE}.k{i}x9q.tmp" for i in range(3)]
    for path in left:
        path.write_text('{"half": ')
    other = project / ".assistants.prod.lock.json.abc.tmp"  # another environment's: not ours to judge
    other.write_text("{")
    Cli(project=project, emulator=asst_emulator)("apply", "--auto-approve")
    assert not any(path.exists() for path in left)
    assert other.exists() and (project / LOCKFILE).exists()


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_the_lockfile_mode_follows_the_umask(tmp_path: Path, asst_emulator, umask: int):
    project = _project(tmp_path / "p")
    old = os.umask(umask)
    try:
        Cli(project=project, emulator=asst_emulator)("apply", "--auto-approve")
    finally:
        os.umask(old)
    assert stat.S_IMODE((project / LOCKFILE).stat().st_mode) == 0o666 & ~umask


def test_many_uploads_into_one_entry_are_serialized_per_write_not_per_upload(tmp_path: Path, monkeypatch):
    """Regression (issue 17, one store of 5,000 files took 73 s): each upload re-serialized its
    whole entry under the mutex, so N uploads into one store made N^2/2 file records (1.1 million
    for 1,500). Now the writer serializes what changed once per write."""
    from asst_deploy.lock.entry import LockDocument, LockedFile
    from asst_deploy.lock.file import read_lock
    from asst_deploy.lock.writer import LockState

    made = 0
    to_dict = LockedFile.to_dict

    def counted(self: LockedFile) -> dict:
        nonlocal made
        made += 1
        return to_dict(self)

    monkeypatch.setattr(LockedFile, "to_dict", counted)
    state = LockState(tmp_path / LOCKFILE, LockDocument.from_dict({"project": "p", "environment": "dev", "assistants": {}}))
    state.start()
    n = 1500
    for k in range(n):
        state.update("bot", lambda entry, k=k: entry.pending_files.__setitem__(f"docs/{k}.md", LockedFile(f"file-{k}", "0" * 64)))
    state.close()
    assert len(read_lock(tmp_path / LOCKFILE, "p", "dev")["assistants"]["bot"]["pending_files"]) == n
    assert made <= 20 * n, made  # before: 1,125,750
