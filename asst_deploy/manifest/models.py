"""Pydantic models of one manifest (README: A manifest): types, ranges and API limits.

The models are strict (``model: 4`` is an error, never ``"4"``) and forbid unknown keys, so a typo
cannot pass silently. They check what one value can tell; checks that need the file system or
several fields at once live in :mod:`.resolve`, and per-API rules in :mod:`.api_rules`.
Unions of tools and response formats use callable discriminators with ``~``-prefixed tags, so an
error's location names the branch (stripped again by :mod:`.messages`) and never mixes branches.
"""

from __future__ import annotations

import json
import typing
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_serializer

NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"
FUNCTION_NAME_PATTERN = r"^[a-zA-Z0-9_-]{1,64}$"
TAG_PREFIX = "~"  # marks a union branch in an error location
ENV_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"  # an environment variable's name
HEADER_NAME_PATTERN = r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"  # an HTTP header's name (RFC 9110 token)

# API limits (README: A manifest).
MAX_DISPLAY_NAME = 256
MAX_DESCRIPTION = 512
MAX_INSTRUCTIONS = 256_000
MAX_TOOLS = 128
MAX_METADATA_PAIRS = 16  # the API's limit, counting the key asst-deploy reserves
MAX_USER_METADATA_PAIRS = MAX_METADATA_PAIRS - 1
MAX_METADATA_KEY = 64
MAX_METADATA_VALUE = 512
MAX_CODE_INTERPRETER_FILES = 20

ReasoningEffort = Literal["none", "minimal", "low", "medium", "high", "xhigh", "max"]
Verbosity = Literal["low", "medium", "high"]
ServiceTier = Literal["auto", "default", "flex", "scale", "priority", "fast", "ultrafast"]
Ranker = Literal["auto", "default_2024_08_21", "default-2024-11-15"]


class Strict(BaseModel):
    """Base: unknown keys are errors and nothing is coerced."""

    # built on first use, not at import: validating a manifest builds Manifest's schema with every
    # model nested in it, and a validator of their own per class slowed every command's start
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


# ---- tools -------------------------------------------------------------------------------------


Caller = Literal["direct", "programmatic"]


class CodeInterpreterContainer(Strict):
    """The container code_interpreter runs in (api: responses); its files are `code_interpreter_files`."""

    memory_limit: Literal["1g", "4g", "16g", "64g"] | None = Field(None, description="The container's memory.")
    network_policy: dict[str, Any] | None = Field(
        None, description="Network access, as the SDK's network_policy: {type: disabled} or "
        "{type: allowlist, allowed_domains: [...]}.",
    )


class CodeInterpreterTool(Strict):
    """Runs Python in a sandbox; its files come from the manifest's `code_interpreter_files`."""

    type: Literal["code_interpreter"] = Field(description="Always `code_interpreter`.")
    container: CodeInterpreterContainer | None = Field(
        None, description="Memory limit and network policy of its container (api: responses)."
    )
    allowed_callers: list[Caller] | None = Field(
        None, description="Who may call it: direct (the model) and/or programmatic (api: responses)."
    )


class HybridSearch(Strict):
    """How reciprocal rank fusion weighs embedding (semantic) matches against text (keyword) matches."""

    embedding_weight: float = Field(ge=0, description="Weight of embedding matches (>= 0).")
    text_weight: float = Field(ge=0, description="Weight of text matches (>= 0).")


class RankingOptions(Strict):
    """How file search ranks chunks before the model sees them."""

    ranker: Ranker | None = Field(
        None,
        description="`auto` (works with every API), `default_2024_08_21` (Assistants only) or "
        "`default-2024-11-15` (Responses only).",
    )
    score_threshold: float | None = Field(
        None, ge=0, le=1, description="Drop results scoring below this (0..1)."
    )
    hybrid_search: HybridSearch | None = Field(
        None, description="Weights of semantic and keyword matches in hybrid search (api: responses)."
    )


class ComparisonFilter(Strict):
    """Compare a file attribute (`path`, or one declared under `files[].attributes`) to a value."""

    type: Literal["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"] = Field(
        description="eq, ne, gt, gte, lt, lte, in (value is a list) or nin (value is a list)."
    )
    key: str = Field(min_length=1, max_length=64, description="The attribute's key.")
    value: str | bool | int | float | list[str | int | float] = Field(
        description="A string, number or boolean; a list of strings or numbers for in and nin."
    )


class CompoundFilter(Strict):
    """Combine filters with `and` or `or`."""

    type: Literal["and", "or"] = Field(description="and or or.")
    filters: list["Filter"] = Field(min_length=1, description="Comparison or compound filters.")


COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin")


def _pick_filter(value: Any) -> str | None:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return f"{TAG_PREFIX}{'comparison' if kind in COMPARISONS else kind}"


if TYPE_CHECKING:
    Filter = Union[ComparisonFilter, CompoundFilter]
else:
    Filter = Annotated[
        Union[Annotated[ComparisonFilter, Tag(TAG_PREFIX + "comparison")],
              Annotated[CompoundFilter, Tag(TAG_PREFIX + "and")],
              Annotated[CompoundFilter, Tag(TAG_PREFIX + "or")]],
        Discriminator(_pick_filter),
    ]


class FileSearchTool(Strict):
    """Searches the assistant's retrieval `files` (its vector store)."""

    type: Literal["file_search"] = Field(description="Always `file_search`.")
    max_num_results: int | None = Field(
        None, ge=1, le=50, description="How many chunks to return at most (1..50)."
    )
    ranking_options: RankingOptions | None = Field(None, description="Ranking of results.")
    filters: Filter | None = Field(
        None, description="Search only files whose attributes match (api: responses): a comparison "
        "{type: eq, key, value} or {type: and|or, filters: [...]}."
    )


class FunctionDefinition(Strict):
    """A function the model may call; your code runs it."""

    name: str = Field(pattern=FUNCTION_NAME_PATTERN, description="1-64 of a-z A-Z 0-9 _ -.")
    description: str | None = Field(None, description="What the function does, for the model.")
    parameters: dict[str, Any] | None = Field(
        None, description="A JSON Schema object (type: object) of the arguments."
    )
    parameters_file: str | None = Field(
        None, description="A JSON file holding the parameters schema, relative to the project root."
    )
    strict: bool | None = Field(
        None, description="Make the model follow the schema exactly (not with api: agents)."
    )
    defer_loading: bool | None = Field(
        None, description="Load the function only when tool_search finds it (api: agents or responses)."
    )
    output_schema: dict[str, Any] | None = Field(
        None, description="A JSON Schema of what the function returns (api: responses)."
    )
    allowed_callers: list[Caller] | None = Field(
        None, description="Who may call it: direct (the model) and/or programmatic (api: responses)."
    )


class FunctionTool(Strict):
    """A function tool, written as in the Assistants API: the definition nested under `function`."""

    type: Literal["function"] = Field(description="Always `function`.")
    function: FunctionDefinition = Field(description="The function's definition.")


class WebSearchLocation(Strict):
    """Approximate location used to localize search results."""

    city: str | None = Field(None, description="City name.")
    country: str | None = Field(None, description="Two-letter ISO country code, such as `US`.")
    region: str | None = Field(None, description="Region or state.")
    timezone: str | None = Field(None, description="IANA time zone, such as `Europe/Paris`.")


class WebSearchTool(Strict):
    """Web search (api: agents or responses)."""

    type: Literal["web_search"] = Field(description="Always `web_search`.")
    allowed_domains: list[str] | None = Field(None, description="Only search these domains.")
    context_size: Literal["low", "medium", "high"] | None = Field(
        None, description="How much search context the model sees (default medium)."
    )
    location: WebSearchLocation | None = Field(None, description="Localize results.")
    mode: Literal["disabled", "cached", "live"] | None = Field(
        None, description="Where results come from (default live; api: responses has no `disabled`)."
    )


EnvName = Annotated[str, Field(pattern=ENV_NAME_PATTERN, max_length=256)]
HeaderName = Annotated[str, Field(pattern=HEADER_NAME_PATTERN, max_length=256)]


class McpHttpTransport(Strict):
    """Reach the MCP server over HTTP."""

    type: Literal["http"] = Field(description="Always `http`.")
    server_url: str = Field(description="The MCP server's URL.")
    headers: dict[HeaderName, str] | None = Field(
        None, description="Non-secret HTTP headers, written as they are into plans and lockfiles; credential "
        "carriers (Authorization, Cookie, X-Api-Key, names containing token/secret/password/api-key) are "
        "refused: give them in headers_from_env."
    )
    headers_from_env: dict[HeaderName, EnvName] | None = Field(
        None,
        description="Secret HTTP headers: header name -> the environment variable holding its whole value "
        "(e.g. `Authorization: MCP_TOKEN` with MCP_TOKEN='Bearer ...'), read where your code calls the model "
        "(api: responses). Plans and lockfiles hold only the variable's name.",
    )


class McpStdioTransport(Strict):
    """Start the MCP server as a local process (api: agents)."""

    type: Literal["stdio"] = Field(description="Always `stdio`.")
    command: str = Field(description="The command that starts the server.")
    cwd: str = Field(description="Its working directory.")
    args: list[str] | None = Field(None, description="Its arguments.")
    env_vars: list[str] | None = Field(None, description="Environment variables it inherits.")


def _tagged(*models: type[Strict], key: str = "type") -> Any:
    """A union told apart by its `type` field, with branch tags that never look like keys."""
    return _tagged_by({m.model_fields[key].annotation.__args__[0]: m for m in models}, key)  # type: ignore[union-attr]


def _tagged_by(branches: dict[str, type[BaseModel]], key: str = "type") -> Any:
    """A union of ``branches`` (tag -> model; one model may take several tags) told apart by ``key``."""

    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            return f"{TAG_PREFIX}{value.get(key)}"
        return getattr(value, key, None) and f"{TAG_PREFIX}{getattr(value, key)}"

    tagged = [Annotated[m, Tag(TAG_PREFIX + tag)] for tag, m in branches.items()]
    return Annotated[Union[tuple(tagged)], Discriminator(pick)]


if TYPE_CHECKING:  # the static view of the tagged union built below
    McpTransport = Union[McpHttpTransport, McpStdioTransport]
else:
    McpTransport = _tagged(McpHttpTransport, McpStdioTransport)


class McpToolFilter(Strict):
    """Tools of an MCP server picked by name."""

    tool_names: list[str] | None = Field(None, description="The tools' names.")
    read_only: bool | None = Field(None, description="Match the tools marked read-only.")


class McpApprovalFilter(Strict):
    """Which tools need an approval, and which never do."""

    always: McpToolFilter | None = Field(None, description="Tools that always need an approval.")
    never: McpToolFilter | None = Field(None, description="Tools that never need one.")


class McpOAuth(Strict):
    """OAuth refresh for the access token of authorization_from_env (api: agents: an mcp_oauth credential)."""

    client_id: str = Field(min_length=1, description="The OAuth client id.")
    token_endpoint: str = Field(description="The HTTPS token endpoint that refreshes the access token.")
    refresh_token_from_env: EnvName = Field(description="The environment variable holding the refresh token.")
    client_secret_from_env: EnvName | None = Field(
        None, description="The environment variable holding the OAuth client secret, if the client has one.")
    token_endpoint_auth: Literal["none", "client_secret_basic", "client_secret_post"] | None = Field(
        None, description="How the client authenticates to the token endpoint (default: client_secret_post "
        "with a client secret, none without).")
    scope: str | None = Field(None, description="Space-separated scopes asked for on refresh.")
    resource: str | None = Field(None, description="The resource URI sent on refresh.")


class SandboxSecret(Strict):
    """A secret for OpenAI-hosted environments (api: agents): an environment_variable vault credential."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", max_length=256,
                      description="The variable's name inside the sandbox (which sees a placeholder, never the value).")
    from_env: EnvName = Field(description="The environment variable holding the value where apply runs.")
    allowed_hosts: list[Annotated[str, Field(min_length=1)]] | None = Field(
        None, min_length=1, max_length=16,
        description="The only hosts the value is sent to (default: whatever the environment's network policy allows).")
    revision: int | None = Field(None, ge=0, description="Bump it to send the value again.")


class McpTool(Strict):
    """Tools of a remote MCP server (api: agents; api: responses over HTTP or by connector)."""

    type: Literal["mcp"] = Field(description="Always `mcp`.")
    server_label: str = Field(description="A label for the server in tool calls.")
    transport: McpTransport | None = Field(
        None, description="How to reach the server: http or stdio (or connector_id with api: responses)."
    )
    connector_id: str | None = Field(
        None, description="An OpenAI connector instead of a server URL, e.g. connector_gmail (api: responses)."
    )
    server_description: str | None = Field(None, description="What the server is for (api: responses).")
    require_approval: Literal["always", "never"] | McpApprovalFilter | None = Field(
        None, description="Whether calls need an approval: always, never or per tool (api: responses)."
    )
    allowed_tools: list[str] | McpToolFilter | None = Field(
        None, description="Only these tools of the server: a list of names, or (api: responses) a filter "
        "{tool_names, read_only}.",
    )
    defer_loading: bool | None = Field(
        None, description="Load the server's tools only when tool_search finds them (api: responses)."
    )
    allowed_callers: list[Caller] | None = Field(
        None, description="Who may call it: direct (the model) and/or programmatic (api: responses)."
    )
    tunnel_id: str | None = Field(
        None, description="A Secure MCP Tunnel instead of a server URL (api: responses)."
    )
    authorization_from_env: EnvName | None = Field(
        None,
        description="The environment variable holding an OAuth access token for the server (the Responses "
        "API's `authorization`), read where your code calls the model (api: responses). Plans and lockfiles "
        "hold only the variable's name.",
    )
    connection_origin: Literal["service", "environment"] | None = Field(
        None, description="Where connections originate."
    )
    credential_id: str | None = Field(None, description="The vault credential to use.")
    oauth: McpOAuth | None = Field(
        None, description="Refresh the access token of authorization_from_env by OAuth (api: agents: an mcp_oauth "
        "vault credential).")
    revision: int | None = Field(
        None, ge=0, description="Bump it to send the secret again (api: agents: the vault credential made from "
        "authorization_from_env is write-only, so a changed value is sent only when asked)."
    )
    request_metadata: dict[str, Any] | None = Field(None, description="Sent with each request.")
    required: bool | None = Field(None, description="Must initialize before the first turn.")


class ToolSearchTool(Strict):
    """Discovers deferred function tools (api: agents or responses)."""

    type: Literal["tool_search"] = Field(description="Always `tool_search`.")
    execution: Literal["server", "client"] | None = Field(
        None, description="Who runs the search: the API (server, the default) or your code (client; api: responses)."
    )
    description: str | None = Field(None, description="What the search finds, for the model (api: responses).")
    parameters: dict[str, Any] | None = Field(
        None, description="A JSON Schema of a client-run search's arguments (api: responses)."
    )


SdkToolType = Literal["image_generation", "shell", "local_shell", "computer_use", "computer_use_preview",
                      "apply_patch", "custom", "namespace", "programmatic_tool_calling", "web_search_preview",
                      "automations"]


class SdkShapedTool(BaseModel):
    """A tool written as the API takes it (the openai SDK's ToolParam or PersistedAgentToolParam, with
    `computer_use` for the computer tool of both APIs): validate checks its keys and values against the
    installed SDK's type for the chosen API."""

    model_config = ConfigDict(extra="allow", strict=True, frozen=True, defer_build=True)

    type: SdkToolType = Field(description="The tool's type; its other keys are the API's own.")


TOOL_MODELS: dict[str, type[BaseModel]] = {
    **{m.model_fields["type"].annotation.__args__[0]: m  # type: ignore[union-attr]
       for m in (CodeInterpreterTool, FileSearchTool, FunctionTool, WebSearchTool, McpTool, ToolSearchTool)},
    **{kind: SdkShapedTool for kind in typing.get_args(SdkToolType)},
}
if TYPE_CHECKING:  # the static view of the tagged union built below: the same models as TOOL_MODELS
    Tool = Union[CodeInterpreterTool, FileSearchTool, FunctionTool, WebSearchTool, McpTool, ToolSearchTool,
                 SdkShapedTool]
else:
    Tool = _tagged_by(TOOL_MODELS)

# ---- response format ---------------------------------------------------------------------------


class TextFormat(Strict):
    """Plain text (the same as `auto`)."""

    type: Literal["text"] = Field(description="Always `text`.")


class JsonObjectFormat(Strict):
    """Any JSON object (not with api: agents)."""

    type: Literal["json_object"] = Field(description="Always `json_object`.")


class JsonSchemaSpec(Strict):
    """The JSON Schema the answer must follow."""

    name: str | None = Field(
        None, pattern=FUNCTION_NAME_PATTERN,
        description="1-64 of a-z A-Z 0-9 _ -; required by api: assistants and responses, not taken by agents.",
    )
    description: str | None = Field(None, description="What the format is for.")
    schema_: dict[str, Any] | None = Field(
        None, alias="schema", description="The JSON Schema object of the answer."
    )
    strict: bool | None = Field(None, description="Follow the schema exactly.")


class JsonSchemaFormat(Strict):
    """Answers following a JSON Schema (structured outputs)."""

    type: Literal["json_schema"] = Field(description="Always `json_schema`.")
    json_schema: JsonSchemaSpec = Field(description="Name and schema of the format.")


def _pick_format(value: Any) -> str | None:
    if isinstance(value, str):
        return f"{TAG_PREFIX}auto"
    if isinstance(value, dict):
        return f"{TAG_PREFIX}{value.get('type')}"
    return getattr(value, "type", None) and f"{TAG_PREFIX}{value.type}"


ResponseFormat = Annotated[
    Union[
        Annotated[Literal["auto"], Tag(TAG_PREFIX + "auto")],
        Annotated[TextFormat, Tag(TAG_PREFIX + "text")],
        Annotated[JsonObjectFormat, Tag(TAG_PREFIX + "json_object")],
        Annotated[JsonSchemaFormat, Tag(TAG_PREFIX + "json_schema")],
    ],
    Discriminator(_pick_format),
]
RESPONSE_FORMAT_TYPES = ("auto", "text", "json_object", "json_schema")

# ---- behaviour checks (never deployed: manifest/checks.py reads them) ---------------------------

MAX_REPEAT = 100
FunctionName = Annotated[str, Field(pattern=FUNCTION_NAME_PATTERN)]


class ToolCallMatch(Strict):
    """A function call: its name, and arguments it must have sent (a subset of what it sent)."""

    name: FunctionName = Field(description="The function's name.")
    arguments: dict[str, Any] | None = Field(
        None, description="Arguments the call must carry, matched as a subset (other arguments may be there too)."
    )


def _text_or_mapping(value: Any) -> str:
    return f"{TAG_PREFIX}{'text' if isinstance(value, str) else 'mapping'}"


if TYPE_CHECKING:
    ToolCalled = Union[str, ToolCallMatch]
    SchemaOrTrue = Union[bool, dict[str, Any]]
else:
    ToolCalled = Annotated[Union[Annotated[FunctionName, Tag(TAG_PREFIX + "text")],
                                 Annotated[ToolCallMatch, Tag(TAG_PREFIX + "mapping")]],
                           Discriminator(_text_or_mapping)]
    SchemaOrTrue = Annotated[
        Union[Annotated[bool, Tag(TAG_PREFIX + "flag")], Annotated[dict[str, Any], Tag(TAG_PREFIX + "schema")]],
        Discriminator(lambda v: f"{TAG_PREFIX}{'flag' if isinstance(v, bool) else 'schema'}")]


class Expectation(Strict):
    """One thing the answer must show: exactly one of these keys (`rubric` may add `threshold`)."""

    contains: str | None = Field(None, min_length=1, description="The answer contains this text.")
    icontains: str | None = Field(None, min_length=1, description="... ignoring case.")
    contains_any: list[str] | None = Field(None, min_length=1, description="The answer contains one of these.")
    contains_all: list[str] | None = Field(None, min_length=1, description="The answer contains every one of these.")
    not_contains: str | None = Field(None, min_length=1, description="The answer does not contain this text.")
    regex: str | None = Field(None, min_length=1, description="A Python regular expression found in the answer.")
    equals: str | None = Field(None, description="The whole answer, surrounding whitespace aside.")
    is_json: bool | None = Field(None, description="true: the answer is JSON.")
    json_schema: SchemaOrTrue | None = Field(
        None, description="The answer is JSON valid against this schema; true: the manifest's own "
        "response_format json_schema.")
    tool_called: ToolCalled | None = Field(
        None, description="The model called this function: a name, or {name, arguments} matched as a subset.")
    tool_not_called: FunctionName | None = Field(None, description="The model did not call this function.")
    cites: str | None = Field(
        None, min_length=1, description="A file_search citation names a retrieval file of this path or glob.")
    rubric: str | None = Field(
        None, min_length=1, description="What a model grader (OpenAI's graders API) judges the answer against; "
        "a rubric costs a model call.")
    threshold: float | None = Field(None, ge=0, le=1, description="rubric: the lowest passing score, 0..1 (default 0.5).")


EXPECTATIONS: tuple[str, ...] = tuple(k for k in Expectation.model_fields if k != "threshold")
DEFAULT_THRESHOLD = 0.5


def kind_of(expectation: Expectation) -> str:
    """The expectation's one key (validated: there is exactly one)."""
    return next(k for k in EXPECTATIONS if getattr(expectation, k) is not None)


class ChatMessage(Strict):
    """One turn of a conversation the case replays."""

    role: Literal["user", "assistant"] = Field(description="user, or assistant for an earlier answer.")
    content: str = Field(min_length=1, description="What was said.")


class CheckCase(Strict):
    """One behaviour check: what is said to the deployed assistant, and what the answer must show."""

    name: str = Field(min_length=1, max_length=200, description="Unique within the assistant.")
    input: str | None = Field(None, min_length=1, description="The user's message (or write `messages`).")
    messages: list[ChatMessage] | None = Field(
        None, min_length=1, description="A short conversation instead of `input`; the last is the user's.")
    expect: list[Expectation] = Field(min_length=1, description="Every expectation must hold.")
    repeat: int = Field(1, ge=1, le=MAX_REPEAT, description="Ask this many times (answers vary), 1..100.")
    min_pass: float = Field(1.0, ge=0, le=1, description="The fraction of the repeats that must pass (default 1).")
    functions: dict[FunctionName, Any] = Field(
        default_factory=dict, description="Function name -> the output returned when the model calls it "
        "(text, or a value sent as JSON); a call to a function not named here fails the case.")

    def output_of(self, function: str) -> str:
        value = self.functions[function]
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class ChecksFile(Strict):
    """A ``checks_file``'s list, validated under the key it has in a manifest."""

    checks: list[CheckCase]



# ---- the manifest ------------------------------------------------------------------------------

class ExpiresAfter(Strict):
    """When an unused vector store expires (and stops answering file_search)."""

    anchor: Literal["last_active_at"] = Field(description="Always `last_active_at`.")
    days: int = Field(ge=1, le=365, description="Days after the store was last used (1..365).")


class AutoChunking(Strict):
    """The API's default chunking (currently 800-token chunks overlapping by 400)."""

    type: Literal["auto"] = Field(description="Always `auto`.")


class StaticChunkingSizes(Strict):
    """Chunk size and overlap, in tokens."""

    max_chunk_size_tokens: int = Field(ge=100, le=4096, description="Tokens per chunk (100..4096).")
    chunk_overlap_tokens: int = Field(ge=0, description="Tokens shared by neighbouring chunks (at most half a chunk).")


class StaticChunking(Strict):
    """Chunks of a fixed size."""

    type: Literal["static"] = Field(description="Always `static`.")
    static: StaticChunkingSizes = Field(description="Chunk size and overlap.")


if TYPE_CHECKING:
    ChunkingStrategy = Union[AutoChunking, StaticChunking]
else:
    ChunkingStrategy = _tagged(AutoChunking, StaticChunking)


class VectorStoreSettings(Strict):
    """Settings of the vector store holding the retrieval `files` (api: assistants or responses)."""

    expires_after: ExpiresAfter | None = Field(
        None, description="Expire the store after it has gone unused this long; plan and apply create it again."
    )
    chunking_strategy: ChunkingStrategy | None = Field(
        None, description="How files are split into chunks (default auto). A change re-attaches every file "
        "(detached and attached again, not uploaded) so it is chunked the new way."
    )


AttributeKey = Annotated[str, Field(min_length=1, max_length=MAX_METADATA_KEY)]
AttributeValue = Union[Annotated[str, Field(max_length=MAX_METADATA_VALUE)], bool, int, float]
MAX_FILE_ATTRIBUTES = 16  # the API's limit per vector-store file
RESERVED_ATTRIBUTES = ("path", "sha256")  # what asst-deploy gives every file it attaches


class FileEntry(Strict):
    """Retrieval files with attributes of their own, for file_search `filters`."""

    path: str = Field(min_length=1, description="A path or glob, relative to the project root.")
    attributes: dict[AttributeKey, AttributeValue] = Field(
        default_factory=dict, max_length=MAX_FILE_ATTRIBUTES - len(RESERVED_ATTRIBUTES),
        description="At most 14 attributes (asst-deploy sets `path` and `sha256`): keys <= 64 chars, "
        "values strings <= 512 chars, numbers or booleans.",
    )


def _pick_file(value: Any) -> str:
    return f"{TAG_PREFIX}{'path' if isinstance(value, str) else 'entry'}"


if TYPE_CHECKING:
    FileItem = Union[str, FileEntry]
else:
    FileItem = Annotated[Union[Annotated[str, Tag(TAG_PREFIX + "path")], Annotated[FileEntry, Tag(TAG_PREFIX + "entry")]],
                         Discriminator(_pick_file)]


Includable = Literal[
    "file_search_call.results", "web_search_call.results", "web_search_call.action.sources",
    "message.input_image.image_url", "computer_call_output.output.image_url", "code_interpreter_call.outputs",
    "reasoning.encrypted_content", "message.output_text.logprobs",
]  # the SDK's ResponseIncludable


class MultiAgent(Strict):
    """Subagents the agent may create and coordinate (api: agents)."""

    enabled: bool = Field(description="Allow subagents.")
    max_concurrent_subagents: int | None = Field(None, ge=1, description="At most this many at once (default 6).")


class Compaction(Strict):
    """Context compaction (api: agents)."""

    model_config = ConfigDict(populate_by_name=True)

    async_: bool | None = Field(None, alias="async", description="Compact in the background (default false).")


class Experimental(Strict):
    """Experimental agent settings (api: agents)."""

    time_awareness: bool | None = Field(None, description="Periodic current-time reminders (default false).")


class PromptRef(Strict):
    """A reusable prompt made in OpenAI's dashboard, pinned to one of its versions (api: responses)."""

    id: str = Field(min_length=1, description="The prompt's id (pmpt_...), from the dashboard.")
    version: Annotated[str, Field(min_length=1)] | Annotated[int, Field(ge=0)] = Field(
        description="The version to use: required, so an edit in the dashboard cannot change what is deployed."
    )
    variables: dict[str, str | dict[str, Any]] | None = Field(
        None, description="Values of the prompt's {{variables}}: strings, or input_text, input_image or "
        "input_file items as the SDK's ResponsePromptParam takes them.",
    )

    @field_serializer("version")
    def _version_text(self, version: str | int) -> str:
        return str(version)  # the API takes a string; YAML reads `version: 3` as a number


class Automation(Strict):
    """Run the agent on a schedule (api: agents): a new session of the deployed agent, its vault attached."""

    name: str = Field(min_length=1, max_length=256, pattern=r"^[^:]+$",
                      description="Unique in the manifest; the automation's name on the account.")
    cron: str | None = Field(None, description="A five-field cron expression, e.g. `0 9 * * 1-5` (with timezone).")
    timezone: str | None = Field(None, description="The IANA timezone the cron expression is read in.")
    at: datetime | None = Field(None, strict=False, description="Run once at this moment (ISO 8601; UTC unless it says).")
    input: str = Field(min_length=1, description="The first user message of each session.")
    enabled: bool = Field(True, description="false pauses the automation (it stays deployed).")


MetadataKey = Annotated[str, Field(max_length=MAX_METADATA_KEY)]
MetadataValue = Annotated[str, Field(max_length=MAX_METADATA_VALUE)]


class Manifest(Strict):
    """One assistant, as declared in `assistants/*.yaml` (asst-deploy; README: A manifest).

    Paths are relative to the project root (the folder holding asst-deploy.yaml).
    """

    model_config = ConfigDict(
        title="asst-deploy assistant manifest", populate_by_name=True, protected_namespaces=()
    )

    name: str = Field(
        pattern=NAME_PATTERN,
        description="Logical key, unique in the project: lowercase letters, digits, - and _.",
    )
    renamed_from: Annotated[str, Field(pattern=NAME_PATTERN)] | list[Annotated[str, Field(pattern=NAME_PATTERN)]] | None = Field(
        None,
        description="The name (or names) this manifest had before, as Terraform's `moved`: the plan shows a "
        "move, and apply keeps the deployed objects and their ids under the new name.",
    )
    display_name: str | None = Field(
        None,
        max_length=MAX_DISPLAY_NAME,
        description="The name shown on the account (default: name); environments may add a prefix.",
    )
    model: str = Field(min_length=1, description="The model, e.g. gpt-4o.")
    description: str | None = Field(
        None, max_length=MAX_DESCRIPTION, description="What the assistant is for (at most 512 chars)."
    )
    instructions: str | None = Field(
        None, max_length=MAX_INSTRUCTIONS, description="The system instructions (at most 256,000 chars)."
    )
    instructions_file: str | None = Field(
        None, description="A UTF-8 file holding the instructions, instead of `instructions`."
    )
    tools: list[Tool] = Field(
        default_factory=list,
        max_length=MAX_TOOLS,
        description="code_interpreter, file_search, function; web_search, mcp, tool_search "
        "with api: agents/responses. At most 128.",
    )
    files: list[FileItem] = Field(
        default_factory=list,
        description="Retrieval files for file_search, uploaded into a vector store: paths or globs, or "
        "{path, attributes} to give the files attributes that file_search filters can match.",
    )
    vector_store: VectorStoreSettings | None = Field(
        None, description="Expiry and chunking of the retrieval files' vector store (api: assistants or responses)."
    )
    code_interpreter_files: list[str] = Field(
        default_factory=list,
        description="Files (paths or globs) given to code_interpreter; at most 20.",
    )
    temperature: float | None = Field(None, ge=0, le=2, description="Sampling temperature, 0..2.")
    top_p: float | None = Field(None, ge=0, le=1, description="Nucleus sampling, 0..1.")
    response_format: ResponseFormat | None = Field(
        None,
        description="`auto`, {type: text}, {type: json_object} or "
        "{type: json_schema, json_schema: {name, schema, strict}}.",
    )
    reasoning_effort: ReasoningEffort | None = Field(
        None, description="Reasoning effort of reasoning models."
    )
    verbosity: Verbosity | None = Field(
        None, description="How much text the model writes (api: agents or responses)."
    )
    service_tier: ServiceTier | None = Field(
        None, description="Processing tier (api: agents or responses)."
    )
    reasoning_summary: Literal["auto", "concise", "detailed"] | None = Field(
        None, description="A summary of the model's reasoning (api: agents or responses)."
    )
    reasoning_context: Literal["auto", "current_turn", "all_turns"] | None = Field(
        None, description="Which turns' reasoning the model keeps (api: responses: reasoning.context)."
    )
    reasoning_mode: str | None = Field(
        None, min_length=1, description="The reasoning mode, e.g. standard or pro (api: responses: reasoning.mode)."
    )
    tool_choice: Literal["auto", "none", "required"] | dict[str, Any] | None = Field(
        None, description="Whether and which tool the model must call (api: responses): auto, none, required, "
        "or a mapping as the SDK's ToolChoice takes it ({type: function, name}, {type: custom, name}, "
        "{type: mcp, server_label, name}, {type: allowed_tools, mode, tools}, {type: image_generation}, ...).",
    )
    prompt: PromptRef | None = Field(
        None, description="A reusable dashboard prompt pinned by id and version (api: responses)."
    )
    parallel_tool_calls: bool | None = Field(None, description="Allow parallel tool calls (api: responses).")
    max_output_tokens: int | None = Field(
        None, ge=16, description="Upper bound on generated tokens, reasoning included (api: responses)."
    )
    max_tool_calls: int | None = Field(None, ge=1, description="Most built-in tool calls per response (api: responses).")
    store: bool | None = Field(None, description="Store responses for later retrieval (api: responses).")
    include: list[Includable] | None = Field(None, description="Extra output to include (api: responses).")
    prompt_cache_key: str | None = Field(None, description="Groups similar requests for caching (api: responses).")
    prompt_cache_retention: Literal["in_memory", "24h"] | None = Field(
        None, description="How long cached prefixes are kept (api: responses)."
    )
    truncation: Literal["auto", "disabled"] | None = Field(
        None, description="Drop old input when the context is full (auto) or fail (api: responses)."
    )
    safety_identifier: str | None = Field(
        None, max_length=64, description="A stable hashed id of your end user (api: responses)."
    )
    top_logprobs: int | None = Field(
        None, ge=0, le=20, description="Most likely tokens returned with each position (api: responses)."
    )
    background: bool | None = Field(None, description="Run responses in the background (api: responses).")
    background_options: dict[str, Any] | None = Field(
        None, description="As the SDK's BackgroundOptions: completion_window (api: responses)."
    )
    context_management: list[dict[str, Any]] | None = Field(
        None, description="As the SDK's ContextManagement items: {type, compact_threshold} (api: responses)."
    )
    image: dict[str, Any] | None = Field(
        None, description="Image input settings, as the SDK's Image: context_compression (api: responses)."
    )
    moderation: dict[str, Any] | None = Field(
        None, description="As the SDK's Moderation: {model, policy: {input, output}} (api: responses)."
    )
    prompt_cache_options: dict[str, Any] | None = Field(
        None, description="As the SDK's PromptCacheOptions: mode, ttl, prewarm (api: responses)."
    )
    access_programs: dict[str, Any] | None = Field(
        None, description="As the SDK's AccessPrograms (api: responses)."
    )
    multi_agent: MultiAgent | None = Field(None, description="Subagents (api: agents).")
    compaction: Compaction | None = Field(None, description="Context compaction (api: agents).")
    experimental: Experimental | None = Field(None, description="Experimental settings (api: agents).")
    checks: list[CheckCase] | None = Field(
        None, description="Behaviour checks `asst-deploy test` runs against the deployed assistant (never deployed).")
    checks_file: str | None = Field(
        None, description="A YAML file holding the list of checks instead, relative to the project root.")
    secrets: list[SandboxSecret] = Field(
        default_factory=list, description="Secrets for OpenAI-hosted environments (api: agents): vault credentials "
        "made from environment variables at apply time.")
    automations: list[Automation] = Field(
        default_factory=list, description="Scheduled runs of the agent (api: agents): cron + timezone, or at."
    )
    environment: dict[str, Any] | None = Field(
        None, description="The execution environment of the agent's sessions and automations (api: agents), as the "
        "SDK's EnvironmentParam: {type: none}, {type: openai_hosted, ...} or {type: self_hosted, ...}.")
    metadata: dict[MetadataKey, MetadataValue] = Field(
        default_factory=dict,
        max_length=MAX_USER_METADATA_PAIRS,
        description="Your own metadata: at most 15 pairs (asst-deploy reserves one of the API's 16), "
        "keys <= 64 and values <= 512 chars.",
    )


MANIFEST_FIELDS: tuple[str, ...] = tuple(Manifest.model_fields)
CHECK_FIELDS = frozenset({"checks", "checks_file"})  # the manifest's own: not merged from defaults or environments
