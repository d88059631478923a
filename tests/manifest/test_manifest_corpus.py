"""The corpus of bad manifests: each file says, in `# expect:` lines, the exact problems it causes.

Format: ``# expect: LINE[:COL] FIELD | PHRASE`` (FIELD ``-`` for none). Each file is copied into a
fresh project as ``assistants/<name>.yaml``; the problems must be exactly those expected.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asst_deploy.assemble import validate_project

BAD = Path(__file__).parent / "bad"
EXPECT = re.compile(r"# expect: (\d+)(?::(\d+))? (\S+) \| (.+)$")


def _expectations(text: str) -> list[tuple[int, int, str, str]]:
    out = []
    for line in text.splitlines():
        match = EXPECT.match(line)
        if match:
            field = "" if match[3] == "-" else match[3]
            out.append((int(match[1]), int(match[2] or 0), field, match[4]))
    return sorted(out)


@pytest.mark.parametrize("case", sorted(p.name for p in BAD.glob("*.yaml")))
def test_bad_manifest(case: str, make_project) -> None:
    text = (BAD / case).read_text(encoding="utf-8")
    expected = _expectations(text)
    assert expected, f"{case} has no # expect: line"
    root = make_project({f"assistants/{case}": (BAD / case).read_bytes()})
    problems = validate_project(root)
    got = [(p.line, p.column, p.field, p.message) for p in problems]
    assert all(p.file == f"assistants/{case}" for p in problems), problems
    assert [g[:3] for g in got] == [e[:3] for e in expected], "\n".join(map(str, problems))
    for (_, _, _, message), (_, _, _, phrase) in zip(got, expected):
        assert phrase in message


def test_corpus_covers_enough_classes() -> None:
    assert len(list(BAD.glob("*.yaml"))) >= 30
