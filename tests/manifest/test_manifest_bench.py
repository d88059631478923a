"""Validate speed: 1,000 manifests in a fresh interpreter (target < 2 s, start included).

Marked bench (not run by default); run with `pytest -m bench tests/manifest -s` to see the time.
A smaller always-on check keeps gross regressions out of CI.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

MANIFEST = """\
name: bot-{i}
display_name: Bot {i}
description: Generated assistant number {i}
instructions_file: prompts/shared.md
tools:
  - type: file_search
    max_num_results: 10
  - type: code_interpreter
  - type: function
    function:
      name: lookup_{i}
      description: Look something up
      parameters_file: schemas/lookup.json
files: [docs/*.md]
code_interpreter_files: [data/table.csv]
temperature: 0.3
metadata: {{team: bench, index: "{i}"}}
"""


def generate(root: Path, count: int) -> Path:
    for folder in ("assistants", "prompts", "schemas", "docs", "data"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    (root / "prompts/shared.md").write_text("Be brief.\n")
    (root / "schemas/lookup.json").write_text('{"type": "object", "properties": {"q": {"type": "string"}}}')
    for n in range(3):
        (root / f"docs/d{n}.md").write_text(f"# doc {n}\n")
    (root / "data/table.csv").write_text("a,b\n1,2\n")
    (root / "asst-deploy.yaml").write_text(
        "project: bench\ndefaults: {model: gpt-4o}\nenvironments:\n  dev: {name_prefix: '[dev] '}\n"
    )
    for i in range(count):
        (root / f"assistants/bot-{i:04}.yaml").write_text(MANIFEST.format(i=i))
    return root


def timed_validate(root: Path) -> tuple[float, str]:
    code = ("import sys; from pathlib import Path; from asst_deploy.commands.validate import run_validate; "
            "from asst_deploy.console import Console; "
            f"sys.exit(run_validate(Path({str(root)!r}), None, None, Console()))")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stdout + result.stderr
    return elapsed, result.stdout


def test_validate_200_manifests(tmp_path: Path) -> None:
    """Correctness at a size; how fast is the bench below's job (a wall-time bound in CI is flaky)."""
    _, out = timed_validate(generate(tmp_path, 200))
    assert out.startswith("200 manifests valid (environments: dev (api: assistants))")


@pytest.mark.bench
def test_validate_1000_manifests_under_2s(tmp_path: Path) -> None:
    elapsed, out = timed_validate(generate(tmp_path, 1000))
    print(f"\nvalidate, 1,000 manifests: {elapsed:.2f} s")
    assert out.startswith("1000 manifests valid")
    assert elapsed < 2, elapsed
