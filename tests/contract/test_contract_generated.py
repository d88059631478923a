"""Generated manifests (hypothesis): whatever a manifest that passes validate sets under
``api: responses``, the kwargs the lockfile records for it fit the installed SDK's
``ResponseCreateParams``. No HTTP: the manifest goes through the loader and the Responses
backend's create (what apply records), so a bounded number of examples costs about a second."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asst_deploy.backends.base import Resources
from asst_deploy.backends.responses import ResponsesTarget
from asst_deploy.emulator.routes_responses import CREATE as RESPONSES_CREATE
from asst_deploy.emulator.sdk_shapes import problems
from asst_deploy.errors import ValidationFailed
from asst_deploy.project import load_project

word = st.from_regex(r"[a-z][a-z0-9_]{0,12}", fullmatch=True)
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)
env = st.from_regex(r"[A-Z][A-Z0-9_]{0,10}", fullmatch=True)
unit = st.floats(0, 1).map(lambda x: round(x, 3))
scalar = st.one_of(word, st.integers(-5, 5000), unit, st.booleans())
comparison = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from(["eq", "ne", "gt", "gte", "lt", "lte"]), "key": word,
                           "value": scalar}),
    st.fixed_dictionaries({"type": st.sampled_from(["in", "nin"]), "key": word,
                           "value": st.lists(st.one_of(word, st.integers(0, 9)), min_size=1, max_size=3)}),
)
filters = st.recursive(comparison, lambda inner: st.fixed_dictionaries(
    {"type": st.sampled_from(["and", "or"]), "filters": st.lists(inner, min_size=1, max_size=3)}), max_leaves=5)
ranking = st.fixed_dictionaries({}, optional={
    "ranker": st.sampled_from(["auto", "default-2024-11-15"]), "score_threshold": unit,
    "hybrid_search": st.fixed_dictionaries({"embedding_weight": unit.map(lambda x: x + 0.1), "text_weight": unit}),
})
file_search = st.fixed_dictionaries({"type": st.just("file_search")}, optional={
    "max_num_results": st.integers(1, 50), "ranking_options": ranking, "filters": filters})
function = st.fixed_dictionaries({"type": st.just("function"), "function": st.fixed_dictionaries(
    {"name": word}, optional={"description": text, "strict": st.booleans(), "defer_loading": st.booleans(),
                              "parameters": st.just({"type": "object", "properties": {"q": {"type": "string"}}}),
                              "output_schema": st.just({"type": "object"}),
                              "allowed_callers": st.lists(st.sampled_from(["direct", "programmatic"]), min_size=1,
                                                          unique=True)})})
web_search = st.fixed_dictionaries({"type": st.just("web_search")}, optional={
    "allowed_domains": st.lists(st.sampled_from(["example.com", "openai.com"]), min_size=1, unique=True),
    "context_size": st.sampled_from(["low", "medium", "high"]), "mode": st.sampled_from(["live", "cached"]),
    "location": st.fixed_dictionaries({}, optional={"city": text, "country": st.sampled_from(["US", "FR"]),
                                                    "region": text, "timezone": st.just("Europe/Paris")})})
approval = st.one_of(st.sampled_from(["always", "never"]), st.fixed_dictionaries({}, optional={
    "always": st.fixed_dictionaries({}, optional={"tool_names": st.lists(word, max_size=2),
                                                  "read_only": st.booleans()}),
    "never": st.fixed_dictionaries({}, optional={"tool_names": st.lists(word, max_size=2)})}))
http = st.fixed_dictionaries({"type": st.just("http"), "server_url": st.just("https://mcp.example.com/x")}, optional={
    "headers": st.dictionaries(st.sampled_from(["X-Team", "X-Trace"]), word, max_size=2),
    "headers_from_env": st.dictionaries(st.sampled_from(["Authorization", "X-Api-Key"]), env, max_size=2)})
mcp = st.builds(lambda label, reach, extra: {"type": "mcp", "server_label": label, **reach, **extra}, word,
                st.one_of(http.map(lambda t: {"transport": t}),
                          st.just({"connector_id": "connector_gmail"})),
                st.fixed_dictionaries({}, optional={
                    "allowed_tools": st.one_of(st.lists(word, max_size=2), st.fixed_dictionaries({}, optional={
                        "tool_names": st.lists(word, max_size=2), "read_only": st.booleans()})),
                    "defer_loading": st.booleans(), "require_approval": approval,
                    "server_description": text, "authorization_from_env": env}))
code_interpreter = st.fixed_dictionaries({"type": st.just("code_interpreter")}, optional={
    "container": st.fixed_dictionaries({}, optional={
        "memory_limit": st.sampled_from(["1g", "4g", "16g", "64g"]),
        "network_policy": st.sampled_from([{"type": "disabled"}, {"type": "allowlist", "allowed_domains": ["a.com"]}])}),
})
sdk_shaped = st.one_of(  # taken in the SDK's own shape
    st.fixed_dictionaries({"type": st.just("image_generation")}, optional={
        "quality": st.sampled_from(["low", "high", "auto"]), "size": st.sampled_from(["1024x1024", "1536x864", "auto"]),
        "output_format": st.sampled_from(["png", "webp"]), "partial_images": st.integers(0, 3)}),
    st.fixed_dictionaries({"type": st.just("custom"), "name": word}, optional={
        "description": text, "format": st.sampled_from([{"type": "text"}, {
            "type": "grammar", "syntax": "regex", "definition": "[a-z]+"}])}),
    st.sampled_from([{"type": "computer_use"}, {"type": "programmatic_tool_calling"}, {"type": "apply_patch"},
                     {"type": "local_shell"}, {"type": "web_search_preview", "search_context_size": "high"},
                     {"type": "shell", "environment": {"type": "container_auto", "memory_limit": "1g"}}]),
)
tools = st.lists(st.one_of(code_interpreter, st.just({"type": "tool_search"}), file_search,
                           function, web_search, mcp, sdk_shaped), max_size=5,
                 unique_by=lambda t: t.get("function", {}).get("name", "") or t["type"] + t.get("server_label", ""))
sampling = st.fixed_dictionaries({}, optional={"temperature": st.floats(0, 2).map(lambda x: round(x, 2)),
                                               "top_p": unit})
effort = st.sampled_from(["minimal", "low", "high"])
# each model family with the settings its rules allow (the refusals have their own tests)
models = st.one_of(
    st.builds(lambda m, s: {"model": m, **s}, st.sampled_from(["gpt-4o", "gpt-4.1"]), sampling),
    st.builds(lambda e, s: {"model": "o3", "reasoning_effort": e, **s},
              effort, st.fixed_dictionaries({}, optional={"reasoning_summary": st.sampled_from(["auto", "concise"])})),
    st.builds(lambda s: {"model": "gpt-5.1", "reasoning_effort": "none", **s}, sampling),
)
settings_ = st.fixed_dictionaries({"tools": tools}, optional={
    "instructions": text,
    "verbosity": st.sampled_from(["low", "medium", "high"]), "service_tier": st.sampled_from(["auto", "flex"]),
    "response_format": st.sampled_from(["auto", {"type": "json_object"}, {"type": "text"}, {
        "type": "json_schema", "json_schema": {"name": "out", "strict": True, "schema": {
            "type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"],
            "additionalProperties": False}}}]),
    "tool_choice": st.sampled_from(["auto", "none", "required"]), "parallel_tool_calls": st.booleans(),
    "max_output_tokens": st.integers(16, 4000), "max_tool_calls": st.integers(1, 9), "store": st.booleans(),
    "include": st.lists(st.sampled_from(["file_search_call.results", "reasoning.encrypted_content"]), unique=True),
    "prompt_cache_key": word, "prompt_cache_retention": st.sampled_from(["in_memory", "24h"]),
    "truncation": st.sampled_from(["auto", "disabled"]), "safety_identifier": word,
    "metadata": st.dictionaries(word, text, max_size=3),
})
manifest = st.builds(lambda a, b: {**a, **b}, models, settings_)
SCHEMA = RESPONSES_CREATE.spec
seen = {"valid": 0, "refused": 0}


def _spec(body: dict[str, Any], folder: Path) -> Any:
    kinds = {t["type"] for t in body["tools"]}
    if "file_search" in kinds:
        body["files"] = ["docs/a.md"]
    if "code_interpreter" in kinds:
        body["code_interpreter_files"] = ["docs/a.md"]
    (folder / "assistants" / "a.yaml").write_text(yaml.safe_dump({"name": "a", **body}, allow_unicode=True),
                                                  encoding="utf-8")
    try:
        return load_project(folder, None, "responses").specs[0]
    except ValidationFailed:
        return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=manifest)
def test_generated_responses_kwargs_fit_the_sdk_type(body: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "assistants").mkdir()
        (folder / "docs").mkdir()
        (folder / "docs" / "a.md").write_text("# A\n")
        (folder / "asst-deploy.yaml").write_text("project: gen\napi: responses\n")
        spec = _spec(body, folder)
    if spec is None:  # refused by validate (a per-model rule, a file_search without files...): nothing written
        seen["refused"] += 1
        return
    seen["valid"] += 1
    deployed = ResponsesTarget(client=None).create(spec, {}, Resources("vs_1", ("file_1",)))
    assert problems(dict(deployed.responses or {}), SCHEMA) == []
    searches = [t for t in (deployed.responses or {}).get("tools", []) if t["type"] == "file_search"]
    declared = [t for t in body["tools"] if t["type"] == "file_search"]
    for sent, wrote in zip(searches, declared, strict=True):  # nothing the manifest says is dropped
        assert sent.get("filters") == wrote.get("filters")
        assert sent.get("ranking_options", {}).get("hybrid_search") == wrote.get("ranking_options", {}).get(
            "hybrid_search")
    for ref in deployed.responses_env or []:  # a secret's place exists in the kwargs' shape, by name only
        assert ref["path"][0] == "tools" and deployed.responses["tools"][ref["path"][1]]["type"] == "mcp"


def test_most_generated_manifests_are_valid() -> None:
    """The property above means something only when (nearly) every example passes validate."""
    if sum(seen.values()) == 0:
        test_generated_responses_kwargs_fit_the_sdk_type()
    assert seen["valid"] >= sum(seen.values()) * 9 // 10, seen
