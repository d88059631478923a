"""The fault suite's test bed: a generated project, the real commands (in process, or as a real
``asst-deploy`` subprocess), the real ``openai`` SDK over real HTTP against the emulator, and the
invariants checked after every run: nothing duplicated, nothing orphaned, nothing foreign changed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml
from support.cli import Cli

PROJECT = "faults"
ENV = "default"
MARKER_KEY = "asst-deploy"
FILE_PREFIX = f"asst-deploy~{PROJECT}~{ENV}~"
MODELS = ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini")
WORDS = ("refund", "invoice", "ledger", "parcel", "tutor", "glacier", "orbit", "harbor", "lantern", "quartz")


# -- totals, printed by the slow suite and copied into bench/RESULTS.md ------------------------------
@dataclass
class Totals:
    runs: int = 0  # apply/destroy runs (in process and subprocesses)
    plans: int = 0
    faults_injected: int = 0  # retried 429/5xx seen by the client + outages + kills + signals
    kills: int = 0
    checks: int = 0  # full invariant checks
    duplicates: int = 0
    orphans: int = 0
    documents_missing_or_stale: int = 0  # store or code-interpreter contents the manifests do not say
    foreign_changed: int = 0
    bad_input_refused: int = 0  # spoiled manifests, config or lockfile refused with one line, nothing sent
    unclear_refusals: int = 0  # bad input answered otherwise (a traceback, several lines, a request sent)
    api_switches_removing: int = 0  # edits: a manifest removed in the same change as an api switch
    environments_declared: int = 0  # edits: environments declared in a deployed project

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


TOTALS = Totals()


class _RetryCounter(logging.Handler):
    """The SDK logs every retry it makes ("Retrying request in ..."): each is an injected fault the
    tool rode out."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Retrying request"):
            TOTALS.faults_injected += 1


_retry_logger = logging.getLogger("openai._base_client")
_retry_logger.addHandler(_RetryCounter())
_retry_logger.setLevel(logging.INFO)
_retry_logger.propagate = False


# -- a project on disk -----------------------------------------------------------------------------
@dataclass
class Manifest:
    name: str
    model: str = "gpt-4o-mini"
    instructions: str = "Be helpful."
    tools: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # relative path -> content
    ci_files: dict[str, str] = field(default_factory=dict)
    glob: bool = False  # list retrieval files as docs/<name>/*.md plus explicit paths: overlapping globs

    def doc(self, api: str = "assistants") -> dict[str, Any]:
        tools = [dict(t) for t in self.tools]
        if api == "responses" and not self.files:  # it searches the manifest's files: validate refuses it without
            tools = [t for t in tools if t["type"] != "file_search"]
        kinds = {t["type"] for t in tools}
        if self.files and "file_search" not in kinds:
            tools.append({"type": "file_search"})
        if self.ci_files and "code_interpreter" not in kinds:
            tools.append({"type": "code_interpreter"})
        doc: dict[str, Any] = {"name": self.name, "model": self.model, "instructions": self.instructions}
        if tools:
            doc["tools"] = tools
        if self.metadata:
            doc["metadata"] = dict(self.metadata)
        if self.files:
            explicit = sorted(self.files)
            if self.glob and any(self.globbed(p) for p in explicit):
                # the glob and every explicit path it also matches overlap; other paths stay explicit
                explicit = [f"docs/{self.name}/*.md"] + [
                    p for i, p in enumerate(explicit) if i % 2 == 0 or not self.globbed(p)]
            doc["files"] = explicit
        if self.ci_files:
            doc["code_interpreter_files"] = sorted(self.ci_files)
        return doc

    def globbed(self, path: str) -> bool:
        return path.startswith(f"docs/{self.name}/") and path.endswith(".md") and path.count("/") == 2

    def all_tools(self) -> list[dict[str, Any]]:
        return self.doc().get("tools", [])


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Project:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifests: dict[str, Manifest] = {}
        self.api = "assistants"
        self.env = ENV  # "dev" once environments are declared (the add_environments edit)
        self.left_behind: list[str] = []  # environments no longer declared that still hold objects
        root.mkdir(parents=True, exist_ok=True)
        self.write_config()

    def write_config(self) -> None:
        text = f"project: {PROJECT}\nmanifests: assistants/\napi: {self.api}\n"
        if self.env != ENV:
            text += f"default_environment: {self.env}\nenvironments:\n  {self.env}: {{}}\n  staging: {{}}\n"
        (self.root / "asst-deploy.yaml").write_text(text)

    @property
    def lockfile(self) -> Path:
        return self.root / ("assistants.lock.json" if self.env == ENV else f"assistants.{self.env}.lock.json")

    @property
    def file_prefix(self) -> str:
        return f"asst-deploy~{PROJECT}~{self.env}~"

    def write(self) -> None:
        self.write_config()
        for folder in ("assistants", "docs", "data"):
            shutil.rmtree(self.root / folder, ignore_errors=True)
        (self.root / "assistants").mkdir()
        for m in self.manifests.values():
            for rel, content in {**m.files, **m.ci_files}.items():
                path = self.root / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
            (self.root / "assistants" / f"{m.name}.yaml").write_text(yaml.safe_dump(m.doc(self.api), sort_keys=False))

    def wanted_shas(self) -> set[str]:
        return {sha(c) for m in self.manifests.values() for c in (*m.files.values(), *m.ci_files.values())}

    def read_lock(self) -> dict[str, Any]:
        return json.loads(self.lockfile.read_text())


# -- random edits (the convergence walk) -----------------------------------------------------------
class Walk:
    """Random manifest edits from a seed: add, remove, rename, change model/instructions/tools/
    metadata, add/remove/change retrieval and code-interpreter files; and (``wide``, issue 13)
    rename a file keeping its content, swap two files' contents, give two files of one manifest
    identical (or empty) contents, move a file to another assistant, list files by overlapping
    globs."""

    OPS = ("add", "add", "remove", "rename", "model", "instructions", "tools", "metadata",
           "add_file", "remove_file", "change_file", "add_ci", "remove_ci", "change_ci", "share_file")
    WIDE_OPS = ("rename_file", "swap_files", "identical_files", "move_file", "glob")
    # a manifest removed in the same change as an api switch; environments declared in a deployed project
    SWITCH_OPS = ("api_switch_removing", "add_environments")

    def __init__(self, project: Project, seed: int, wide: bool = True, switches: bool = False) -> None:
        self.p = project
        self.rng = random.Random(seed)
        self.serial = 0
        # an api switch needs two manifests and environments are declared once: the switch comes up more often
        self.ops = self.OPS + (self.WIDE_OPS * 2 if wide else ()) + (self.SWITCH_OPS[:1] * 3 + self.SWITCH_OPS[1:]
                                                                     if switches else ())

    def text(self) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(3, 12))) + "\n"

    def new_name(self) -> str:
        self.serial += 1
        return f"bot-{self.serial}-{self.rng.choice(WORDS)}"

    def new_manifest(self) -> Manifest:
        m = Manifest(self.new_name(), model=self.rng.choice(MODELS), instructions=self.text())
        if self.rng.random() < 0.5:
            m.files[f"docs/{m.name}/a.md"] = self.text()
        if self.rng.random() < 0.3:
            m.ci_files[f"data/{m.name}/a.csv"] = "x,y\n" + self.text()
        if self.rng.random() < 0.4:
            m.metadata = {"team": self.rng.choice(WORDS)}
        return m

    def step(self) -> str:
        names = sorted(self.p.manifests)
        op = self.rng.choice(self.ops) if names else "add"
        if op in ("remove", "rename", "api_switch_removing") and len(names) < 2:
            op = "add"
        if op in self.SWITCH_OPS:
            return self.switch_step(op, names)
        if op == "add":
            m = self.new_manifest()
            self.p.manifests[m.name] = m
            return f"add {m.name}"
        m = self.p.manifests[self.rng.choice(names)]
        if op == "remove":
            del self.p.manifests[m.name]
        elif op == "rename":
            del self.p.manifests[m.name]
            old, m.name = m.name, self.new_name()
            m.files = {p.replace(f"/{old}/", f"/{m.name}/"): c for p, c in m.files.items()}
            m.ci_files = {p.replace(f"/{old}/", f"/{m.name}/"): c for p, c in m.ci_files.items()}
            self.p.manifests[m.name] = m
            return f"rename {old} -> {m.name}"
        elif op == "model":
            m.model = self.rng.choice([x for x in MODELS if x != m.model])
        elif op == "instructions":
            m.instructions = self.text()
        elif op == "tools":
            choice = self.rng.choice(["function", "code_interpreter", "file_search", "none"])
            if choice == "function":
                m.tools = [{"type": "function", "function": {
                    "name": f"lookup_{self.rng.choice(WORDS)}", "description": self.text().strip(),
                    "parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}}}]
            elif choice == "none":
                m.tools = []
            else:
                m.tools = [{"type": choice}]
        elif op == "metadata":
            m.metadata = {} if self.rng.random() < 0.3 else {self.rng.choice(WORDS): self.rng.choice(WORDS)}
        elif op == "add_file":
            m.files[f"docs/{m.name}/{self.rng.choice(WORDS)}-{self.serial}.md"] = self.text()
        elif op == "remove_file" and m.files:
            del m.files[self.rng.choice(sorted(m.files))]
        elif op == "change_file" and m.files:
            m.files[self.rng.choice(sorted(m.files))] = self.text()
        elif op == "add_ci":
            m.ci_files[f"data/{m.name}/{self.rng.choice(WORDS)}-{self.serial}.csv"] = "a,b\n" + self.text()
        elif op == "remove_ci" and m.ci_files:
            del m.ci_files[self.rng.choice(sorted(m.ci_files))]
        elif op == "change_ci" and m.ci_files:
            m.ci_files[self.rng.choice(sorted(m.ci_files))] = "c,d\n" + self.text()
        elif op == "share_file":  # the same bytes used by two assistants: uploaded once
            others = [o for o in self.p.manifests.values() if o.files and o is not m]
            if others:
                content = next(iter(self.rng.choice(others).files.values()))
                m.files[f"docs/{m.name}/shared-{self.serial}.md"] = content
        else:
            return self.wide_step(op, m)
        return f"{op} {m.name}"

    def switch_step(self, op: str, names: list[str]) -> str:
        if op == "add_environments" and self.p.env == ENV:
            self.p.env, self.p.left_behind = "dev", [ENV]  # the old objects stay in 'default', reachable
            TOTALS.environments_declared += 1
            return "declare environments dev and staging (default_environment: dev)"
        if op == "add_environments":
            return "environments already declared"
        name = self.rng.choice(names)
        del self.p.manifests[name]
        self.p.api = "responses" if self.p.api == "assistants" else "assistants"
        TOTALS.api_switches_removing += 1
        return f"remove {name} and switch to api: {self.p.api}"

    def wide_step(self, op: str, m: Manifest) -> str:
        self.serial += 1
        if op == "rename_file" and m.files:  # same content, new path
            old = self.rng.choice(sorted(m.files))
            m.files[f"docs/{m.name}/renamed-{self.serial}.md"] = m.files.pop(old)
        elif op == "swap_files" and len(set(m.files.values())) >= 2:
            a, b = self.rng.sample(sorted(m.files), 2)
            while m.files[a] == m.files[b]:
                a, b = self.rng.sample(sorted(m.files), 2)
            m.files[a], m.files[b] = m.files[b], m.files[a]
        elif op == "identical_files":  # two paths, one content (a store holds it once); sometimes empty
            if m.files and self.rng.random() < 0.6:
                content = self.rng.choice(sorted(m.files.values()))
            else:
                content = ""
                m.files[f"docs/{m.name}/empty-{self.serial}.md"] = content
            m.files[f"docs/{m.name}/same-{self.serial}.md"] = content
        elif op == "move_file":  # a content leaves one assistant's store for another's
            others = [o for o in self.p.manifests.values() if o is not m]
            if m.files and others:
                to = self.rng.choice(others)
                path = self.rng.choice(sorted(m.files))
                to.files[f"docs/{to.name}/moved-{self.serial}.md"] = m.files.pop(path)
                return f"{op} {path} {m.name} -> {to.name}"
        elif op == "glob":
            m.glob = not m.glob
        return f"{op} {m.name}"


# -- bad input: refused at once with one clear line, nothing sent ----------------------------------
# Nine levels of nine aliases: 9**9 (387 million) strings from a few hundred bytes.
BOMB = "".join(['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n']
               + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 9)])
VALIDATION_SUMMARY = re.compile(r"1 error found; nothing was sent to the API\.")
UNWRITABLE = "/proc/asst-deploy-faults.lock.json"  # a folder that takes no file, even for root


@dataclass
class Spoil:
    """One bad input written into the project: what it is, what the error line must name, which
    commands must refuse it, and how to put the project back."""

    what: str
    names: str  # the file (and for YAML its line: "file:N:") the one error line names
    undo: Callable[[], None]
    commands: tuple[str, ...] = ("apply", "plan")


SPOILS = ("alias_bomb_manifest", "alias_bomb_config", "lock_random_bytes", "lock_malformed_entry",
          "lock_huge_number", "lock_is_a_folder", "lock_unwritable_place")


def spoil(project: Project, rng: random.Random) -> Spoil:
    """Spoil the project's input at random (the lockfile only once there is one)."""
    kinds = [k for k in SPOILS if project.lockfile.exists() or not k.startswith("lock_")
             or k == "lock_unwritable_place"]
    kind = rng.choice(kinds)
    config = project.root / "asst-deploy.yaml"
    config_text = config.read_text()
    if kind == "alias_bomb_manifest":
        path = project.root / "assistants" / "zz-bomb.yaml"
        path.write_text("name: zz-bomb\nmodel: gpt-4o\nmetadata:\n" + "".join(f"  {ln}\n" for ln in BOMB.splitlines()))
        return Spoil(kind, "assistants/zz-bomb.yaml:8:", path.unlink)  # a4: where the aliases pass 10,000 values
    if kind == "alias_bomb_config":
        config.write_text(config_text + "defaults:\n  metadata:\n" + "".join(f"    {ln}\n" for ln in BOMB.splitlines()))
        line = config_text.count("\n") + 7
        return Spoil(kind, f"asst-deploy.yaml:{line}:", lambda: config.write_text(config_text))
    if kind == "lock_unwritable_place":  # with environments, a lockfile is set under the environment
        config.write_text(config_text + f"lockfile: {UNWRITABLE}\n" if project.env == ENV else
                          config_text.replace(f"  {project.env}: {{}}\n", f"  {project.env}: {{lockfile: {UNWRITABLE}}}\n"))
        return Spoil(kind, UNWRITABLE, lambda: config.write_text(config_text), commands=("apply",))
    lock = project.lockfile
    saved = lock.read_bytes()

    def put_back() -> None:
        if lock.is_dir():
            lock.rmdir()
        lock.write_bytes(saved)

    if kind == "lock_is_a_folder":
        lock.unlink()
        lock.mkdir()
        return Spoil(kind, lock.name, put_back, commands=("apply",))
    if kind == "lock_random_bytes":
        lock.write_bytes(b"\xff\xfe" + rng.randbytes(rng.randint(1, 300)))
    elif kind == "lock_huge_number":
        doc = json.loads(saved)
        where = rng.choice(["version", "entry"])
        if where == "version" or not doc["assistants"]:
            text = json.dumps(doc).replace('"version": 1', '"version": ' + "9" * 5000, 1)
        else:
            name = rng.choice(sorted(doc["assistants"]))
            doc["assistants"][name]["id"] = "__HUGE__"
            text = json.dumps(doc).replace('"__HUGE__"', "7" * 5000)
        lock.write_text(text)
    else:  # lock_malformed_entry: valid JSON, an entry of the wrong shape
        doc = json.loads(saved)
        name = rng.choice(sorted(doc["assistants"]) or ["x"])
        doc["assistants"][name] = rng.choice([
            ["not", "an", "object"], "text", 42,
            {**doc["assistants"].get(name, {}), "files": "docs/a.md"},
            {**doc["assistants"].get(name, {}), "files": {"docs/a.md": {"sha256": 1}}},
            {**doc["assistants"].get(name, {}), "vector_store_id": {"id": "vs_x"}},
        ])
        lock.write_text(json.dumps(doc))
    return Spoil(kind, lock.name, put_back)


def refused(project: Project, emu: Any, bad: Spoil) -> None:
    """Each command the spoil concerns exits 1 with one ``error:`` line naming the file, and sends
    nothing; then the project is put back."""
    try:
        for command in bad.commands:
            before = emu.total_requests()
            done = _cli(project)(command, *(("--auto-approve",) if command == "apply" else ()), code=None)
            TOTALS.runs += command == "apply"
            TOTALS.plans += command == "plan"
            lines = [line for line in done.stderr.splitlines()  # validation's closing count may follow
                     if line.strip() and not VALIDATION_SUMMARY.fullmatch(line)]
            sent = emu.total_requests() - before
            clear = (done.exit_code == 1 and len(lines) == 1 and lines[0].startswith("error: ")
                     and bad.names in lines[0] and "unexpected" not in lines[0] and sent == 0)
            if not clear:
                TOTALS.unclear_refusals += 1
            assert clear, (f"{bad.what}: asst-deploy {command} exit {done.exit_code}, {sent} request(s) sent; "
                           f"wanted one 'error:' line naming {bad.names!r}:\n{done.stderr}{done.stdout[-1000:]}")
            TOTALS.bad_input_refused += 1
    finally:
        bad.undo()


# -- running the real commands ---------------------------------------------------------------------
@dataclass
class Result:
    code: int
    out: str
    err: str


def _cli(project: Project, **environ: str | None) -> Cli:
    """The shared CLI helper for this project: the SDK's variables come from ``env_for`` (the ``emu``
    fixture) unless given."""
    return Cli(project=project.root, key=None, environ=dict(environ))


def apply(project: Project, *, destroy: bool = False, max_retries: int = 2, timeout: float = 20.0,
          api: str | None = None, env: str | None = None) -> Result:
    """``asst-deploy apply --auto-approve`` (or ``destroy``) in process, through the real CLI."""
    TOTALS.runs += 1
    done = _cli(project)("destroy" if destroy else "apply", "--auto-approve", "--wait-timeout", "30",
                         "--max-retries", str(max_retries), "--timeout", str(timeout),
                         *(("--api", api) if api else ()), *(("--env", env) if env else ()), code=None)
    return Result(done.exit_code, done.stdout, done.stderr)


def plan_doc(project: Project, api: str | None = None) -> dict[str, Any]:
    TOTALS.plans += 1
    done = _cli(project)("plan", "--format", "json", "--max-retries", "2", "--timeout", "20",
                         *(("--api", api) if api else ()))
    return json.loads(done.stdout)


def spawn(project: Project, base_url: str, *args: str, key: str = "sk-faults-test-key") -> subprocess.Popen:
    """A real ``asst-deploy`` process (its own interpreter), as a user or CI runs it."""
    return _cli(project, OPENAI_BASE_URL=base_url, OPENAI_API_KEY=key).spawn(*args)


# -- the account, read through the SDK -------------------------------------------------------------
def client_for(base_url: str) -> Any:
    import openai

    # verify=False: the emulator speaks plain HTTP; an unused TLS context costs ~0.1 s CPU to build
    return openai.OpenAI(base_url=base_url, api_key="sk-faults-checker", max_retries=5, timeout=30,
                         http_client=openai.DefaultHttpxClient(verify=False))


@dataclass
class Account:
    assistants: list[Any]
    stores: list[Any]
    store_files: dict[str, list[Any]]
    files: list[Any]


def read_account(client: Any) -> Account:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assistants = list(client.beta.assistants.list(limit=100))
    stores = list(client.vector_stores.list(limit=100))
    store_files = {s.id: list(client.vector_stores.files.list(s.id, limit=100)) for s in stores}
    files = list(client.files.list(purpose="assistants"))
    return Account(assistants, stores, store_files, files)


def marker_name(obj: Any, env: str = ENV) -> str | None:
    value = (obj.metadata or {}).get(MARKER_KEY)
    prefix = f"{PROJECT}/{env}/"
    return value[len(prefix):] if isinstance(value, str) and value.startswith(prefix) else None


def snapshot(objects: list[Any]) -> dict[str, Any]:
    return {o.id: o.model_dump(mode="json") for o in objects}


# -- foreign objects: present through every run, never changed --------------------------------------
def make_foreign(client: Any) -> list[tuple[str, str]]:
    """Objects asst-deploy must never touch: (kind, id)."""
    import warnings

    made = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for label, meta in (("unmanaged", {"team": "x"}),
                            ("other project", {MARKER_KEY: f"other-project/{ENV}/bot-1-refund"}),
                            ("other environment", {MARKER_KEY: f"{PROJECT}/prod/bot-1-refund"}),
                            ("look-alike marker", {MARKER_KEY: f"{PROJECT}-x/{ENV}/bot-1-refund"})):
            a = client.beta.assistants.create(model="gpt-4o", name=f"foreign {label}", instructions=label,
                                              metadata=meta)
            made.append(("assistant", a.id))
    for project, env in (("other-project", ENV), (PROJECT, "prod")):
        content = f"foreign content of {project}/{env}\n"
        f = client.files.create(file=(f"asst-deploy~{project}~{env}~{sha(content)}~x.md", content.encode()),
                                purpose="assistants")
        made.append(("file", f.id))
        s = client.vector_stores.create(name=f"foreign {project}/{env}", file_ids=[f.id],
                                        metadata={MARKER_KEY: f"{project}/{env}/bot-1-refund"})
        made.append(("store", s.id))
    plain = client.files.create(file=("notes.md", b"someone's own upload\n"), purpose="assistants")
    made.append(("file", plain.id))
    return made


def foreign_state(client: Any, foreign: list[tuple[str, str]]) -> dict[str, Any]:
    import warnings

    state = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for kind, oid in foreign:
            try:
                if kind == "assistant":
                    state[oid] = client.beta.assistants.retrieve(oid).model_dump(mode="json")
                elif kind == "store":
                    s = client.vector_stores.retrieve(oid).model_dump(mode="json")
                    s.pop("last_active_at", None)  # the API bumps it on reads too
                    files = [f.model_dump(mode="json") for f in client.vector_stores.files.list(oid)]
                    state[oid] = {"store": s, "files": files}
                else:
                    state[oid] = client.files.retrieve(oid).model_dump(mode="json")
            except Exception as exc:  # gone is a change too
                state[oid] = f"missing: {type(exc).__name__}"
    return state


# -- the invariants ----------------------------------------------------------------------------------
def check_converged(project: Project, client: Any, foreign: list[tuple[str, str]] | None = None,
                    foreign_before: dict[str, Any] | None = None, *, plan: bool = True) -> None:
    """After a successful apply: the next plan is empty; the owned objects on the account are
    exactly what the manifests say; the lockfile names all of them and nothing else; foreign
    objects are unchanged."""
    TOTALS.checks += 1
    problems: list[str] = []
    for env in project.left_behind:
        clear_left_behind(project, client, env)
    project.left_behind = []
    acct = read_account(client)
    check_no_duplicates(acct, problems)
    if foreign is not None:
        now = foreign_state(client, foreign)
        changed = [oid for oid in foreign_before or {} if now.get(oid) != foreign_before[oid]]
        TOTALS.foreign_changed += len(changed)
        problems += [f"foreign object {oid} changed: {foreign_before[oid]} -> {now.get(oid)}" for oid in changed]

    wanted = project.manifests
    owned = {}
    for a in acct.assistants:
        name = marker_name(a, project.env)
        if name is not None:
            owned[name] = a
    stores = {marker_name(s, project.env): s for s in acct.stores if marker_name(s, project.env) is not None}
    files = {f.id: f for f in acct.files if f.filename.startswith(project.file_prefix)}
    sha_of = {fid: f.filename[len(project.file_prefix):].split("~")[0] for fid, f in files.items()}
    try:
        lock = project.read_lock()
    except (OSError, ValueError) as exc:
        problems.append(f"lockfile unreadable: {exc}")
        lock = {"assistants": {}}
    entries = lock.get("assistants", {})

    if set(owned) != (set(wanted) if project.api == "assistants" else set()):
        problems.append(f"owned assistants {sorted(owned)} != manifests {sorted(wanted)} (api: {project.api})")
    if set(stores) != {n for n, m in wanted.items() if m.files}:
        problems.append(f"owned stores {sorted(stores)} != manifests with files "
                        f"{sorted(n for n, m in wanted.items() if m.files)}")
    if set(sha_of.values()) != project.wanted_shas():
        TOTALS.orphans += len(set(sha_of.values()) - project.wanted_shas())
        problems.append(f"owned file contents {len(set(sha_of.values()))} != wanted {len(project.wanted_shas())}: "
                        f"extra {sorted(set(sha_of.values()) - project.wanted_shas())[:3]}, "
                        f"missing {sorted(project.wanted_shas() - set(sha_of.values()))[:3]}")
    for name, m in wanted.items():
        if project.api == "responses":  # the settings live in the lockfile: what they name must be there
            vs_ids, ci_ids = responses_resources(entries.get(name) or {})
        elif (a := owned.get(name)) is None:
            continue
        else:
            problems += assistant_problems(name, m, a)
            res = a.tool_resources
            vs_ids = list(res.file_search.vector_store_ids or []) if res and res.file_search else []
            ci_ids = list(res.code_interpreter.file_ids or []) if res and res.code_interpreter else []
        if m.files:
            store = stores.get(name)
            if store is None or vs_ids != [store.id]:
                problems.append(f"{name}: vector_store_ids {vs_ids} != [{store.id if store else None}]")
            else:  # one member per content (identical contents share one), nothing else
                members = acct.store_files[store.id]
                got = sorted(sha_of.get(x.id, "?" + x.id) for x in members)
                want = {sha(c) for c in m.files.values()}
                if got != sorted(want):
                    TOTALS.documents_missing_or_stale += len(want ^ set(got)) + len(got) - len(set(got))
                    problems.append(f"{name}: store files {got} != {sorted(want)}")
        elif vs_ids:
            problems.append(f"{name}: has vector stores {vs_ids} but lists no files")
        got_ci = {sha_of.get(x, '?' + x) for x in ci_ids}
        if got_ci != {sha(c) for c in m.ci_files.values()}:
            TOTALS.documents_missing_or_stale += len(got_ci ^ {sha(c) for c in m.ci_files.values()})
            problems.append(f"{name}: code interpreter files {ci_ids} != {sorted(m.ci_files)}")

    # the lockfile: valid JSON, names every owned object and nothing else
    if set(entries) != set(wanted):
        problems.append(f"lockfile names {sorted(entries)} != manifests {sorted(wanted)}")
    locked_files = set()
    for name, entry in entries.items():
        if name in owned and entry.get("id") != owned[name].id:
            problems.append(f"lockfile {name}.id {entry.get('id')} != account {owned[name].id}")
        if name in stores and entry.get("vector_store_id") != stores[name].id:
            problems.append(f"lockfile {name}.vector_store_id {entry.get('vector_store_id')} != {stores[name].id}")
        if entry.get("pending_files"):
            problems.append(f"lockfile {name} still has pending files")
        for role in ("files", "code_interpreter_files"):
            for path, item in (entry.get(role) or {}).items():
                locked_files.add(item["id"])
                if item["id"] not in files:
                    problems.append(f"lockfile {name}.{role}[{path}] names a missing file {item['id']}")
    unlocked = set(files) - locked_files
    if unlocked:
        TOTALS.orphans += len(unlocked)
        problems.append(f"owned files not named in the lockfile (orphans): {sorted(unlocked)}")
    if plan:
        doc = plan_doc(project)
        if any(doc["summary"].get(k) for k in ("create", "update", "delete")):
            problems.append("the next plan is not empty: " + json.dumps(doc["changes"], indent=1)[:3000])
    assert not problems, "\n".join(problems)


def assistant_problems(name: str, m: Manifest, a: Any) -> list[str]:
    problems = []
    user_meta = {k: v for k, v in (a.metadata or {}).items() if k != MARKER_KEY}
    if a.model != m.model or (a.instructions or "").strip() != m.instructions.strip() or user_meta != m.metadata:
        problems.append(f"{name}: model/instructions/metadata differ: {a.model!r} {a.instructions!r} {user_meta}")
    if sorted(t.type for t in a.tools) != sorted(t["type"] for t in m.all_tools()):
        problems.append(f"{name}: tools {[t.type for t in a.tools]} != {[t['type'] for t in m.all_tools()]}")
    return problems


def responses_resources(entry: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The vector store and code-interpreter file ids an ``api: responses`` entry's kwargs name."""
    vs_ids: list[str] = []
    ci_ids: list[str] = []
    for tool in (entry.get("responses") or {}).get("tools") or ():
        if tool.get("type") == "file_search":
            vs_ids += tool.get("vector_store_ids") or []
        elif tool.get("type") == "code_interpreter" and isinstance(tool.get("container"), dict):
            ci_ids += tool["container"].get("file_ids") or []
    return vs_ids, ci_ids


def clear_left_behind(project: Project, client: Any, env: str) -> None:
    """Environments declared in a deployed project: the plan names what the environment the project
    had before still holds, and the command that reaches it; that command leaves none of it."""
    TOTALS.plans += 1
    shown = _cli(project)("plan", "--max-retries", "2").stdout
    command = f"asst-deploy destroy --env {env}"
    assert command in shown, f"the plan does not say how to reach environment {env!r}:\n{shown}"
    result = apply(project, destroy=True, env=env)
    assert result.code == 0, result.out[-2000:] + result.err
    acct = read_account(client)
    left = [o.id for o in (*acct.assistants, *acct.stores) if marker_name(o, env) is not None]
    left += [f.id for f in acct.files if f.filename.startswith(f"asst-deploy~{PROJECT}~{env}~")]
    TOTALS.orphans += len(left)
    assert not left, f"`{command}` left objects of environment {env!r}: {left}"


def check_no_duplicates(acct: Account, problems: list[str]) -> None:
    """No two owned assistants or stores with one marker; no two owned files with one content
    (in any environment of the project)."""
    seen: dict[str, str] = {}
    for kind, objs in (("assistant", acct.assistants), ("store", acct.stores)):
        for o in objs:
            value = (o.metadata or {}).get(MARKER_KEY)
            name = value if isinstance(value, str) and value.startswith(f"{PROJECT}/") else None
            if name is None:
                continue
            key = f"{kind}:{name}"
            if key in seen:
                TOTALS.duplicates += 1
                problems.append(f"duplicate {kind} {name}: {seen[key]} and {o.id}")
            seen[key] = o.id
    for f in acct.files:
        if f.filename.startswith(f"asst-deploy~{PROJECT}~"):
            key = "file:" + "~".join(f.filename.split("~")[2:4])  # environment and content
            if key in seen:
                TOTALS.duplicates += 1
                problems.append(f"duplicate upload of {key}: {seen[key]} and {f.id}")
            seen[key] = f.id


@contextmanager
def env_for(base_url: str, key: str = "sk-faults-test-key") -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "ASST_DEPLOY_BACKEND",
                                            "ASST_DEPLOY_ENV")}
    os.environ.update(OPENAI_BASE_URL=base_url, OPENAI_API_KEY=key)
    os.environ.pop("ASST_DEPLOY_BACKEND", None)
    os.environ.pop("ASST_DEPLOY_ENV", None)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def check_lock_is_json(project: Project) -> None:
    """Whatever happened, the lockfile (if any) is whole, valid JSON of the right shape."""
    if project.lockfile.exists():
        lock = project.read_lock()
        assert lock.get("version") == 1 and isinstance(lock.get("assistants"), dict), lock


def server_done(emu: Any) -> None:
    """Wait until the emulator has answered every request a stopped apply had sent.

    A server carries out a request whose client died: a create received just before a SIGKILL
    lands after it. A rerun that looked at the account before it landed could not know of it and
    creates the object again; rerunning once the server is done is what a user or CI does."""
    assert emu.wait_idle(30), "the emulator still answers a stopped apply's requests after 30 s"


def kill_when(proc: subprocess.Popen, emu: Any, ready: Callable[[], Any]) -> None:
    """SIGKILL a spawned apply once ``ready()`` holds, then wait until the server has answered the
    requests it had sent (to no one)."""
    from support.waiting import wait_until

    assert wait_until(ready, timeout=60, process=proc), proc.communicate()
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    TOTALS.kills += 1
    server_done(emu)
