"""The project's size rules, checked on the package's syntax tree: no function over 80 lines and
no class over 300, so every unit reads on a screen or two."""

from __future__ import annotations

import ast
from pathlib import Path

import asst_deploy

LIMITS = {ast.FunctionDef: 80, ast.AsyncFunctionDef: 80, ast.ClassDef: 300}


def oversized(root: Path) -> list[str]:
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            limit = LIMITS.get(type(node))
            if limit is not None:
                assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > limit:
                    found.append(f"{path.relative_to(root.parent)}:{node.lineno} {node.name} is {lines} lines "
                                 f"(at most {limit})")
    return found


def test_no_function_over_80_lines_and_no_class_over_300():
    assert oversized(Path(asst_deploy.__file__).parent) == []


def test_the_check_sees_a_long_function(tmp_path):
    (tmp_path / "pkg").mkdir()
    body = "\n".join(f"    x{i} = {i}" for i in range(80))
    (tmp_path / "pkg" / "long.py").write_text(f"def long():\n{body}\n")
    assert oversized(tmp_path / "pkg") == ["pkg/long.py:1 long is 81 lines (at most 80)"]
