"""Manifests holding every tool form and setting each API takes, for the contract tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

PARAMS = {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}


def _function(name: str, **extra: Any) -> dict[str, Any]:
    return {"type": "function", "function": {"name": name, **extra}}


FUNCTIONS = [
    _function("bare"),
    _function("described", description="Looks things up", parameters=PARAMS),
]
WEB_SEARCH = [
    {"type": "web_search"},
    {"type": "web_search", "allowed_domains": ["example.com"], "context_size": "high",
     "location": {"city": "Paris", "country": "FR", "region": "IDF", "timezone": "Europe/Paris"}},
]
MCP_HTTP = [
    {"type": "mcp", "server_label": "docs", "transport": {"type": "http", "server_url": "https://mcp.example.com/a"}},
    {"type": "mcp", "server_label": "tickets", "allowed_tools": ["open", "close"],
     "transport": {"type": "http", "server_url": "https://mcp.example.com/b", "headers": {"X-Team": "support"}}},
]
MCP_SECRET = {"type": "mcp", "server_label": "secret", "authorization_from_env": "MCP_OAUTH", "transport": {
    "type": "http", "server_url": "https://mcp.example.com/c", "headers_from_env": {"Authorization": "MCP_TOKEN"}}}
MCP_STDIO = [
    {"type": "mcp", "server_label": "local", "transport": {"type": "stdio", "command": "srv", "cwd": "/srv"}},
    {"type": "mcp", "server_label": "local2", "required": True, "connection_origin": "environment",
     "transport": {"type": "stdio", "command": "srv", "cwd": "/srv", "args": ["-v"], "env_vars": ["HOME"]}},
]
FILE_SEARCH = [
    {"type": "file_search", "max_num_results": 5, "ranking_options": {"ranker": "auto", "score_threshold": 0.2}},
]
RANKER_ONLY = {"type": "file_search", "ranking_options": {"ranker": "auto"}}
FILTERED = {"type": "file_search", "ranking_options": {"hybrid_search": {"embedding_weight": 0.7, "text_weight": 0.3}},
            "filters": {"type": "or", "filters": [
                {"type": "eq", "key": "path", "value": "docs/a.md"},
                {"type": "and", "filters": [{"type": "in", "key": "lang", "value": ["en", "fr"]},
                                            {"type": "gte", "key": "year", "value": 2024}]}]}}
SCHEMA_FORMAT = {"type": "json_schema", "json_schema": {"name": "answer", "schema": {
    "type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"], "additionalProperties": False}}}


RESPONSES_ONLY: dict[str, Any] = {
    "tool_choice": {"type": "function", "name": "described"}, "parallel_tool_calls": False,
    "max_output_tokens": 2000, "max_tool_calls": 3, "store": False, "include": ["file_search_call.results"],
    "prompt_cache_key": "fn-v1", "prompt_cache_retention": "24h", "truncation": "auto",
    "safety_identifier": "user-hash", "metadata": {"team": "support"},
    "prompt": {"id": "pmpt_68a1b2c3d4", "version": 2, "variables": {
        "city": "Paris", "chart": {"type": "input_image", "image_url": "https://example.com/c.png", "detail": "auto"}}},
}


AGENTS_ONLY: dict[str, Any] = {
    "multi_agent": {"enabled": True}, "compaction": {"async": True}, "experimental": {"time_awareness": True},
}


STORE = {"expires_after": {"anchor": "last_active_at", "days": 30}, "chunking_strategy": {
    "type": "static", "static": {"max_chunk_size_tokens": 600, "chunk_overlap_tokens": 200}}}
FILES_WITH_ATTRIBUTES = ["docs/a.md", {"path": "docs/b.md", "attributes": {"lang": "en", "year": 2024, "draft": False,
                                                                         "score": 0.5}}]


def manifests(api: str) -> dict[str, dict[str, Any]]:
    """name -> manifest body: every form ``api`` takes, spread over a few manifests."""
    if api == "assistants":
        return {
            "fn": {"model": "gpt-4o", "tools": FUNCTIONS, "response_format": {"type": "json_object"}},
            "search": {"model": "gpt-4o", "tools": FILE_SEARCH + [{"type": "code_interpreter"}],
                       "files": FILES_WITH_ATTRIBUTES, "vector_store": STORE, "code_interpreter_files": ["data/d.csv"]},
            "ranker": {"model": "gpt-4o", "tools": [RANKER_ONLY], "files": ["docs/a.md"]},
            "reasoner": {"model": "o3", "reasoning_effort": "high", "response_format": SCHEMA_FORMAT},
        }
    out: dict[str, dict[str, Any]] = {
        "fn": {"model": "gpt-4o", "tools": FUNCTIONS + [{"type": "tool_search"}], "verbosity": "low",
               "service_tier": "flex", **(RESPONSES_ONLY if api == "responses" else {})},
        "web": {"model": "gpt-4o", "tools": WEB_SEARCH, **(AGENTS_ONLY if api == "agents" else {})},
        "mcp": {"model": "gpt-4o", "tools": MCP_HTTP + (MCP_STDIO if api == "agents" else [MCP_SECRET])},
        "reasoner": {"model": "o3", "reasoning_effort": "high", "reasoning_summary": "concise", "response_format": (
            SCHEMA_FORMAT if api == "responses" else {"type": "json_schema", "json_schema": {
                "schema": SCHEMA_FORMAT["json_schema"]["schema"]}})},
    }
    if api == "responses":
        out["search"] = {"model": "gpt-4o", "tools": FILE_SEARCH + [RANKER_ONLY, FILTERED, {"type": "code_interpreter"}],
                         "files": FILES_WITH_ATTRIBUTES, "vector_store": STORE,
                         "code_interpreter_files": ["data/d.csv"]}
    return out


def write_project(root: Path, api: str) -> Path:
    """A project folder with :func:`manifests` for ``api`` and the files they name."""
    (root / "assistants").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "data").mkdir()
    (root / "docs" / "a.md").write_text("# A\nSome text.\n")
    (root / "docs" / "b.md").write_text("# B\nOther text.\n")
    (root / "data" / "d.csv").write_text("a,b\n1,2\n")
    (root / "asst-deploy.yaml").write_text(f"project: forms-{api}\napi: {api}\n")
    for name, body in manifests(api).items():
        (root / "assistants" / f"{name}.yaml").write_text(yaml.safe_dump({"name": name, **body}))
    return root
