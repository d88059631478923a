"""Generated valid manifests load, and load to what they say."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asst_deploy.project import load_project
from asst_deploy.spec import is_plain_model, is_reasoning_model

names = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)
text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
tools = st.lists(
    st.one_of(
        st.just({"type": "code_interpreter"}),
        st.builds(lambda n: {"type": "file_search", "max_num_results": n}, st.integers(1, 50)),
    ),
    max_size=2,
    unique_by=lambda t: t["type"],
)
manifests = st.fixed_dictionaries(
    {"name": names, "model": text.filter(bool)},
    optional={
        "display_name": text.filter(bool),
        "description": text,
        "instructions": text,
        "temperature": st.floats(0, 2),
        "top_p": st.floats(0, 1),
        "tools": tools,
        # keys without control characters: PyYAML dumps a NEL (\x85) unquoted, and YAML then reads it as a line break
        "metadata": st.dictionaries(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=10), text, max_size=5),
        "reasoning_effort": st.sampled_from(["low", "medium", "high"]),
        "response_format": st.sampled_from(["auto", {"type": "json_object"}]),
    },
).filter(lambda m: "asst-deploy" not in m.get("metadata", {})
          # names the per-model rules judge (sampling on reasoning models, effort on plain ones)
          and not is_reasoning_model(m["model"]) and not is_plain_model(m["model"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(manifests)
def test_generated_manifests_load(manifest: dict) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        (root / "assistants").mkdir()
        text = yaml.safe_dump(manifest, allow_unicode=True)
        (root / "assistants" / "m.yaml").write_text(text, encoding="utf-8")
        [spec] = load_project(root).specs
    finally:
        shutil.rmtree(root)
    assert spec.name == manifest["name"]
    assert spec.model == manifest["model"]
    assert spec.display_name == (manifest.get("display_name") or manifest["name"])
    for field in ("description", "instructions", "temperature", "top_p", "reasoning_effort", "response_format"):
        assert getattr(spec, field) == manifest.get(field)
    assert dict(spec.metadata) == manifest.get("metadata", {})
    assert list(spec.tools) == manifest.get("tools", [])
