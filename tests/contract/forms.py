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


OUTPUT = {"type": "object", "properties": {"id": {"type": "string"}}}
SDK_TOOLS_RESPONSES = [  # each taken in the SDK's own shape (ToolParam)
    {"type": "image_generation", "quality": "high", "size": "1024x1024", "output_format": "png", "background": "auto"},
    {"type": "shell", "environment": {
        "type": "container_auto", "memory_limit": "4g", "file_ids": [],
        "network_policy": {"type": "allowlist", "allowed_domains": ["pypi.org"]},
        "skills": [{"type": "skill_reference", "skill_id": "skill_68a1", "version": "2"}]}},
    {"type": "computer_use"},
    {"type": "apply_patch"},
    {"type": "custom", "name": "sql", "description": "Runs one SQL query",
     "format": {"type": "grammar", "syntax": "lark", "definition": "start: /SELECT .+/"}},
    {"type": "namespace", "name": "crm", "description": "The CRM", "tools": [
        {"type": "function", "name": "find_customer", "parameters": PARAMS, "output_schema": OUTPUT},
        {"type": "custom", "name": "note"}]},
    {"type": "programmatic_tool_calling"},
    {"type": "web_search_preview", "search_context_size": "low", "user_location": {"type": "approximate", "city": "Paris"}},
]
SDK_TOOLS_LOCAL = [
    {"type": "local_shell"},
    {"type": "computer_use_preview", "display_width": 1024, "display_height": 768, "environment": "browser"},
    {"type": "shell", "environment": {"type": "local", "skills": [
        {"name": "deploy", "description": "How we deploy", "path": "skills/deploy"}]}},
]
SDK_TOOLS_AGENTS = [{"type": "computer_use", "include_screenshots": True}, {"type": "programmatic_tool_calling",
                                                                             "enabled": False}, {"type": "automations"}]
FULL_FORMS = [  # the Responses forms of tools the other APIs take in a shorter form
    {"type": "function", "function": {"name": "lookup", "parameters": PARAMS, "output_schema": OUTPUT,
                                      "allowed_callers": ["direct", "programmatic"]}},
    {"type": "mcp", "server_label": "filtered", "defer_loading": True, "allowed_callers": ["programmatic"],
     "allowed_tools": {"tool_names": ["read"], "read_only": True},
     "transport": {"type": "http", "server_url": "https://mcp.example.com/d"}},
    {"type": "mcp", "server_label": "tunnelled", "tunnel_id": "tun_68a1"},
    {"type": "tool_search", "execution": "client", "description": "Finds CRM tools", "parameters": PARAMS},
    {"type": "code_interpreter", "allowed_callers": ["direct"], "container": {
        "memory_limit": "16g", "network_policy": {"type": "allowlist", "allowed_domains": ["example.com"]}}},
]
SDK_SETTINGS: dict[str, Any] = {
    "reasoning_context": "all_turns", "reasoning_mode": "pro", "top_logprobs": 3, "background": True,
    "background_options": {"completion_window": "2h"}, "context_management": [{"type": "compaction",
                                                                              "compact_threshold": 100000}],
    "image": {"context_compression": "auto"}, "moderation": {"model": "omni-moderation-latest",
                                                              "policy": {"input": {"mode": "block"}}},
    "prompt_cache_options": {"mode": "explicit", "ttl": "12h"}, "access_programs": {"cyber": "standard"},
}


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
        "sdk-tools": {"model": "gpt-5", "tools": SDK_TOOLS_AGENTS if api == "agents" else SDK_TOOLS_RESPONSES},
        "mcp": {"model": "gpt-4o", "tools": MCP_HTTP + (MCP_STDIO if api == "agents" else [MCP_SECRET])},
        "reasoner": {"model": "o3", "reasoning_effort": "high", "reasoning_summary": "concise", "response_format": (
            SCHEMA_FORMAT if api == "responses" else {"type": "json_schema", "json_schema": {
                "schema": SCHEMA_FORMAT["json_schema"]["schema"]}})},
    }
    if api == "agents":  # the API fills in their defaults: the plan after apply must still be empty
        out["bare-tools"] = {"model": "gpt-5", "tools": [{"type": "computer_use"}, {"type": "programmatic_tool_calling"}]}
    if api == "responses":
        out["search"] = {"model": "gpt-4o", "tools": FILE_SEARCH + [RANKER_ONLY, FILTERED, {"type": "code_interpreter"}],
                         "files": FILES_WITH_ATTRIBUTES, "vector_store": STORE,
                         "code_interpreter_files": ["data/d.csv"]}
        out["local-tools"] = {"model": "gpt-5", "tools": SDK_TOOLS_LOCAL, "tool_choice": {"type": "computer_use_preview"}}
        out["full-forms"] = {"model": "gpt-5", "tools": FULL_FORMS, "code_interpreter_files": ["data/d.csv"],
                             "tool_choice": {"type": "mcp", "server_label": "filtered", "name": "read"},
                             "reasoning_effort": "high", **SDK_SETTINGS}
        out["sdk-tools"]["tool_choice"] = {"type": "allowed_tools", "mode": "auto", "tools": [
            {"type": "custom", "name": "sql"}, {"type": "image_generation"}]}
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
