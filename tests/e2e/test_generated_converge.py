"""Generated manifests (hypothesis): whatever a manifest sets, apply then plan is empty."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support.cli import Cli

from asst_deploy.emulator import Emulator, EmulatorConfig

text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=60)
function_tool = st.fixed_dictionaries({
    "type": st.just("function"),
    "function": st.fixed_dictionaries({
        "name": st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True),
        "parameters": st.just({"type": "object", "properties": {"q": {"type": "string"}, "a": {"type": "integer"}}}),
    }, optional={"description": text, "strict": st.booleans()}),
})
file_search = st.fixed_dictionaries({"type": st.just("file_search")}, optional={
    "max_num_results": st.integers(1, 50),
    "ranking_options": st.fixed_dictionaries({"ranker": st.sampled_from(["auto", "default_2024_08_21"]),
                                              "score_threshold": st.floats(0, 1).map(lambda x: round(x, 3))}),
})
manifest = st.fixed_dictionaries(
    {"model": st.sampled_from(["gpt-4o", "gpt-4o-mini", "gpt-4.1"])},
    optional={
        "display_name": text,
        "description": text,
        "instructions": st.text(min_size=1, max_size=300).filter(lambda s: s.strip()),
        "tools": st.lists(st.one_of(st.just({"type": "code_interpreter"}), file_search, function_tool), max_size=4,
                          unique_by=lambda t: t.get("function", {}).get("name", t["type"])),
        "temperature": st.floats(0, 2).map(lambda x: round(x, 2)),
        "top_p": st.floats(0, 1).map(lambda x: round(x, 2)),
        "response_format": st.sampled_from(["auto", {"type": "json_object"}, {"type": "text"}]),
        "metadata": st.dictionaries(st.from_regex(r"[a-z]{1,10}", fullmatch=True), text, max_size=5),
    },
)
counter = itertools.count()


@pytest.mark.heavy(13)
@settings(max_examples=25, deadline=None)
@given(manifests=st.lists(manifest, min_size=1, max_size=3))
def test_generated_manifests_converge(manifests: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as folder, Emulator(EmulatorConfig()) as emulator:
        root = Path(folder)
        (root / "assistants").mkdir()
        (root / "asst-deploy.yaml").write_text(f"project: gen{next(counter)}\n")
        for i, body in enumerate(manifests):
            (root / "assistants" / f"a{i}.yaml").write_text(
                yaml.safe_dump({"name": f"a{i}", **body}, allow_unicode=True), encoding="utf-8")
        cli = Cli(project=root, emulator=emulator)
        cli("apply", "--auto-approve")
        emulator.reset_counter()
        result = cli("plan", "--detailed-exitcode", code=None)
        assert result.exit_code == 0, result.output
        assert not any(key.startswith(("POST", "DELETE")) for key in emulator.counter())
