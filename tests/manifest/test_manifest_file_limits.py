"""Retrieval and code-interpreter files the API would refuse are refused by validate, with the path
(before this, apply uploaded them and failed halfway, naming an internal upload name)."""

from __future__ import annotations

import os

from asst_deploy.assemble import validate_project

SEARCH = "name: a\nmodel: gpt-4o\ntools: [{type: file_search}]\nfiles: [{pattern}]\n"
CODE = "name: a\nmodel: gpt-4o\ntools: [{type: code_interpreter}]\ncode_interpreter_files: [{pattern}]\n"


def problems(make_project, manifest: str, files: dict) -> list[str]:
    root = make_project({"assistants/a.yaml": manifest, **files})
    return [str(p) for p in validate_project(root)]


def test_a_type_file_search_cannot_read_is_refused_with_its_path(make_project) -> None:
    [problem] = problems(make_project, SEARCH.replace("{pattern}", "'docs/*'"), {"docs/logo.png": b"\x89PNG"})
    assert problem.startswith("assistants/a.yaml:4:9: files[0]: docs/logo.png: file_search cannot read .png; "
                              "it reads .c .cpp")
    # code interpreter reads images and spreadsheets
    assert problems(make_project, CODE.replace("{pattern}", "data/x.csv"), {}) == []
    [problem] = problems(make_project, CODE.replace("{pattern}", "tool.exe"), {"tool.exe": b"MZ"})
    assert "tool.exe: code_interpreter cannot read .exe" in problem


def test_a_file_over_512_mb_is_refused_before_any_upload(make_project) -> None:
    root = make_project({"assistants/a.yaml": SEARCH.replace("{pattern}", "big.txt")})
    with open(root / "big.txt", "wb") as handle:  # sparse: no 513 MB written to disk
        handle.truncate(513 * 1024 * 1024)
    [problem] = [str(p) for p in validate_project(root)]
    assert problem == ("assistants/a.yaml:4:9: files[0]: big.txt is 513 MB; the API takes files of at most "
                       "512 MB: split it")


def test_a_retrieval_path_longer_than_an_attribute_value_is_refused(make_project) -> None:
    deep = "/".join(["d" * 50] * 10) + "/notes.md"  # 519 characters
    assert len(deep) > 512 and os.pathconf("/", "PC_NAME_MAX") >= 50
    [problem] = problems(make_project, SEARCH.replace("{pattern}", "'" + deep + "'"), {deep: "# deep\n"})
    assert problem.endswith(f"is a {len(deep)}-character path; a vector store file's attributes hold at most "
                            "512: move the file to a shorter path")
