"""Symlink loops under ``**`` and files that are not regular files (a FIFO): refused with their
path, at once. Cases that could hang run as a real ``asst-deploy validate`` with a timeout, so a
regression fails instead of hanging CI."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from support.cli import Cli
from support.waiting import finished

from asst_deploy.assemble import validate_project

SEARCH = "name: a\nmodel: gpt-4o\ntools: [{type: file_search}]\nfiles: ['docs/**/*.md']\n"
CONFIG = "project: special\nmanifests: assistants/\n"


def problems(root: Path) -> list[str]:
    return [str(p) for p in validate_project(root)]


def validate(root: Path, seconds: float = 20) -> subprocess.CompletedProcess[str]:
    """``asst-deploy validate`` in its own process, killed after ``seconds``."""
    return finished(Cli(project=root).spawn("validate"), seconds)


def test_a_symlink_loop_under_a_double_star_glob_is_named_and_not_followed(make_project) -> None:
    """Two loops made glob list every file again at each of 40 levels of each: validate never ended."""
    root = make_project({"assistants/a.yaml": SEARCH, "docs/sub/c.md": "# C\n"}, config=CONFIG)
    os.symlink("..", root / "docs" / "loop")
    os.symlink("../..", root / "docs" / "sub" / "loop")
    done = validate(root)
    assert done.returncode == 1
    assert ("assistants/a.yaml:4:9: files[0]: 'docs/**/*.md': docs/loop is a symlink to '..', back to a folder "
            "it is in (a loop), which ** never follows: remove the link, or name those files without **") in done.stderr
    os.remove(root / "docs" / "sub" / "loop")
    assert len(problems(root)) == 1  # one loop: glob listed 40 copies of each file, and validate passed


def test_a_loop_through_two_links_and_a_link_out_of_the_project_are_named(make_project, tmp_path) -> None:
    root = make_project({"assistants/a.yaml": SEARCH, "shared/guide.md": "# Guide\n"}, config=CONFIG)
    os.symlink("../shared", root / "docs" / "shared")
    os.symlink("../docs", root / "shared" / "back")
    [problem] = problems(root)
    assert "docs/shared/back is a symlink to '../docs', back to a folder it is in (a loop)" in problem
    os.remove(root / "shared" / "back")
    os.symlink(str(tmp_path), root / "docs" / "outside")
    [problem] = problems(root)
    assert f"docs/outside is a symlink to {str(tmp_path)!r}, out of the project, which ** never follows" in problem


def test_a_linked_folder_inside_the_project_is_still_followed(make_project) -> None:
    """Projects that link shared documents in keep them."""
    root = make_project({"assistants/a.yaml": SEARCH, "shared/guide.md": "# Guide\n"}, config=CONFIG)
    os.symlink("../shared", root / "docs" / "shared")
    assert problems(root) == []
    from asst_deploy.project import load_project

    [spec] = load_project(root).specs
    assert [f.path for f in spec.files] == ["docs/a.md", "docs/b.md", "docs/shared/guide.md"]


def test_a_manifest_that_is_a_fifo_is_refused_with_its_path(make_project) -> None:
    """It was skipped without a word (only regular files were listed)."""
    root = make_project({"assistants/a.yaml": "name: a\nmodel: gpt-4o\n"}, config=CONFIG)
    os.mkfifo(root / "assistants" / "b.yaml")
    os.symlink("nowhere.yaml", root / "assistants" / "c.yaml")
    assert problems(root) == [
        "assistants/b.yaml: a FIFO (named pipe), not a file: a manifest, the config and the files they name "
        "are regular files",
        "assistants/c.yaml: cannot read the file: No such file or directory",
    ]


def test_a_fifo_a_glob_matches_is_refused_by_name(make_project) -> None:
    """It was skipped (only regular files were kept), so the plan deleted its document as no longer listed."""
    root = make_project({"assistants/a.yaml": "name: a\nmodel: gpt-4o\ntools: [{type: file_search}]\nfiles: [docs/*.md]\n"},
                        config=CONFIG)
    os.remove(root / "docs" / "b.md")
    os.mkfifo(root / "docs" / "b.md")
    assert problems(root) == ["assistants/a.yaml:4:9: files[0]: 'docs/b.md' (matched by 'docs/*.md') is not a regular "
                              "file (a FIFO, a socket, a device): remove it, or name files the glob does not match"]


def test_a_config_or_instructions_file_that_is_a_fifo_is_refused_without_blocking(make_project) -> None:
    """Reading a FIFO waits for a writer: the config as a FIFO made validate wait forever."""
    root = make_project({"assistants/a.yaml": "name: a\nmodel: gpt-4o\ninstructions_file: prompts/p.md\n"},
                        config=CONFIG)
    os.mkfifo(root / "prompts" / "p.md")
    assert problems(root) == ["assistants/a.yaml:3:20: instructions_file: 'prompts/p.md' is not a regular file "
                              "(a FIFO, a socket, a device): name a file"]
    os.remove(root / "asst-deploy.yaml")
    os.mkfifo(root / "asst-deploy.yaml")
    done = validate(root)
    assert done.returncode == 1 and "asst-deploy.yaml: a FIFO (named pipe), not a file" in done.stderr, done.stderr
