"""The README's offline six-hats discussion: deploy the example locally, then run discuss.py on it."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from support.cli import Cli

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "six-hats"
ORDER = ["blue-hat", "white-hat", "red-hat", "black-hat", "yellow-hat", "green-hat", "blue-hat"]
TOPIC = "要不要实行四天工作制"


@pytest.fixture
def discuss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """discuss.py of a copy of the example, deployed with `apply --backend local` as the README says."""
    root = tmp_path / "six-hats"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".asst-deploy", "*.lock.json"))
    for key in ("ASST_DEPLOY_ENV", "ASST_DEPLOY_LOCKFILE", "ASST_DEPLOY_BACKEND"):
        monkeypatch.delenv(key, raising=False)
    Cli(project=root, backend="local")("apply", "--auto-approve")
    spec = importlib.util.spec_from_file_location("discuss_under_test", root / "discuss.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(discuss: Any, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert discuss.main([TOPIC, "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("via", ["agents", "responses"])
def test_seven_turns_in_order_each_seeing_the_last_and_the_search_used(discuss, capsys, via: str) -> None:
    if via == "agents":
        pytest.importorskip("agents")
    out = run(discuss, capsys, "--via", via)
    assert out["via"] == via
    turns = out["turns"]
    assert [t["hat"] for t in turns] == ORDER
    speakers = tuple(f"{t['speaker']}" for t in turns)
    for turn in turns:  # each hat spoke as itself (its name, said by the model, is the transcript's), about the topic
        assert not turn["text"].startswith(speakers), turn["text"]
        assert f'I read "讨论话题:{TOPIC}"' in turn["text"]
    assert turns[0]["text"] == f'I read "讨论话题:{TOPIC}" … "[开始]"'
    for before, turn in zip(turns, turns[1:]):  # each read the turn before its own, named once, quotes not nested
        opening = "search returned" if before["hat"] == "white-hat" else "I read"
        assert turn["text"].endswith(f'I read "讨论话题:{TOPIC}" … "{before["speaker"]}: {opening} …"'), turn["text"]
    assert len(out["searches"]) == 1
    search = out["searches"][0]
    assert search["hat"] == "white-hat" and "四天工作制" in search["query"]
    assert "2022年英国61家公司试行四天工作制" in search["result"]  # answered by the Python function
    white = turns[1]["text"]
    assert white.startswith('search returned "title: result 1 snippet: 2022年英国61家公司试行四天工作制')
    assert "search returned" in turns[2]["text"]  # red read white's turn, facts included


def test_the_printed_transcript_names_each_speaker_once(discuss, capsys) -> None:
    assert discuss.main([TOPIC, "--via", "responses"]) == 0
    out = capsys.readouterr().out
    blocks = [block.split("\n", 1) for block in out.strip().split("\n\n")]
    assert [header for header, _ in blocks] == [f"---{discuss.speaker(hat)}---" for hat in ORDER]
    for header, text in blocks:
        assert not text.startswith(header.strip("-")), text  # the header names the speaker
    assert "帽子: 蓝色帽子" not in out and '"蓝色帽子: I read "' not in out  # no name twice, no quote in a quote


def test_the_six_hats_checks_pass_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's one command: the example's checks pass on the emulator, each hat's in its role."""
    root = tmp_path / "six-hats"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".asst-deploy", "*.lock.json"))
    for key in ("ASST_DEPLOY_ENV", "ASST_DEPLOY_LOCKFILE", "ASST_DEPLOY_BACKEND"):
        monkeypatch.delenv(key, raising=False)
    cli = Cli(project=root, backend="local")
    cli("apply", "--auto-approve")
    report = json.loads(cli("test", "--format", "json").stdout)
    assert report["passed"] is True, report
    cases = {(c["assistant"], c["case"]) for c in report["cases"]}
    assert {(f"{hat}-hat", "answers-in-role") for hat in ("white", "red", "black", "yellow", "green", "blue")} <= cases
    assert {("white-hat", "searches-for-facts"), ("blue-hat", "summary-names-the-topic")} <= cases
    assert len(cases) == 8
    evidence = json.loads((root / "assistants.lock.json").read_text())["checks"]
    assert sorted(evidence) == sorted(f"{hat}-hat" for hat in ("white", "red", "black", "yellow", "green", "blue"))
    # the checks mean something: a white hat whose instructions name another role fails, named
    manifest = root / "assistants/white-hat.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("你的角色是白色帽子", "你的角色是红色帽子"),
                        encoding="utf-8")
    cli("apply", "--auto-approve")
    failed = cli("test", code=1).stdout
    assert "FAIL white-hat: answers-in-role" in failed and 'expected rubric: "Speaks as the \\"白色帽子\\"' in failed
