"""What each target API can express (README: Which API to deploy to), checked before any request.

A manifest describes an assistant, not an endpoint; a field the chosen API cannot express is an
error naming the field and the API that would accept it, never silently dropped.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from ..errors import ManifestProblem
from ..sdk_literals import field_literals, sdk_object
from . import models as m
from .availability import unavailable as _unavailable
from .resolve import display_name_path
from .sdk_rules import SDK_RULES
from .sdk_shapes import SDK_SETTINGS, SDK_TOOLS, sdk_problems
from ..spec import accepts_effort_none, is_plain_model, is_reasoning_model
from .yamlpos import Located, Path_

AGENTS_MAX_NAME = 128
MCP_TOOL = "openai.types.responses.tool_param:Mcp"  # the SDK's Responses mcp tool: its connector_id literals

# Tools each API knows, and who else knows a tool an API lacks.
API_TOOLS = {
    "assistants": {"code_interpreter", "file_search", "function"},
    "agents": {"function", "web_search", "mcp", "tool_search", *(t for t, a in SDK_TOOLS.items() if "agents" in a)},
    "responses": {"code_interpreter", "file_search", "function", "web_search", "mcp", "tool_search",
                  *(t for t, a in SDK_TOOLS.items() if "responses" in a)},
}
RANKERS = {
    "assistants": "default_2024_08_21",
    "responses": "default-2024-11-15",
}

Rule = Callable[[m.Manifest, Located, str], Iterator[tuple[Path_, str]]]


def _tools(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    for i, tool in enumerate(man.tools):
        if tool.type not in API_TOOLS[api]:
            yield ("tools", i, "type"), _unavailable(tool.type, api, _offers_tool(tool.type))


def _offers_tool(tool_type: str) -> Callable[[str], bool]:
    """Whether an API offers a tool type, with the type bound now (callers loop over tools)."""
    return lambda api: tool_type in API_TOOLS[api]


# Manifest fields only some APIs have: field -> APIs that accept it.
FIELD_APIS = {
    "files": {"assistants", "responses"},
    "vector_store": {"assistants", "responses"},
    "code_interpreter_files": {"assistants", "responses"},
    "temperature": {"assistants", "responses"},
    "top_p": {"assistants", "responses"},
    "verbosity": {"agents", "responses"},
    "service_tier": {"agents", "responses"},
    "reasoning_summary": {"agents", "responses"},
    "multi_agent": {"agents"},
    "compaction": {"agents"},
    "experimental": {"agents"},
    "secrets": {"agents"},
    "environment": {"agents"},
    **{name: {"responses"} for name in ("tool_choice", "prompt", "parallel_tool_calls", "max_output_tokens", "max_tool_calls",
                                        "store", "include", "prompt_cache_key", "prompt_cache_retention",
                                        "truncation", "safety_identifier", "reasoning_context", "reasoning_mode",
                                        *SDK_SETTINGS)},
}


def _fields(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    for field, apis in FIELD_APIS.items():
        if api in apis or getattr(man, field) in (None, []):
            continue
        yield (field,), _unavailable("", api, apis.__contains__)


def _agents(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    if api != "agents":
        return
    if isinstance(man.response_format, m.JsonObjectFormat):
        yield ("response_format", "type"), _unavailable(
            "json_object", api, lambda a: a != "agents"
        ) + " (api: agents accepts json_schema)"
    for i, tool in enumerate(man.tools):
        if isinstance(tool, m.FunctionTool) and tool.function.strict:
            yield ("tools", i, "function", "strict"), _unavailable(
                "", api, lambda a: a != "agents"
            ) + " (agents' function tools take no strict: remove it)"
    if man.service_tier == "scale":
        yield ("service_tier",), _unavailable("scale", api, lambda a: a == "responses")


def _json_schema(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """Agents' text.format holds only the schema; the other APIs need a name."""
    if not isinstance(man.response_format, m.JsonSchemaFormat):
        return
    spec = man.response_format.json_schema
    path: Path_ = ("response_format", "json_schema")
    if api == "agents":
        for field in ("name", "description", "strict"):
            if getattr(spec, field) is not None:
                yield path + (field,), _unavailable("", api, lambda a: a != "agents") + \
                    " (agents' json_schema format holds only the schema: remove it)"
    elif spec.name is None:
        yield path, f"api: {api} needs a name for a json_schema format: add name (letters, digits, _ and -)"


# Per-tool settings only one API has: (tool type, field) -> the API that takes it.
TOOL_FIELD_APIS: dict[tuple[str, str], set[str]] = {
    ("function", "defer_loading"): {"agents", "responses"},
    ("mcp", "connection_origin"): {"agents"},
    ("mcp", "credential_id"): {"agents"},
    ("mcp", "oauth"): {"agents"},
    ("mcp", "request_metadata"): {"agents"},
    ("mcp", "required"): {"agents"},
    ("mcp", "connector_id"): {"responses"},
    ("mcp", "server_description"): {"responses"},
    ("mcp", "require_approval"): {"responses"},
    ("file_search", "filters"): {"responses"},
    **{(kind, field): {"responses"} for kind, field in (
        ("function", "output_schema"), ("function", "allowed_callers"), ("mcp", "defer_loading"),
        ("mcp", "allowed_callers"), ("mcp", "tunnel_id"), ("code_interpreter", "container"),
        ("code_interpreter", "allowed_callers"), ("tool_search", "execution"), ("tool_search", "description"),
        ("tool_search", "parameters"))},
}


def _tool_fields(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    for i, tool in enumerate(man.tools):
        holder: object = tool.function if isinstance(tool, m.FunctionTool) else tool
        base: Path_ = ("tools", i, "function") if isinstance(tool, m.FunctionTool) else ("tools", i)
        for (kind, field), apis in TOOL_FIELD_APIS.items():
            if kind == tool.type and api not in apis and getattr(holder, field, None) is not None:
                yield base + (field,), _unavailable("", api, apis.__contains__)
        if isinstance(tool, m.McpTool):
            if [tool.transport, tool.connector_id, tool.tunnel_id].count(None) != 2:
                yield ("tools", i), ("an mcp tool needs one of transport (http or stdio), connector_id or tunnel_id, "
                                     "not several")
        if isinstance(tool, m.WebSearchTool) and api == "responses" and tool.mode == "disabled":
            yield ("tools", i, "mode"), ("mode: disabled has no equivalent with api: responses (it can only "
                                         "choose live or cached results): remove the web_search tool instead")


def _filters(node: m.ComparisonFilter | m.CompoundFilter, path: Path_) -> Iterator[tuple[Path_, str]]:
    """in and nin compare with a list; the other comparisons with one value (SDK's ComparisonFilter)."""
    if isinstance(node, m.CompoundFilter):
        for i, child in enumerate(node.filters):
            yield from _filters(child, path + ("filters", i))
    elif node.type in ("in", "nin") and not isinstance(node.value, list):
        yield path + ("value",), f"{node.type} compares with a list of values: write value: [...]"
    elif node.type not in ("in", "nin") and isinstance(node.value, list):
        yield path + ("value",), f"{node.type} compares with one value, not a list (in and nin take lists)"


def _file_search(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    for i, tool in enumerate(man.tools):
        if not isinstance(tool, m.FileSearchTool):
            continue
        if tool.filters is not None:
            yield from _filters(tool.filters, ("tools", i, "filters"))
        hybrid = tool.ranking_options.hybrid_search if tool.ranking_options else None
        if hybrid is not None and api != "responses":
            yield ("tools", i, "ranking_options", "hybrid_search"), _unavailable("", api, "responses".__eq__)
        elif hybrid is not None and hybrid.embedding_weight == hybrid.text_weight == 0:
            yield ("tools", i, "ranking_options", "hybrid_search"), "give at least one weight above 0"


def _rankers(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    for i, tool in enumerate(man.tools):
        ranker = isinstance(tool, m.FileSearchTool) and tool.ranking_options and tool.ranking_options.ranker
        if ranker and ranker != "auto" and api in RANKERS and ranker != RANKERS[api]:
            yield ("tools", i, "ranking_options", "ranker"), (
                f"{ranker} is not a ranker of api: {api}: write {RANKERS[api]}, "
                "or auto (which works with every API)"
            )


def _sampling(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """Reasoning models take no temperature or top_p (Responses: unless reasoning_effort is none);
    other models take no reasoning_effort, and only newer reasoning models take `none`."""
    if man.reasoning_effort is not None and is_plain_model(man.model):
        yield ("reasoning_effort",), (f"{man.model} is not a reasoning model: it takes no reasoning_effort "
                                      "(o-series and gpt-5 models do): remove it")
        return
    if man.reasoning_effort == "none" and is_reasoning_model(man.model) and not accepts_effort_none(man.model):
        yield ("reasoning_effort",), (f"{man.model} does not accept reasoning_effort: none (gpt-5.1 and later "
                                      "do): use minimal or low, or a newer model")
        return
    if not is_reasoning_model(man.model) or (api == "responses" and man.reasoning_effort == "none"):
        return
    unless = " unless reasoning_effort is none; remove it or set reasoning_effort: none" \
        if api == "responses" and accepts_effort_none(man.model) else "; remove it"
    for field in ("temperature", "top_p"):
        if getattr(man, field) is not None:
            yield (field,), f"{man.model} is a reasoning model: api: {api} refuses {field}{unless}"


def _responses(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    if api != "responses":
        return
    for i, tool in enumerate(man.tools):
        if isinstance(tool, m.McpTool) and isinstance(tool.transport, m.McpStdioTransport):
            yield ("tools", i, "transport", "type"), (
                "api: responses reaches MCP servers over HTTP only: use transport type http, or api: agents"
            )
        if isinstance(tool, m.McpTool) and tool.connector_id is not None:
            known = field_literals(MCP_TOOL, "connector_id")  # imports the SDK: only for a connector
            if tool.connector_id not in known:
                yield ("tools", i, "connector_id"), (f"{tool.connector_id!r} is not a connector of the "
                                                     f"Responses API: one of {', '.join(known)}")
        if isinstance(tool, m.FileSearchTool) and not man.files:
            yield ("tools", i), ("file_search with api: responses searches the manifest's files, and it "
                                 "lists none: add files, or remove the tool")


PROMPT_ID = re.compile(r"pmpt_[A-Za-z0-9]+")  # the dashboard's prompt ids (pmpt_ and letters/digits)
PROMPT_VARIABLE = "openai.types.responses.response_prompt_param:Variables"


def _prompt(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """A pinned prompt's id has the dashboard's form; its variables are what the SDK takes."""
    if man.prompt is None or api != "responses":
        return
    if not PROMPT_ID.fullmatch(man.prompt.id):
        yield ("prompt", "id"), (f"{man.prompt.id!r} is not a prompt id: a reusable prompt's id is pmpt_ "
                                 "followed by letters and digits (copy it from the prompt's page in the dashboard)")
    for key, value in (man.prompt.variables or {}).items():
        if isinstance(value, dict):  # a string is always fine; the SDK checks an input item
            yield from sdk_problems(value, sdk_object(PROMPT_VARIABLE), ("prompt", "variables", key))


# Headers that carry a credential: never written as they are (plans, lockfiles, the agent).
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-api-key", "api-key", "x-auth-token"})
# Parts of a header name that say it carries one (X-Goog-Api-Key, X-Vault-Token, X-Client-Secret, ...).
SECRET_HEADER_WORDS = ("token", "secret", "password", "apikey", "api-key", "api_key")


def secret_header(name: str) -> str | None:
    """Why the header ``name`` is taken for a credential carrier, or ``None`` for a plain header."""
    lowered = name.lower()
    if lowered in SECRET_HEADERS:
        return "carries a credential"
    word = next((w for w in SECRET_HEADER_WORDS if w in lowered), None)
    return f"looks like a credential carrier (its name contains {word!r})" if word else None
_VAULT = ("api: agents keeps MCP secrets out of the agent: authorization_from_env (or headers_from_env: "
          "{Authorization: VARIABLE}) makes a vault credential of the variable's value at apply time")


def _mcp_secrets(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """Secrets come from environment variables at run time (Responses) or a vault (Agents), never
    from the manifest: a credential header written as it is would land in plans and lockfiles."""
    for i, tool in enumerate(man.tools):
        if not isinstance(tool, m.McpTool):
            continue
        base: Path_ = ("tools", i)
        transport = tool.transport if isinstance(tool.transport, m.McpHttpTransport) else None
        from_env = (transport.headers_from_env if transport else None) or {}
        plain = (transport.headers if transport else None) or {}
        if api == "agents":
            yield from _vault_secret(tool, base, transport, from_env)
        elif tool.revision is not None:
            yield base + ("revision",), _unavailable("", api, "agents".__eq__) + " (it rotates a vault credential)"
        secret_envs = {k.lower() for k in from_env}
        for header in plain:
            where = base + ("transport", "headers", header)
            if header.lower() in secret_envs:
                yield where, (f"header {header} is also in headers_from_env: give it in one place "
                              "(headers_from_env for a secret)")
            elif why := secret_header(header):
                yield where, (f"{header} {why}, whose value would be written into plans and lockfiles: "
                              + ("write headers_from_env: {Authorization: VARIABLE} (a vault credential)"
                                 if api == "agents" else
                                 f"put the value in an environment variable and write headers_from_env: "
                                 f"{{{header}: VARIABLE}} (or authorization_from_env for an OAuth token)"))


def _vault_secret(tool: m.McpTool, base: Path_, transport: m.McpHttpTransport | None,
                  from_env: dict[str, str]) -> Iterator[tuple[Path_, str]]:
    """Under api: agents a secret from the environment becomes one static_bearer vault credential: a
    bearer token for one HTTPS server, so one variable, no other secret header, and no credential_id."""
    others = [h for h in from_env if h.lower() != "authorization"]
    if others:
        yield base + ("transport", "headers_from_env", others[0]), (
            f"api: agents sends MCP secrets only as a vault credential, which holds a bearer token: "
            f"headers_from_env takes only Authorization there; {_VAULT}")
    secret = tool.authorization_from_env is not None or len(from_env) > len(others)
    if tool.authorization_from_env is not None and len(from_env) > len(others):
        yield base + ("transport", "headers_from_env", "Authorization"), (
            "give the token in one place: authorization_from_env or headers_from_env.Authorization")
    if secret and tool.credential_id is not None:
        yield base + ("credential_id",), ("a credential from the environment is made and named by asst-deploy: "
                                          "remove credential_id (or the *_from_env fields)")
    if secret and not (transport and transport.server_url.startswith("https://")):
        yield base + ("transport",), ("a vault credential authorizes one HTTPS MCP server: give transport "
                                      "{type: http, server_url: https://...}")
    if tool.oauth is not None:
        yield from _oauth(tool, base)
    if tool.revision is not None and not secret:
        yield base + ("revision",), "revision rotates the credential made from authorization_from_env: give one"


def _oauth(tool: m.McpTool, base: Path_) -> Iterator[tuple[Path_, str]]:
    oauth, where = tool.oauth, base + ("oauth",)
    assert oauth is not None
    if tool.authorization_from_env is None:
        yield where, "oauth refreshes the access token of authorization_from_env: give authorization_from_env"
    if not oauth.token_endpoint.startswith("https://"):
        yield where + ("token_endpoint",), "the token endpoint must be an https:// URL"
    if oauth.token_endpoint_auth == "none" and oauth.client_secret_from_env is not None:
        yield where + ("client_secret_from_env",), "token_endpoint_auth none sends no client secret: remove it"
    if oauth.token_endpoint_auth not in (None, "none") and oauth.client_secret_from_env is None:
        yield where, f"token_endpoint_auth {oauth.token_endpoint_auth} sends a client secret: give client_secret_from_env"


def _secrets(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    seen: set[str] = set()
    for i, secret in enumerate(man.secrets):
        if secret.name in seen:
            yield ("secrets", i, "name"), f"{secret.name!r} is the name of another secret of this manifest"
        seen.add(secret.name)
        if secret.name.upper().startswith("CODEX_"):
            yield ("secrets", i, "name"), "names starting with CODEX_ are reserved by the Agents API"


def _automations(man: m.Manifest, doc: Located, api: str) -> Iterator[tuple[Path_, str]]:
    """``automations`` run an agent (api: agents only): cron with a timezone, or at, and unique names."""
    if man.automations and api != "agents":
        yield ("automations",), _unavailable("", api, "agents".__eq__)
        return
    seen: set[str] = set()
    for i, auto in enumerate(man.automations):
        base: Path_ = ("automations", i)
        if auto.name in seen:
            yield base + ("name",), f"{auto.name!r} is the name of another automation of this manifest"
        seen.add(auto.name)
        if (auto.cron is None) == (auto.at is None):
            yield base, "give cron (with timezone) for a schedule, or at for one run, not both"
        elif auto.cron is not None:
            yield from _cron(auto, base)
        elif auto.timezone is not None:
            yield base + ("timezone",), "timezone goes with cron; at is one moment (write its offset in it)"


_CRON_FIELD = r"(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*|[A-Za-z]{3}(-[A-Za-z]{3})?(,[A-Za-z]{3})*"


def _cron(auto: m.Automation, base: Path_) -> Iterator[tuple[Path_, str]]:
    import re
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    fields = (auto.cron or "").split()
    if len(fields) != 5 or not all(re.fullmatch(_CRON_FIELD, f) for f in fields):
        yield base + ("cron",), (f"{auto.cron!r} is not a five-field cron expression (minute hour day month "
                                 "weekday), e.g. '0 9 * * 1-5'")
    if auto.timezone is None:
        yield base, "cron needs a timezone (an IANA name such as Europe/Paris or UTC)"
        return
    try:
        ZoneInfo(auto.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        yield base + ("timezone",), f"{auto.timezone!r} is not an IANA timezone (e.g. Europe/Paris, UTC)"


RULES: tuple[Rule, ...] = (_tools, _fields, _agents, _json_schema, _tool_fields, _rankers, _sampling, _responses,
                           _mcp_secrets, _file_search, _prompt, _automations, *SDK_RULES)


def api_problems(
    man: m.Manifest, doc: Located, api: str, display_name: str | None = None
) -> list[ManifestProblem]:
    """Every field of ``man`` that ``api`` cannot express, placed in its file.

    ``display_name`` is the name as deployed (with the environment's prefix and suffix).
    """
    problems = [doc.problem(path, message) for rule in RULES for path, message in rule(man, doc, api)]
    name = display_name or man.display_name or man.name
    if api == "agents" and len(name) > AGENTS_MAX_NAME:
        problems.append(doc.problem(display_name_path(doc), (
            f"the display name {name[:30]!r}... is {len(name)} characters; api: agents allows at most "
            f"{AGENTS_MAX_NAME}: shorten it"
        )))
    return problems
