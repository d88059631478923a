"""Hostile YAML: an alias bomb (a few hundred bytes that expand to billions of values) or an
oversized document is refused at once, naming file and line, in a manifest and in asst-deploy.yaml."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from support.cli import Cli
from support.projects import write_project

# Nine levels of nine aliases: 9**9 (387 million) strings from 350 bytes.
BOMB = "".join(
    ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)]
)
MEMORY = 1 << 30  # a process that ignores the limit would need many gigabytes


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def validate(project: Path) -> tuple[int, str, float]:
    """``asst-deploy validate`` as its own process with 1 GiB of memory and 30 s at most."""
    start = time.monotonic()
    proc = Cli(project=project, backend=None).spawn("validate", preexec_fn=_limit_memory)
    try:
        out, err = proc.communicate(timeout=30)
    except Exception:
        proc.kill()
        proc.communicate()
        raise
    return proc.returncode, out + err, time.monotonic() - start


@pytest.mark.parametrize("where", ["manifest", "config"])
def test_an_alias_bomb_is_refused_quickly_naming_file_and_line(tmp_path: Path, where: str) -> None:
    manifest = "name: bot\nmodel: gpt-4o\n"
    config = "project: p\n"
    if where == "manifest":
        manifest = "name: bot\nmodel: gpt-4o\nmetadata:\n" + "".join("  " + line + "\n" for line in BOMB.splitlines())
        shown, line = "assistants/bot.yaml", 8  # a4: where the aliases pass 10,000 values
    else:
        config = "project: p\ndefaults:\n  metadata:\n" + "".join("    " + ln + "\n" for ln in BOMB.splitlines())
        shown, line = "asst-deploy.yaml", 8
    project = write_project(tmp_path / "p", {"asst-deploy.yaml": config, "assistants/bot.yaml": manifest})
    code, output, seconds = validate(project)
    assert code == 1, output
    assert f"{shown}:{line}:" in output and "aliases" in output, output
    assert "unexpected" not in output and "Traceback" not in output
    assert seconds < 15, seconds  # well under a second of work here; the process start is most of it


def test_aliases_a_manifest_really_uses_still_load(tmp_path: Path) -> None:
    """Anchors used as people use them (one parameters schema shared by 100 tools) stay fine."""
    tools = "  - {type: function, function: {name: f0, parameters: &p {type: object, properties: {q: {type: string}}}}}\n"
    tools += "".join(f"  - {{type: function, function: {{name: f{i}, parameters: *p}}}}\n" for i in range(1, 100))
    project = write_project(tmp_path / "p", {
        "asst-deploy.yaml": "project: p\n",
        "assistants/a.yaml": "name: a\nmodel: gpt-4o\ntools:\n" + tools,
    })
    Cli(project=project, backend=None)("validate")


def test_an_oversized_manifest_is_refused_before_parsing(tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", {"asst-deploy.yaml": "project: p\n"})
    (project / "assistants").mkdir(exist_ok=True)
    (project / "assistants/huge.yaml").write_text("name: huge\nmodel: gpt-4o\ndescription: x\n# "
                                                  + "x" * (9 << 20) + "\n")
    result = Cli(project=project, backend=None)("validate", code=1)
    assert "assistants/huge.yaml: the file is 9.0 MiB; a YAML file here holds at most 8 MiB" in result.output
