"""The tool's own API client (backends/wire.py) against the installed ``openai`` SDK, over real HTTP.

The SDK is the reference (the tool used it for every request until issue 17): each request kind
the tool makes is sent once through the tool's real code path (Storage, the targets, the lease,
the model check) and once through the SDK's own typed method, both to a small capture server, and
the two requests must agree on method, path, query, JSON body (or multipart parts) and the headers
that matter (auth, OpenAI-Beta, organization, project, OPENAI_CUSTOM_HEADERS, Content-Type).
Retries: the pure functions against ``openai._base_client``'s over a table of answers, and whole
requests against scripted answers (the same number of attempts through both clients).
"""

from __future__ import annotations

import email.utils
import io
import json
import math
import random
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping
from urllib.parse import parse_qs, urlsplit

import httpx2
import openai
import pytest
from openai._models import FinalRequestOptions

from asst_deploy.backends import wire as wire_module
from asst_deploy.backends.agents import AgentsTarget
from asst_deploy.backends.assistants import AssistantsTarget
from asst_deploy.backends.base import Resources
from asst_deploy.backends.client import Connection, open_client
from asst_deploy.backends.models import ModelCheck
from asst_deploy.backends.storage import Storage
from asst_deploy.backends.wire import Wire
from asst_deploy.hashing import HashingReader
from asst_deploy.account.lease import AccountLease
from asst_deploy.ownership import MARKER_KEY, Owner
from asst_deploy.spec import AssistantSpec

KEY = "sk-wire-test-0123456789abcdef"
AZURE_KEY = "azure-key-0123456789"
API_VERSION = "2025-04-01-preview"
ENV = {
    "OPENAI_API_KEY": KEY,
    "OPENAI_ORG_ID": "org-wire",
    "OPENAI_PROJECT_ID": "proj_wire",
    "OPENAI_CUSTOM_HEADERS": "X-Team: blue\nX-Trace: a:b:c\nnot a header line",
}
CLEARED = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID", "OPENAI_CUSTOM_HEADERS",
           "OPENAI_ADMIN_KEY", "OPENAI_API_VERSION", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY",
           "AZURE_OPENAI_AD_TOKEN", "OPENAI_WEBHOOK_SECRET", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY",
           "http_proxy", "https_proxy", "all_proxy")
# the headers that say who is asking, for what and in which form (not User-Agent, X-Stainless-*)
COMPARED = ("authorization", "api-key", "openai-beta", "openai-organization", "openai-project", "x-team",
            "x-trace", "content-type", "accept")
LISTS = {"assistants", "agents", "vector_stores", "files", "models"}


# -- the capture server ---------------------------------------------------------------------------
@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: list[tuple[str, str]]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: Any = None  # JSON; None: the default answer for the request
    drop: bool = False  # close the connection without answering
    delay: float = 0.0  # seconds before answering (past the client's timeout: it gives up first)
    raw: bytes | None = None  # a body sent as it is


def default_body(method: str, path: str, query: Mapping[str, list[str]]) -> Any:
    """A plausible answer: a list page (two items, then an empty last page) or one object."""
    parts = path.strip("/").split("/")
    if method == "GET" and parts[-1] in LISTS:
        if parts[-1] == "models":
            return {"object": "list", "data": [{"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "x"}]}
        if "after" in query:
            return {"object": "list", "data": [], "has_more": False}
        item = {"object": "x", "created_at": 1, "metadata": {}, "model": "gpt-4o", "file_counts": {"completed": 1}}
        return {"object": "list", "data": [{"id": "item_1", **item}, {"id": "item_2", **item}], "has_more": True}
    return {"id": "obj_1", "object": "x", "created_at": 1, "deleted": True, "metadata": {}, "model": "gpt-4o",
            "name": "n", "status": "completed", "usage_bytes": 0, "filename": "f", "bytes": 0,
            "purpose": "assistants", "file_counts": {"in_progress": 0, "completed": 1, "failed": 0,
                                                     "cancelled": 0, "total": 1}}


class Capture:
    """Records every request; answers from a script (in order), else with ``default_body``."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.last_tool: list[dict[str, Any]] = []  # the tool's requests of the case being compared
        self.script: deque[Answer] = deque()
        self.lock = threading.Lock()
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    out = b""
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            return out
                        out += self.rfile.read(size)
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self) -> None:
                split = urlsplit(self.path)
                query = parse_qs(split.query, keep_blank_values=True)
                seen = Seen(self.command, split.path, query, [(k.lower(), v) for k, v in self.headers.items()],
                            self._body())
                with capture.lock:
                    capture.seen.append(seen)
                    answer = capture.script.popleft() if capture.script else Answer()
                if answer.drop:
                    self.close_connection = True
                    return
                time.sleep(answer.delay)
                payload = answer.raw if answer.raw is not None else json.dumps(
                    answer.body if answer.body is not None else default_body(self.command, split.path, query)).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                try:
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up waiting (a timeout case)
                    self.close_connection = True

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @contextmanager
    def running(self) -> Iterator[Capture]:
        self.thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def take(self) -> list[Seen]:
        with self.lock:
            taken, self.seen = self.seen, []
            self.script.clear()
            return taken


@pytest.fixture
def capture() -> Iterator[Capture]:
    with Capture().running() as server:
        yield server


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return monkeypatch


# -- the two clients ------------------------------------------------------------------------------
@contextmanager
def tool_client(capture: Capture, *, max_retries: int = 2, base_url: str | None = "",
                timeout: float = 5.0) -> Iterator[Wire]:
    url = capture.url + "/v1" if base_url == "" else base_url
    with open_client(Connection(backend="openai", base_url=url, max_retries=max_retries, timeout=timeout),
                     log=io.StringIO()) as client:
        yield client


def plain_http() -> httpx2.Client:
    """The SDK's own default HTTP client, without the CA bundle (0.1 s a client) that plain http never uses."""
    return openai.DefaultHttpxClient(verify=False)


def sdk_client(capture: Capture, *, max_retries: int = 2, base_url: str | None = "",
               timeout: float = 5.0) -> openai.OpenAI:
    url = capture.url + "/v1" if base_url == "" else base_url
    return openai.OpenAI(base_url=url, max_retries=max_retries, timeout=timeout, http_client=plain_http())


@contextmanager
def tool_azure(capture: Capture) -> Iterator[Wire]:
    conn = Connection(backend="azure", azure_endpoint=capture.url, api_version=API_VERSION, timeout=5.0)
    with open_client(conn, log=io.StringIO()) as client:
        yield client


def sdk_azure(capture: Capture) -> openai.AzureOpenAI:
    # as the tool built it before issue 17: the key (or AD token) from the environment
    return openai.AzureOpenAI(azure_endpoint=capture.url, api_version=API_VERSION, timeout=5.0,
                              http_client=plain_http())


# -- comparing requests ---------------------------------------------------------------------------
def multipart(content_type: str, body: bytes) -> list[tuple[str, bytes]]:
    """Each part as sent: its header lines (field name, file name as escaped, content type) and bytes."""
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    parts = []
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        parts.append((head.decode("utf-8", "replace"), content.removesuffix(b"\r\n")))
    return parts


def shape(seen: Seen) -> dict[str, Any]:
    headers: dict[str, list[str]] = {}
    for name, value in seen.headers:
        if name in COMPARED:
            headers.setdefault(name, []).append(value)
    content_type = (headers.get("content-type") or [""])[0]
    body: Any = seen.body
    if content_type.startswith("multipart/form-data"):
        body = multipart(content_type, seen.body)
        headers["content-type"] = [content_type.split(";")[0]]  # the boundary is random
    elif seen.body:
        body = json.loads(seen.body)
    return {"method": seen.method, "path": seen.path, "query": seen.query, "headers": headers, "body": body}


def same_requests(capture: Capture, tool_side: Callable[[], Any], sdk_side: Callable[[], Any]) -> list[dict[str, Any]]:
    """Both sides' requests, in order; asserts they are the same, returns the tool's."""
    capture.take()
    tool_side()
    ours = capture.last_tool = [shape(seen) for seen in capture.take()]
    sdk_side()
    theirs = [shape(seen) for seen in capture.take()]
    assert ours, "the tool sent nothing"
    assert ours == theirs
    return ours


# -- every request kind, OpenAI -------------------------------------------------------------------
STORE, FILE = "vs_1", "file-1"
SPEC = AssistantSpec(
    name="bot", display_name="Support bot", model="gpt-4o", description="helps", instructions="Be kind. Ünïcode ✓",
    tools=({"type": "code_interpreter"}, {"type": "file_search", "max_num_results": 5},
           {"type": "function", "name": "lookup", "description": "find", "parameters": {"type": "object",
                                                                                       "properties": {}}}),
    temperature=0.5, top_p=0.9, response_format={"type": "json_object"},
    settings={"verbosity": "low", "service_tier": "flex"}, reasoning_effort=None,
)
AGENT_SPEC = AssistantSpec(
    name="bot", display_name="Support bot", model="gpt-5", instructions="Be kind.",
    tools=({"type": "function", "name": "lookup", "description": "find", "parameters": {"type": "object",
                                                                                      "properties": {}}},),
    response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
    reasoning_effort="low", settings={"verbosity": "low", "service_tier": "flex", "multi_agent": {"enabled": True}},
)
META = {MARKER_KEY: "proj/dev/bot"}
RESOURCES = Resources(vector_store_id=STORE, code_interpreter_file_ids=("file-9",))
MEMBERS: list[tuple[str, Any]] = [(FILE, {"path": "docs/a.md", "sha256": "ab" * 32, "lang": "en"}),
                                   ("file-2", {"path": "b.md"})]
CHUNKING: Any = {"type": "static", "static": {"max_chunk_size_tokens": 400, "chunk_overlap_tokens": 100}}
EXPIRY: Any = {"anchor": "last_active_at", "days": 7}


Cases = dict[str, tuple[Callable[[], Any], Callable[[], Any]]]  # name: (the tool's side, the SDK's side)


def storage_cases(client: Wire, sdk: openai.OpenAI) -> Cases:
    storage = Storage(client)
    vs = sdk.vector_stores
    return {
        "create store": (lambda: storage.create_store("proj/dev/bot", META, EXPIRY),
                         lambda: vs.create(name="proj/dev/bot", metadata=META, expires_after=EXPIRY)),
        "create store, no expiry": (lambda: storage.create_store("proj/dev/bot", META),
                                    lambda: vs.create(name="proj/dev/bot", metadata=META)),
        "rename store": (lambda: storage.rename_store(STORE, "proj/dev/new", META),
                         lambda: vs.update(STORE, name="proj/dev/new", metadata=META)),
        "set expiry": (lambda: storage.set_expiry(STORE, EXPIRY), lambda: vs.update(STORE, expires_after=EXPIRY)),
        "clear expiry": (lambda: storage.set_expiry(STORE, None), lambda: vs.update(STORE, expires_after=None)),
        "set attributes": (lambda: storage.set_attributes(STORE, FILE, {"path": "a.md", "n": 1.5, "ok": True}, "a"),
                           lambda: vs.files.update(FILE, vector_store_id=STORE,
                                                   attributes={"path": "a.md", "n": 1.5, "ok": True})),
        "attach": (lambda: storage.attach(STORE, MEMBERS),
                   lambda: vs.file_batches.create(STORE, files=[{"file_id": f, "attributes": a} for f, a in MEMBERS])),
        "attach, chunking": (lambda: storage.attach(STORE, MEMBERS[:1], chunking_strategy=CHUNKING),
                             lambda: vs.file_batches.create(STORE, files=[
                                 {"file_id": FILE, "attributes": MEMBERS[0][1], "chunking_strategy": CHUNKING}])),
        "retrieve store": (lambda: storage.usage(STORE), lambda: vs.retrieve(STORE)),
        "list stores": (storage.list_vector_stores, lambda: list(vs.list(limit=100))),
        "list store files": (lambda: storage.list_store_files(STORE), lambda: list(vs.files.list(STORE, limit=100))),
        "failed store files": (lambda: storage.failures(STORE),
                               lambda: list(vs.files.list(STORE, filter="failed", limit=100))),
        "list files": (storage.list_files, lambda: list(sdk.files.list(purpose="assistants", limit=10_000))),
        "detach": (lambda: storage.detach(STORE, FILE), lambda: vs.files.delete(FILE, vector_store_id=STORE)),
        "delete store": (lambda: storage.delete_store(STORE), lambda: vs.delete(STORE)),
        "delete file": (lambda: storage.delete_file(FILE), lambda: sdk.files.delete(FILE)),
        "upload bytes": (lambda: storage.upload("abc__a.md", b"# A\n\xff\x00 bytes"),
                         lambda: sdk.files.create(file=("abc__a.md", b"# A\n\xff\x00 bytes"), purpose="assistants")),
        "upload, an awkward name": (lambda: storage.upload(AWKWARD, b"x"),
                                    lambda: sdk.files.create(file=(AWKWARD, b"x"), purpose="assistants")),
        "models": (lambda: ModelCheck(client, "openai")([SPEC]), lambda: list(sdk.models.list())),
    }


def object_cases(client: Wire, sdk: openai.OpenAI, capture: Capture) -> Cases:
    assistants, agents = AssistantsTarget(client), AgentsTarget(client)
    a_params = assistants._params(SPEC, META, RESOURCES)
    g_params = agents._params(AGENT_SPEC, META)
    changed = frozenset({"model", "settings", "reasoning_effort", "response_format"})

    def as_the_tool_sent() -> dict[str, Any]:  # a body the tool computed at the call (partial, or timed)
        body: dict[str, Any] = capture.last_tool[0]["body"]
        return body

    return {
        "create assistant": (lambda: assistants.create(SPEC, META, RESOURCES),
                             lambda: sdk.beta.assistants.create(**a_params)),
        "update assistant": (lambda: assistants.update("asst_1", SPEC, frozenset({"tool_resources"}), META, RESOURCES),
                             lambda: sdk.beta.assistants.update("asst_1", **a_params)),
        "adopt assistant": (lambda: assistants.adopt("asst_1", META),
                            lambda: sdk.beta.assistants.update("asst_1", metadata=META)),
        "list assistants": (assistants.list, lambda: list(sdk.beta.assistants.list(limit=100, order="asc"))),
        "retrieve assistant": (lambda: assistants.retrieve("asst_1"), lambda: sdk.beta.assistants.retrieve("asst_1")),
        "delete assistant": (lambda: assistants.delete("asst_1"), lambda: sdk.beta.assistants.delete("asst_1")),
        "create agent": (lambda: agents.create(AGENT_SPEC, META, RESOURCES), lambda: sdk.beta.agents.create(**g_params)),
        "update agent": (lambda: agents.update("ag_1", AGENT_SPEC, changed, META, RESOURCES),
                         lambda: sdk.beta.agents.update("ag_1", **as_the_tool_sent())),
        "adopt agent": (lambda: agents.adopt("ag_1", META), lambda: sdk.beta.agents.update("ag_1", metadata=META)),
        "list agents": (agents.list, lambda: list(sdk.beta.agents.list(limit=100, order="asc"))),
        "retrieve agent": (lambda: agents.retrieve("ag_1"), lambda: sdk.beta.agents.retrieve("ag_1")),
        "delete agent": (lambda: agents.delete("ag_1"), lambda: sdk.beta.agents.delete("ag_1")),
    }


AWKWARD = 'abc~Ünïcode "q" 50%\\x\t\x1b\x7f.md'  # a manifest path's base name can hold these
STORAGE_NAMES = ["create store", "create store, no expiry", "rename store", "set expiry", "clear expiry",
                 "set attributes", "attach", "attach, chunking", "retrieve store", "list stores", "list store files",
                 "failed store files", "list files", "detach", "delete store", "delete file", "upload bytes",
                 "upload, an awkward name", "models"]
OBJECT_NAMES = ["create assistant", "update assistant", "adopt assistant", "list assistants", "retrieve assistant",
                "delete assistant", "create agent", "update agent", "adopt agent", "list agents", "retrieve agent",
                "delete agent"]
PAGED = {"list stores", "list store files", "failed store files", "list files", "list assistants", "list agents"}


@pytest.mark.parametrize("name", STORAGE_NAMES + OBJECT_NAMES)
def test_each_request_is_the_one_the_sdk_sends(name: str, capture: Capture, env: pytest.MonkeyPatch) -> None:
    sdk = sdk_client(capture)
    with tool_client(capture) as client:
        cases = {**storage_cases(client, sdk), **object_cases(client, sdk, capture)}
        assert sorted(cases) == sorted(STORAGE_NAMES + OBJECT_NAMES)
        sent = same_requests(capture, *cases[name])
    # what was compared is what matters: the credentials and the account's headers were there
    assert len(sent) == (2 if name in PAGED else 1)
    for request in sent:
        assert request["path"].startswith("/v1/")
        assert request["headers"]["authorization"] == [f"Bearer {KEY}"]
        assert request["headers"]["openai-organization"] == ["org-wire"]
        assert request["headers"]["x-trace"] == ["a:b:c"]
    if name in PAGED:
        assert sent[1]["query"]["after"] == ["item_2"]


# -- the environment the SDK reads -----------------------------------------------------------------
def representative(client: Wire, sdk: openai.OpenAI | openai.AzureOpenAI,
                   ) -> list[tuple[str, Callable[[], Any], Callable[[], Any]]]:
    """A GET list, a JSON POST and a DELETE with OpenAI-Beta, a multipart upload and a DELETE without."""
    storage, assistants = Storage(client), AssistantsTarget(client)
    return [
        ("list stores", storage.list_vector_stores, lambda: list(sdk.vector_stores.list(limit=100))),
        ("create store", lambda: storage.create_store("p/dev/bot", META),
         lambda: sdk.vector_stores.create(name="p/dev/bot", metadata=META)),
        ("create assistant", lambda: assistants.create(SPEC, META, RESOURCES),
         lambda: sdk.beta.assistants.create(**assistants._params(SPEC, META, RESOURCES))),
        ("delete store", lambda: storage.delete_store(STORE), lambda: sdk.vector_stores.delete(STORE)),
        ("upload", lambda: storage.upload("abc__a.md", b"hello"),
         lambda: sdk.files.create(file=("abc__a.md", b"hello"), purpose="assistants")),
        ("delete file", lambda: storage.delete_file(FILE), lambda: sdk.files.delete(FILE)),
        ("models", lambda: ModelCheck(client, "openai")([SPEC]), lambda: list(sdk.models.list())),
    ]


ENV_VARIANTS: dict[str, dict[str, str | None]] = {
    "no organization, project or custom headers": {"OPENAI_ORG_ID": None, "OPENAI_PROJECT_ID": None,
                                                   "OPENAI_CUSTOM_HEADERS": None},
    "an Authorization in the custom headers": {"OPENAI_CUSTOM_HEADERS": "Authorization: Bearer sk-custom-999999\n"
                                                                       "X-Team: red"},
    "custom headers spelt in lower case": {"OPENAI_CUSTOM_HEADERS": "openai-organization: org-custom\n"
                                                                    "openai-project: proj-custom\n"
                                                                    "openai-beta: custom=v9\nx-team: green"},
    "custom headers spelt as the SDK spells them": {"OPENAI_CUSTOM_HEADERS": "OpenAI-Organization: org-custom\n"
                                                                             "OpenAI-Beta: custom=v9"},
    "a lower-case custom organization, no OPENAI_ORG_ID": {"OPENAI_ORG_ID": None,
                                                           "OPENAI_CUSTOM_HEADERS": "openai-organization: org-c"},
    "a custom Accept and Content-Type": {"OPENAI_CUSTOM_HEADERS": "accept: application/json, text/plain\n"
                                                                  "content-type: application/json; charset=utf-8"},
    "an empty organization": {"OPENAI_ORG_ID": ""},
    "the base URL from the environment": {"OPENAI_BASE_URL": "{capture}/v1"},
}


@pytest.mark.parametrize("variant", ENV_VARIANTS)
def test_the_environment_is_read_as_the_sdk_reads_it(variant: str, capture: Capture, env: pytest.MonkeyPatch) -> None:
    for name, value in ENV_VARIANTS[variant].items():
        if value is None:
            env.delenv(name, raising=False)
        else:
            env.setenv(name, value.replace("{capture}", capture.url))
    base_url = None if "OPENAI_BASE_URL" in ENV_VARIANTS[variant] else ""
    sdk = sdk_client(capture, base_url=base_url)
    with tool_client(capture, base_url=base_url) as client:
        for what, tool_side, sdk_side in representative(client, sdk):
            try:
                same_requests(capture, tool_side, sdk_side)
            except AssertionError as exc:
                raise AssertionError(f"{what}: {exc}") from None


# -- Azure ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("token", [None, "azure-ad-token-abcdef"], ids=["api key", "AD token and api key"])
def test_azure_requests_are_the_sdks(token: str | None, capture: Capture, env: pytest.MonkeyPatch) -> None:
    env.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
    if token is not None:
        env.setenv("AZURE_OPENAI_AD_TOKEN", token)
    sdk = sdk_azure(capture)
    with tool_azure(capture) as client:
        for what, tool_side, sdk_side in representative(client, sdk):
            if what == "models":  # on Azure the tool asks for no model list (a model is a deployment)
                assert ModelCheck(client, "azure")([SPEC]) and not capture.take()
                continue
            try:
                sent = same_requests(capture, tool_side, sdk_side)
            except AssertionError as exc:
                raise AssertionError(f"{what}: {exc}") from None
            for request in sent:
                assert request["path"].startswith("/openai/") and request["query"]["api-version"] == [API_VERSION]
                assert request["headers"].get("api-key") == (None if token else [AZURE_KEY])


# -- the account lease ----------------------------------------------------------------------------
def test_the_lease_requests_are_the_sdks(capture: Capture, env: pytest.MonkeyPatch) -> None:
    """Take and release the lease (create, list every page, delete), and one renewal: as the lease
    sent them through ``client.vector_stores`` before issue 17."""
    sdk = sdk_client(capture)

    def sdk_lease() -> None:
        metadata = capture.last_tool[0]["body"]["metadata"]  # it holds the time: the tool's own
        store = sdk.vector_stores.create(name="asst-deploy lease proj/dev", metadata=metadata,
                                         expires_after={"anchor": "last_active_at", "days": 1})
        list(sdk.vector_stores.list(limit=100))
        sdk.vector_stores.delete(store.id)

    with tool_client(capture) as client:
        lease = AccountLease(client, Owner("proj", "dev"))

        def take_and_release() -> None:
            with lease:
                pass

        sent = same_requests(capture, take_and_release, sdk_lease)
        assert [r["method"] for r in sent] == ["POST", "GET", "GET", "DELETE"]
        same_requests(capture, lambda: lease.stores.update(STORE, {"metadata": {"expires": "1"}}),
                      lambda: sdk.vector_stores.update(STORE, metadata={"expires": "1"}))


# -- uploads --------------------------------------------------------------------------------------
def test_a_file_upload_is_the_sdks_and_is_sent_whole_again_on_a_retry(
        capture: Capture, env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The apply streams a file (a HashingReader over it); a retried upload sends it whole again."""
    path = tmp_path / "guide.md"
    path.write_bytes(b"# Guide\n" + bytes(range(256)) * 64)
    sdk = sdk_client(capture)
    with tool_client(capture) as client, open(path, "rb") as ours, open(path, "rb") as theirs:
        reader = HashingReader(ours)
        sent = same_requests(capture, lambda: Storage(client).upload("abc__guide.md", reader),
                             lambda: sdk.files.create(file=("abc__guide.md", theirs), purpose="assistants"))
        assert sent[0]["body"] == [
            ('Content-Disposition: form-data; name="purpose"', b"assistants"),
            ('Content-Disposition: form-data; name="file"; filename="abc__guide.md"\r\nContent-Type: text/markdown',
             path.read_bytes())]
        ours.seek(0)
        theirs.seek(0)
        # through the client's own retries (creates go out with none: once.py looks first)
        fail_once = [Answer(500, {"retry-after-ms": "1"})]
        capture.take()
        capture.script.extend(fail_once)
        client.upload("/files", files={"file": ("abc__guide.md", reader)}, data={"purpose": "assistants"})
        mine = [shape(seen) for seen in capture.take()]
        capture.script.extend(fail_once)
        sdk.files.create(file=("abc__guide.md", theirs), purpose="assistants")
        assert mine == [shape(seen) for seen in capture.take()]
        assert len(mine) == 2 and mine[0]["body"] == mine[1]["body"] == sent[0]["body"]
        assert reader.size == len(path.read_bytes())  # what was hashed is what was sent, once


# -- retries: the pure functions against openai._base_client's ---------------------------------------
def _in(seconds: float) -> str:
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


def retry_table() -> list[tuple[int, dict[str, str]]]:
    """Answers and what they say about retrying (made when the test runs: HTTP dates are relative)."""
    return [
        (400, {}), (401, {}), (404, {}), (408, {}), (409, {}), (429, {}), (500, {}), (502, {}), (503, {}),
        (500, {"x-should-retry": "false"}), (400, {"x-should-retry": "true"}), (404, {"x-should-retry": "True"}),
        (503, {"retry-after-ms": "1500"}), (503, {"retry-after-ms": "200000"}), (429, {"retry-after-ms": "abc"}),
        (429, {"retry-after": "3"}), (429, {"retry-after": "2.5"}), (429, {"retry-after": "120"}),
        (429, {"retry-after": "121"}), (503, {"retry-after": "inf"}), (503, {"retry-after": "Infinity"}),
        (503, {"retry-after": "1e400"}), (503, {"retry-after": "nan"}), (503, {"retry-after": "-5"}),
        (503, {"retry-after": "0"}), (503, {"retry-after": "soon"}), (503, {"retry-after": ""}),
        (503, {"retry-after-ms": "abc", "retry-after": "2"}), (503, {"retry-after-ms": "5", "retry-after": "100"}),
        (503, {"retry-after": _in(30)}), (503, {"retry-after": _in(600)}), (503, {"retry-after": _in(-60)}),
        (500, {"retry-after": "200", "x-should-retry": "true"}), (400, {"retry-after-ms": "1e400"}),
    ]


def _close(ours: float | None, theirs: float | None) -> bool:
    if ours is None or theirs is None:
        return ours is theirs
    if math.isnan(ours) or math.isnan(theirs):
        return math.isnan(ours) and math.isnan(theirs)
    return ours == theirs or abs(ours - theirs) < 1.0  # an HTTP date: each side reads the clock


@pytest.fixture
def seeded() -> Iterator[None]:
    """The tests seed the global ``random`` (both clients' jitter draws from it); others get their state back."""
    state = random.getstate()
    try:
        yield
    finally:
        random.setstate(state)


def test_retry_decisions_and_waits_are_the_sdks(env: pytest.MonkeyPatch, seeded: None) -> None:
    sdk = openai.OpenAI(base_url="http://127.0.0.1:9/v1", max_retries=12, http_client=plain_http())  # sends nothing
    options = FinalRequestOptions(method="get", url="/x")
    assert sdk._parse_retry_after_header(None) is wire_module.retry_after(None) is None
    for status, said in retry_table():
        headers = httpx2.Headers(said)
        case = f"{status} {said}"
        assert wire_module.should_retry(status, headers) == sdk._should_retry(
            httpx2.Response(status, headers=said)), case
        assert _close(wire_module.retry_after(headers), sdk._parse_retry_after_header(headers)), case
        for done in (0, 1, 2, 3, 4, 10):
            for seed in (1, 2):
                random.seed(seed)
                ours = wire_module.retry_delay(done, headers)
                random.seed(seed)
                theirs = sdk._calculate_retry_timeout(12 - done, options, headers)
                assert _close(ours, theirs), f"{case}, after {done} retries"
    for done in (0, 1, 5):  # no answer at all (a timeout, a dropped connection)
        random.seed(7)
        ours = wire_module.retry_delay(done)
        random.seed(7)
        assert ours == sdk._calculate_retry_timeout(12 - done, options, None)
    assert wire_module.retry_delay(0) != wire_module.retry_delay(0)  # the jitter is there (seeded above, not now)


# -- retries: whole requests ----------------------------------------------------------------------
FAST = {"retry-after-ms": "1"}
SCRIPTS: dict[str, tuple[list[Answer], int]] = {
    "500, 500, 200": ([Answer(500, FAST), Answer(500, FAST)], 3),
    "500 three times": ([Answer(500, FAST), Answer(500, FAST), Answer(500, FAST)], 3),
    "400": ([Answer(400, FAST, {"error": {"message": "bad"}})], 1),
    "404": ([Answer(404, FAST)], 1),
    "409, 200": ([Answer(409, FAST)], 2),
    "408, 502, 200": ([Answer(408, FAST), Answer(502, FAST)], 3),
    "500 that says not to retry": ([Answer(500, {"x-should-retry": "false"})], 1),
    "400 that says to retry": ([Answer(400, {"x-should-retry": "true", **FAST})], 2),
    "503 asking for 200 s": ([Answer(503, {"retry-after": "200"})], 1),
    "a dropped connection, 200": ([Answer(drop=True)], 2),
    "a garbled gzip body, 200": ([Answer(200, {"Content-Encoding": "gzip"}, raw=b"not gzip at all")], 2),
    "a timeout, 200": ([Answer(delay=1.0)], 2),
    "a timeout, no retry left": ([Answer(delay=1.0)], 1),
}


def _outcome(call: Callable[[], Any]) -> str:
    try:
        call()
    except (wire_module.StatusError, openai.APIStatusError) as exc:
        return f"status {exc.status_code}"
    except (wire_module.TimedOut, openai.APITimeoutError):
        return "timed out"
    except (wire_module.Unreachable, openai.APIConnectionError):
        return "unreachable"
    return "ok"


# no answer to read a wait from: each retry waits ~0.4 s, so GET only, and one retry at most
NO_ANSWER = {"a dropped connection, 200": 1, "a garbled gzip body, 200": 1, "a timeout, 200": 1,
             "a timeout, no retry left": 0}


@pytest.mark.parametrize(("script", "verb"), [(script, verb) for script in SCRIPTS for verb in ("GET", "POST")
                                              if verb == "GET" or script not in NO_ANSWER])
def test_a_request_is_tried_as_often_as_the_sdk_tries_it(
        script: str, verb: str, capture: Capture, env: pytest.MonkeyPatch) -> None:
    answers, attempts = SCRIPTS[script]
    retries = NO_ANSWER.get(script, 2)
    sdk = sdk_client(capture, max_retries=retries, timeout=0.25)
    with tool_client(capture, max_retries=retries, timeout=0.25) as client:
        path, beta = f"/vector_stores/{STORE}", {"OpenAI-Beta": "assistants=v2"}
        if verb == "GET":
            ours = lambda: client.get(path, headers=beta)  # noqa: E731
            theirs = lambda: sdk.vector_stores.retrieve(STORE)  # noqa: E731
        else:  # an update (a create goes out with no retries: once.py)
            ours = lambda: client.post(path, {"name": "p/dev/x", "metadata": META}, headers=beta)  # noqa: E731
            theirs = lambda: sdk.vector_stores.update(STORE, name="p/dev/x", metadata=META)  # noqa: E731
        capture.take()
        capture.script.extend(answers)
        ours_said = _outcome(ours)
        ours_sent = [shape(seen) for seen in capture.take()]
        capture.script.extend(answers)
        theirs_said = _outcome(theirs)
        theirs_sent = [shape(seen) for seen in capture.take()]
    assert len(theirs_sent) == attempts, "the script is not what the SDK does"
    assert len(ours_sent) == attempts
    assert ours_sent == theirs_sent
    assert ours_said == theirs_said


# -- redirects (the SDK's httpx client follows them) ------------------------------------------------
REDIRECTS: dict[str, tuple[str, int, str]] = {  # verb, status, where to
    "GET 307": ("GET", 307, "/v1/vector_stores/vs_2"),
    "POST 308": ("POST", 308, "/v1/vector_stores/vs_2"),
    "POST 307 with a query": ("POST", 307, "/v1/vector_stores/vs_2?x=1"),
    "POST 303": ("POST", 303, "/v1/vector_stores/vs_2"),
    "POST 302": ("POST", 302, "vs_2"),
    "POST 301": ("POST", 301, "/v1/vector_stores/vs_2"),
    "DELETE 302": ("DELETE", 302, "/v1/vector_stores/vs_2"),
    "DELETE 307": ("DELETE", 307, "/v1/vector_stores/vs_2"),
    "GET 307 to another server": ("GET", 307, "{other}/v1/vector_stores/vs_2"),
    "POST 308 to another server": ("POST", 308, "{other}/v1/vector_stores/vs_2"),
    "GET 300 (not followed)": ("GET", 300, "/v1/vector_stores/vs_2"),
}


def _verbs(client: Wire, sdk: openai.OpenAI | openai.AzureOpenAI, verb: str) -> tuple[Callable[[], Any], Callable[[], Any]]:
    path, beta = f"/vector_stores/{STORE}", {"OpenAI-Beta": "assistants=v2"}
    return {
        "GET": (lambda: client.get(path, headers=beta), lambda: sdk.vector_stores.retrieve(STORE)),
        "POST": (lambda: client.post(path, {"name": "x", "metadata": META}, headers=beta),
                 lambda: sdk.vector_stores.update(STORE, name="x", metadata=META)),
        "DELETE": (lambda: client.delete(path, headers=beta), lambda: sdk.vector_stores.delete(STORE)),
    }[verb]


AZURE_REDIRECTS = ("GET 307", "GET 307 to another server", "POST 308 to another server")  # api-key: kept, dropped


@pytest.mark.parametrize(("case", "backend"), [(case, "openai") for case in REDIRECTS]
                         + [(case, "azure") for case in AZURE_REDIRECTS])
def test_a_redirect_is_followed_as_the_sdk_follows_it(case: str, backend: str, env: pytest.MonkeyPatch) -> None:
    verb, status, where = REDIRECTS[case]
    env.setenv("AZURE_OPENAI_API_KEY", AZURE_KEY)
    with Capture().running() as here, Capture().running() as other:
        location = where.replace("{other}", other.url)
        sdk = sdk_client(here, max_retries=0) if backend == "openai" else sdk_azure(here)
        conn = tool_client(here, max_retries=0) if backend == "openai" else tool_azure(here)
        with conn as client:
            ours, theirs = _verbs(client, sdk, verb)
            seen = []
            for side in (ours, theirs):
                for server in (here, other):
                    server.take()
                here.script.append(Answer(status, {"Location": location}))
                outcome = _outcome(side)
                seen.append((outcome, [shape(s) for s in here.take()], [shape(s) for s in other.take()]))
    assert seen[0] == seen[1]
    outcome, at_here, at_other = seen[0]
    sent = at_here + at_other
    assert len(sent) == (1 if status == 300 else 2)
    if status == 300:
        assert outcome == "status 300"
        return
    assert outcome == "ok" and sent[1]["path"].endswith("/vector_stores/vs_2")
    assert sent[1]["method"] == ("GET" if status in (302, 303) or (status, verb) == (301, "POST") else verb)
    assert (sent[1]["body"] == b"") == (sent[1]["method"] == "GET" or verb == "DELETE")
    credentials = {"authorization", "api-key"} & set(sent[1]["headers"])
    assert credentials == (set() if "another server" in case else {"authorization" if backend == "openai" else "api-key"})


def test_a_redirect_loop_ends_as_the_sdks_does(capture: Capture, env: pytest.MonkeyPatch) -> None:
    sdk = sdk_client(capture, max_retries=0)
    with tool_client(capture, max_retries=0) as client:
        ours, theirs = _verbs(client, sdk, "GET")
        seen = []
        for side in (ours, theirs):
            capture.take()
            capture.script.extend([Answer(307, {"Location": f"/v1/vector_stores/{STORE}"})] * 30)
            seen.append((_outcome(side), len(capture.take())))
    assert seen[0] == seen[1] == ("unreachable", 21)


# -- ids in paths (from the API, or from a lockfile a person can edit) --------------------------------
ODD = "vs 1/ü?#%;@"
REFUSED = ["", "..", "."]  # "%2e" is sent quoted ("%252e"), by both


def _id_cases(client: Wire, sdk: openai.OpenAI, odd: str) -> Cases:
    storage, assistants, agents = Storage(client), AssistantsTarget(client), AgentsTarget(client)
    vs = sdk.vector_stores
    return {
        "retrieve store": (lambda: storage.usage(odd), lambda: vs.retrieve(odd)),
        "list store files": (lambda: storage.list_store_files(odd), lambda: list(vs.files.list(odd, limit=100))),
        "attach": (lambda: storage.attach(odd, MEMBERS[:1]),
                   lambda: vs.file_batches.create(odd, files=[{"file_id": FILE, "attributes": MEMBERS[0][1]}])),
        "set attributes": (lambda: storage.set_attributes(STORE, odd, {"path": "a"}, "a"),
                           lambda: vs.files.update(odd, vector_store_id=STORE, attributes={"path": "a"})),
        "detach": (lambda: storage.detach(odd, odd), lambda: vs.files.delete(odd, vector_store_id=odd)),
        "delete store": (lambda: storage.delete_store(odd), lambda: vs.delete(odd)),
        "delete file": (lambda: storage.delete_file(odd), lambda: sdk.files.delete(odd)),
        "retrieve assistant": (lambda: assistants.retrieve(odd), lambda: sdk.beta.assistants.retrieve(odd)),
        "adopt agent": (lambda: agents.adopt(odd, META), lambda: sdk.beta.agents.update(odd, metadata=META)),
        "delete agent": (lambda: agents.delete(odd), lambda: sdk.beta.agents.delete(odd)),
    }


def test_an_id_is_put_in_its_path_segment_as_the_sdk_puts_it(capture: Capture, env: pytest.MonkeyPatch) -> None:
    sdk = sdk_client(capture)
    with tool_client(capture) as client:
        for what, (tool_side, sdk_side) in _id_cases(client, sdk, ODD).items():
            try:
                sent = same_requests(capture, tool_side, sdk_side)
            except AssertionError as exc:
                raise AssertionError(f"{what}: {exc}") from None
            assert "%2F" in sent[0]["path"] and "?" not in sent[0]["path"], what


@pytest.mark.parametrize("bad", REFUSED)
def test_an_empty_or_dot_id_is_refused_before_anything_is_sent(bad: str, capture: Capture, env: pytest.MonkeyPatch) -> None:
    sdk = sdk_client(capture)
    with tool_client(capture) as client:
        for what, (tool_side, sdk_side) in _id_cases(client, sdk, bad).items():
            capture.take()
            with pytest.raises(ValueError):
                sdk_side()
            with pytest.raises(Exception) as refused:
                tool_side()
            assert "empty value" in str(refused.value) or "dot-segment" in str(refused.value), what
            assert not capture.take(), f"{what}: sent"
