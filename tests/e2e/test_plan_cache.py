"""The loaded-project cache of ``plan`` never serves a stale project.

Black-box, on the contract only: each test warms the cache as users do (``plan`` twice; the second
says ``cache: used`` on stderr with ``-v``), makes ONE change, and checks that the next plan shows it.
Every edit of an existing file keeps its size and puts its mtime back, as an edit within one clock
tick leaves it, so a cache that trusts ``stat`` alone fails here. After the change, the plan served
with the cache on must equal the plan with the cache off byte for byte, so a stale project is caught
whatever field it would hide. These tests set ``ASST_DEPLOY_CACHE=on`` themselves, to test the path
users get (the suite runs with ``verify``, which checks every hit against a fresh build), and keep
the cache in their own ``tmp_path``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Union

import pytest
from click.testing import Result
from support.cli import Cli
from support.waiting import finished, wait_until

import asst_deploy

CONFIG = """\
project: cache-probe
manifests: assistants/
default_environment: dev
api: assistants
defaults:
  temperature: 0.5
environments:
  dev:
    name_prefix: "[dev] "
    assistants:
      helper:
        top_p: 0.9
  prod:
    name_prefix: "[prd] "
"""
HELPER = """\
name: helper
display_name: Helper
model: gpt-4o
top_p: 0.5
instructions: Answer briefly.
tools:
  - type: function
    function:
      name: lookup
      description: Look a thing up
      parameters_file: schemas/lookup.json
checks_file: checks/helper.yaml
"""
READER = """\
name: reader
display_name: Reader
model: gpt-4o
instructions_file: prompts/reader.md
tools:
  - type: file_search
  - type: code_interpreter
files:
  - docs/*.md
  - guides/**/*.md
  - fixed/pinned.txt
code_interpreter_files:
  - data/x.csv
"""
FILES: dict[str, str | bytes] = {
    "assistants/helper.yaml": HELPER,
    "assistants/reader.yaml": READER,
    "assistants/notes.txt": "a warning on every plan, which a served plan must give too\n",
    "schemas/lookup.json": '{"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]}\n',
    "checks/helper.yaml": "- name: greets\n  input: hi\n  expect:\n    - contains: hello\n",
    "prompts/reader.md": "Read the docs.\n",
    "docs/a.md": "# A\n",
    "docs/b.md": "# B\n",
    "guides/intro.md": "# Intro\n",
    "shared/one/x.md": "# X1\n",
    "shared/two/x.md": "# X2\n",
    "fixed/pinned.txt": "pinned\n",
    "notes/one.md": "one\n",
    "notes/two.md": "two\n",
}
Outcome = Union[Result, "subprocess.CompletedProcess[str]"]  # what a plan printed, in process or not
ON = {"ASST_DEPLOY_CACHE": "on"}
OFF = {"ASST_DEPLOY_CACHE": "off"}


def cache_says(result: Outcome) -> str | None:
    """``used`` or ``rebuilt``: what the one ``cache:`` line of ``-v`` says (None: no such line)."""
    lines = [line for line in result.stderr.splitlines() if line.startswith("cache: ")]
    assert len(lines) <= 1, f"more than one cache line:\n{result.stderr}"
    return lines[0].split()[1] if lines else None


def messages(result: Outcome) -> list[str]:
    """What stderr says besides the request lines and the cache line of ``-v`` (timings differ)."""
    return [line for line in result.stderr.splitlines() if not line.startswith(("  ", "cache: "))]


def racy_replace(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` (the same size) and put the mtime back: ``stat`` sees no change."""
    assert len(old.encode()) == len(new.encode())
    before = os.stat(path)
    data = path.read_bytes()
    assert data.count(old.encode()) == 1, (path, old)
    path.write_bytes(data.replace(old.encode(), new.encode()))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def edit_instructions(root: Path) -> None:
    racy_replace(root / "assistants" / "helper.yaml", "Answer briefly.", "Answer quickly.")


@dataclass
class Probe:
    """A small applied project, its cache in ``tmp_path``, and plans run as users run them."""

    root: Path
    cli: Cli
    cache: Path

    def plan(self, *args: str, code: int, environ: dict[str, str | None] | None = None,
             root: Path | None = None, spawned: bool = False) -> Outcome:
        """``plan -v --detailed-exitcode``, in this process or (``spawned``) as a process that
        fails the test after 20 s: a change that could make a read wait for ever."""
        where = (root,) if root is not None else ()
        argv = (*where, "plan", "-v", "--detailed-exitcode", *args)
        if not spawned:
            result = self.cli(*argv, code=code, environ=environ)
            assert "Traceback" not in result.output, result.stderr
            return result
        cli = replace(self.cli, environ={**self.cli.environ, **(environ or {})})
        done = completed(cli.spawn(*argv), 20)
        assert done.returncode == code, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    def warm(self, root: Path | None = None) -> None:
        """No-op plans until one is served from the cache (the first plan of a project here only
        marks it seen, the next stores its entry), which must say what the first said."""
        first = self.plan(code=0, root=root)
        self.plan(code=0, root=root)
        served = self.plan(code=0, root=root)
        assert cache_says(served) == "used", served.stderr
        assert (served.stdout, messages(served)) == (first.stdout, messages(first))

    def fresh(self, *args: str, code: int, environ: dict[str, str | None] | None = None,
              root: Path | None = None, spawned: bool = False) -> Outcome:
        """The same plan with the cache off: what a plan must show."""
        result = self.plan(*args, code=code, environ={**(environ or {}), **OFF}, root=root, spawned=spawned)
        assert cache_says(result) != "used", result.stderr
        return result

    def spawn(self, *args: str) -> subprocess.Popen[str]:
        """``plan -v --detailed-exitcode`` as its own ``asst-deploy`` process."""
        return self.cli.spawn("plan", "-v", "--detailed-exitcode", *args)

    def entries(self) -> list[Path]:
        """Every file the cache keeps (what they hold is the cache's business, not the test's)."""
        found = sorted(p for p in self.cache.rglob("*") if p.is_file())
        assert found, f"the cache wrote nothing under {self.cache}"
        return found


@pytest.fixture
def probe(make_project: Callable[..., Path], asst_emulator: Any, tmp_path: Path) -> Probe:
    root = make_project(FILES, config=CONFIG)
    os.symlink("../notes/one.md", root / "docs" / "linked.md")
    os.symlink("../shared/one", root / "guides" / "shared")
    cache = tmp_path / "cache"
    (tmp_path / "outside").mkdir()
    cli = Cli(project=root, emulator=asst_emulator, env=None,
              environ={**ON, "ASST_DEPLOY_CACHE_DIR": str(cache), "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    cli("apply", "--auto-approve")
    return Probe(root, cli, cache)


def completed(proc: subprocess.Popen[str], seconds: float = 120) -> subprocess.CompletedProcess[str]:
    """A spawned plan's outcome, without a traceback (a plan that hangs fails the test)."""
    done = finished(proc, seconds)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


# -- one edit after a cache hit ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Edit:
    """One change to the project (or to how plan is run) and what the next plan must show."""

    make: Callable[[Path], None]
    shows: tuple[str, ...]
    code: int = 2
    args: tuple[str, ...] = ()
    environ: dict[str, str | None] = field(default_factory=dict)
    rebuilt: bool = True  # False: another option, not another input; a cache may hold both projects
    hides: tuple[str, ...] = ()
    spawned: bool = False  # a FIFO: a read that waits for a writer would hang the test process


def _nothing(root: Path) -> None:
    """No file changes: the plan is run another way."""


def _replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    return lambda root: racy_replace(root / rel, old, new)


def _write(rel: str, text: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return make


def _remove(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def _retarget(rel: str, old: str, new: str) -> Callable[[Path], None]:
    """The link ``rel`` from ``old`` to ``new`` (a file or folder whose files have the same sizes),
    with the mtimes of the new target and of the link itself as before."""
    def make(root: Path) -> None:
        link = root / rel
        before = os.lstat(link)
        for was, now in zip(sorted((link.parent / old).rglob("*")), sorted((link.parent / new).rglob("*"))):
            kept = os.stat(was)
            os.utime(now, ns=(kept.st_atime_ns, kept.st_mtime_ns))
        if (link.parent / old).is_file():
            kept = os.stat(link.parent / old)
            os.utime(link.parent / new, ns=(kept.st_atime_ns, kept.st_mtime_ns))
        link.unlink()
        os.symlink(new, link)
        os.utime(link, ns=(before.st_atime_ns, before.st_mtime_ns), follow_symlinks=False)
    return make


def _fifo(rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).unlink()
        os.mkfifo(root / rel)
    return make


def _move(rel: str, to: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).rename(root / to)


def _link(rel: str, target: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target.format(outside=root.parent / "outside"), root / rel)
    return make


def _rename(root: Path) -> None:
    old = root / "assistants" / "reader.yaml"
    (root / "assistants" / "scanner.yaml").write_text(
        old.read_text().replace("name: reader\n", "name: scanner\nrenamed_from: reader\n"))
    old.unlink()


def case(name: str, make: Callable[[Path], None], *shows: str, marks: Any = (), **kw: Any) -> Any:
    return pytest.param(Edit(make, shows, **kw), id=name, marks=marks)


PRD = '+ display_name: "[prd] Helper"'
OVERRIDDEN = "Note: assistants/{}.yaml:{}: top_p: 0.5 is overridden by environment 'dev'"
DEV_BLOCK = '    name_prefix: "[dev] "\n    assistants:\n      helper:\n        top_p: 0.9\n'
DEV_BLOCK_MOVED = '    assistants:\n      helper:\n        top_p: 0.9\n    name_prefix: "[dev] "\n'
EXTRA = "name: extra\nmodel: gpt-4o\n"
EDITS = [
    case("manifest-instructions", edit_instructions, 'instructions: "Answer briefly." -> "Answer quickly."'),
    case("config-defaults-temperature", _replace("asst-deploy.yaml", "temperature: 0.5", "temperature: 0.7"),
         "temperature: 0.5 -> 0.7"),
    case("config-env-name-prefix", _replace("asst-deploy.yaml", '"[dev] "', '"[dv2] "'), "[dv2] Helper"),
    case("config-env-per-assistant-override", _replace("asst-deploy.yaml", "top_p: 0.9", "top_p: 0.8"),
         "top_p: 0.9 -> 0.8"),
    case("option-env-switched", _nothing, PRD, args=("--env", "prod"), rebuilt=False, hides=("[dev] ",)),
    case("variable-env-switched", _nothing, PRD, environ={"ASST_DEPLOY_ENV": "prod"}, rebuilt=False,
         hides=("[dev] ",)),
    case("option-api-switched", _nothing, "+ responses.helper will be created", args=("--api", "responses"),
         rebuilt=False),
    case("option-api-switched-to-one-refusing-fields", _nothing,
         "assistants/reader.yaml:9:3: files: not available with api: agents", args=("--api", "agents"), code=1,
         rebuilt=False),
    case("instructions-file", _replace("prompts/reader.md", "docs", "FAQs"),
         'instructions: "Read the docs." -> "Read the FAQs."'),
    case("parameters-file", _replace("schemas/lookup.json", '"string"', '"number"'),
         'tools[lookup].parameters.properties.q.type: "string" -> "number"'),
    case("parameters-file-removed", _remove("schemas/lookup.json"), "'schemas/lookup.json' not found", code=1),
    case("checks-file-removed", _remove("checks/helper.yaml"), "checks_file: file 'checks/helper.yaml' not found",
         code=1),
    case("checks-file-made-invalid", _replace("checks/helper.yaml", "contains", "containz"),
         "checks/helper.yaml:4:7: checks[0].expect[0].containz: unknown key", code=1),
    case("retrieval-file-added-to-glob", _write("docs/c.md", "# C\n"), "+ file.reader:docs/c.md will be uploaded"),
    case("retrieval-file-added-deep-under-double-star", _write("guides/deep/er/more.md", "# More\n"),
         "+ file.reader:guides/deep/er/more.md will be uploaded"),
    case("retrieval-file-removed-from-glob", _remove("docs/b.md"), "- file.reader:docs/b.md"),
    case("retrieval-file-content", _replace("docs/a.md", "A", "Z"), "~ file.reader:docs/a.md",
         "the file's content changed"),
    case("retrieval-symlink-retargeted", _retarget("docs/linked.md", "../notes/one.md", "../notes/two.md"),
         "~ file.reader:docs/linked.md", "the file's content changed"),
    case("retrieval-symlinked-folder-retargeted", _retarget("guides/shared", "../shared/one", "../shared/two"),
         "~ file.reader:guides/shared/x.md", "the file's content changed"),
    case("code-interpreter-file", _replace("data/x.csv", "1,2", "3,4"), "data/x.csv", "the file's content changed"),
    case("retrieval-glob-file-made-fifo", _fifo("docs/b.md"), "docs/b.md", code=1,
         hides=("- file.reader:docs/b.md",), spawned=True),
    case("double-star-link-out-of-the-project-added", _link("guides/outside", "{outside}"),
         "guides/outside is a symlink to", "out of the project", code=1),
    case("double-star-loop-in-an-empty-folder-added", _link("guides/empty/loop", "."),
         "guides/empty/loop is a symlink to '.'", "(a loop)", code=1),
    case("retrieval-named-file-made-fifo", _fifo("fixed/pinned.txt"),
         "'fixed/pinned.txt' is not a regular file (a FIFO, a socket, a device)", code=1, spawned=True),
    case("instructions-file-made-fifo", _fifo("prompts/reader.md"),
         "instructions_file: 'prompts/reader.md' is not a regular file", code=1, spawned=True),
    case("config-made-fifo", _fifo("asst-deploy.yaml"), "asst-deploy.yaml: a FIFO (named pipe), not a file", code=1,
         spawned=True),
    case("manifest-made-fifo", _fifo("assistants/reader.yaml"),
         "assistants/reader.yaml: a FIFO (named pipe), not a file", code=1, spawned=True),
    case("manifest-added", _write("assistants/extra.yaml", EXTRA), "+ assistant.extra will be created"),
    case("manifest-added-in-a-subfolder", _write("assistants/team/extra.yaml", EXTRA),
         "+ assistant.extra will be created"),
    case("manifest-lines-swapped", _replace("assistants/helper.yaml", "model: gpt-4o\ntop_p: 0.5\n",
                                            "top_p: 0.5\nmodel: gpt-4o\n"), OVERRIDDEN.format("helper", 3), code=0),
    case("config-lines-moved", _replace("asst-deploy.yaml", DEV_BLOCK, DEV_BLOCK_MOVED),
         "(asst-deploy.yaml:11: environments.dev.assistants.helper.top_p: 0.9)", code=0),
    case("manifest-file-renamed", _move("assistants/helper.yaml", "assistants/aide.yaml"), OVERRIDDEN.format("aide", 4),
         code=0),
    case("hidden-manifest-added", _write("assistants/.extra.yaml", EXTRA), "+ assistant.extra will be created"),
    case("dangling-link-in-the-manifests-folder", _link("assistants/gone.yaml", "nowhere.yaml"),
         "assistants/gone.yaml", code=1),
    case("manifest-deleted", _remove("assistants/reader.yaml"), "- assistant.reader"),
    case("manifest-renamed", _rename, "renamed from 'reader' (renamed_from)"),
    case("non-manifest-file-added", _write("assistants/README.md", "notes\n"),
         "warning: assistants/README.md: not read: manifests are .yaml or .yml files", code=0),
    case("manifest-duplicate-name", _write("assistants/helper-again.yaml", HELPER),
         "assistants/helper-again.yaml:1:7: name: 'helper' is also the name in assistants/helper.yaml:1", code=1),
    case("lockfile-removed", _remove("assistants.dev.lock.json"), "the lockfile disagrees with what the account holds",
         rebuilt=False),
]


def plans_the_edit(probe: Probe, edit: Edit) -> None:
    """Warm, edit, plan: the plan shows the edit, says the cache rebuilt, and equals a fresh plan."""
    probe.warm()
    edit.make(probe.root)
    result = probe.plan(*edit.args, code=edit.code, environ=edit.environ, spawned=edit.spawned)
    shown = result.stdout + result.stderr
    for text in edit.shows:
        assert text in shown, shown
    for text in edit.hides:
        assert text not in shown, shown
    if edit.rebuilt and edit.code != 1:
        assert cache_says(result) == "rebuilt", result.stderr
    elif edit.rebuilt:  # nothing was built: nothing may have been served either
        assert cache_says(result) != "used", result.stderr
    fresh = probe.fresh(*edit.args, code=edit.code, environ=edit.environ, spawned=edit.spawned)
    assert (result.stdout, messages(result)) == (fresh.stdout, messages(fresh))


@pytest.mark.parametrize("edit", EDITS)
def test_one_edit_after_a_cache_hit_is_planned(probe: Probe, edit: Edit) -> None:
    plans_the_edit(probe, edit)


def quiet_for(root: Path, ns: int) -> bool:
    """Whether no file under ``root`` has changed (mtime or ctime) for ``ns`` nanoseconds."""
    now = time.time_ns()
    return all(now - max(p.lstat().st_mtime_ns, p.lstat().st_ctime_ns) > ns for p in root.rglob("*"))


@pytest.mark.slow
@pytest.mark.parametrize("edit", [e for e in EDITS if e.id.startswith(("retrieval-", "code-interpreter"))])
def test_one_edit_of_a_file_quiet_before_it_was_hashed(probe: Probe, edit: Edit) -> None:
    """A file unchanged for a while before it was hashed may be trusted by its status (size, times,
    inode) instead of hashed again; an edit keeping size and mtime still moves the ctime, a new
    link target has another inode. Slow: it polls until the project has been quiet for 2.5 s."""
    assert wait_until(lambda: quiet_for(probe.root, 2_500_000_000), timeout=30, every=0.1)
    plans_the_edit(probe, edit)


RICH = """\
name: rich
display_name: Rich ✓
description: Every kind of value, keys out of order
model: gpt-4o
instructions: |
  Line one.
  Line two, with "quotes", a tab\there and héllo.
metadata: {zeta: "1", alpha: two, mid: "3"}
tools:
  - type: file_search
    max_num_results: 5
    ranking_options: {ranker: auto, score_threshold: 0.25}
  - type: code_interpreter
  - type: function
    function:
      name: zz_last
      description: declared first
      strict: true
      parameters:
        type: object
        properties:
          zed: {type: string, enum: [b, a]}
          alpha: {type: integer, minimum: 0}
        required: [zed, alpha]
        additionalProperties: false
files:
  - docs/*.md
  - path: docs/z/*.md
    attributes: {year: 2025, lang: en, public: true, score: 0.5}
code_interpreter_files: [data/x.csv]
vector_store:
  expires_after: {anchor: last_active_at, days: 30}
  chunking_strategy: {type: static, static: {max_chunk_size_tokens: 600, chunk_overlap_tokens: 200}}
temperature: 0.25
top_p: 0.75
"""


@pytest.mark.parametrize("api", ["assistants", "responses"])
def test_a_plan_with_changes_served_from_the_cache_equals_a_fresh_one(probe: Probe, api: str) -> None:
    """What a hit serves is decoded from the entry: every kind of value must come back as built
    (order of keys, numbers, booleans, text), in every format."""
    (probe.root / "assistants" / "rich.yaml").write_text(RICH, encoding="utf-8")
    (probe.root / "docs" / "z").mkdir()
    (probe.root / "docs" / "z" / "y.md").write_text("# Y\n")
    probe.plan(code=2)  # the first plan of the project here: the next stores its entry
    for fmt in ("text", "json", "markdown"):
        args = ("--api", api, "--format", fmt)
        probe.plan(*args, code=2)
        served = probe.plan(*args, code=2)
        assert cache_says(served) == "used", served.stderr
        assert "zz_last" in served.stdout
        assert served.stdout == probe.fresh(*args, code=2).stdout


def test_drift_on_the_account_shows_in_a_plan_served_from_the_cache(probe: Probe, openai_client: Any) -> None:
    """The cache holds the project, never the account: a change made in the playground shows."""
    probe.warm()
    helper = asst_deploy.assistant_id("helper", env="dev", path=probe.root)
    openai_client.beta.assistants.update(helper, temperature=0.9)
    result = probe.plan(code=2)
    assert cache_says(result) == "used" and "temperature: 0.9 -> 0.5" in result.stdout, result.stdout
    assert result.stdout == probe.fresh(code=2).stdout


def test_an_edit_undone_plans_the_original_again(probe: Probe) -> None:
    """Edit and undo within one tick (a checkout back and forth): size and mtime never change."""
    probe.warm()
    edit_instructions(probe.root)
    assert "Answer quickly." in probe.plan(code=2).stdout
    racy_replace(probe.root / "assistants" / "helper.yaml", "Answer quickly.", "Answer briefly.")
    probe.plan(code=0)
    assert cache_says(probe.plan(code=0)) == "used"


def test_targeted_and_whole_plans_do_not_share_a_stale_project(probe: Probe) -> None:
    """``--target`` narrows what a plan shows: a project cached for one target must not stand for all."""
    for _ in range(2):
        probe.plan("--target", "helper", code=0)
    probe.plan(code=0)
    racy_replace(probe.root / "prompts" / "reader.md", "docs", "FAQs")
    for args, code in [(("--target", "helper"), 0), ((), 2), (("--target", "reader"), 2), (("--target", "helper"), 0)]:
        result = probe.plan(*args, code=code)
        assert ("Read the FAQs." in result.stdout) == (code == 2), result.stdout
        assert result.stdout == probe.fresh(*args, code=code).stdout


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_an_edit_shows_in_every_format(probe: Probe, fmt: str) -> None:
    probe.warm()
    edit_instructions(probe.root)
    result = probe.plan("--format", fmt, code=2)
    assert "Answer quickly." in result.stdout
    assert result.stdout == probe.fresh("--format", fmt, code=2).stdout


def test_a_plan_saved_from_a_cache_hit_is_applied(probe: Probe, tmp_path: Path) -> None:
    """A saved plan holds fingerprints of the manifests; apply checks them against the files."""
    probe.warm()
    edit_instructions(probe.root)
    planfile = tmp_path / "plan.json"
    probe.plan("--out", str(planfile), code=2)
    assert cache_says(probe.plan("--out", str(planfile), code=2)) == "used"
    assert "1 updated" in probe.cli("apply", str(planfile)).stdout
    probe.fresh(code=0)


# -- commands other than plan never read the cache --------------------------------------------------------

def test_apply_after_a_cache_hit_applies_the_edit(probe: Probe) -> None:
    probe.warm()
    edit_instructions(probe.root)
    result = probe.cli("apply", "--auto-approve")
    assert "1 updated" in result.stdout, result.stdout
    probe.fresh(code=0)  # what the account holds is the edited manifest
    probe.plan(code=0)


def test_validate_after_a_cache_hit_sees_the_edit(probe: Probe) -> None:
    probe.warm()
    racy_replace(probe.root / "checks" / "helper.yaml", "contains", "containz")
    result = probe.cli("validate", code=1)
    assert "checks/helper.yaml:4:7: checks[0].expect[0].containz: unknown key" in result.stderr


# -- the cache's own files damaged --------------------------------------------------------------------------

def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _garbage(path: Path) -> None:
    path.write_bytes(b"\x80\x04garbage\xff\x00{[" * max(1, path.stat().st_size // 12))


def _huge(path: Path) -> None:
    with open(path, "wb") as out:  # 100 MB of zeros, sparse on disk
        out.truncate(100 * 2**20)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside").write_text("x")


DAMAGE = {"truncated": _truncate, "garbage": _garbage, "100-mb": _huge, "made-a-folder": _folder}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_cache_is_rebuilt_and_the_plan_stays_right(probe: Probe, damage: Callable[[Path], None]) -> None:
    probe.warm()
    for entry in probe.entries():
        damage(entry)
    result = probe.plan(code=0)
    assert cache_says(result) == "rebuilt", result.stderr
    probe.plan(code=0)
    edit_instructions(probe.root)
    result = probe.plan(code=2)
    assert "Answer quickly." in result.stdout
    assert result.stdout == probe.fresh(code=2).stdout


def test_a_fifo_in_place_of_the_cache_entry_does_not_hang_plan(probe: Probe) -> None:
    """Opening a FIFO for reading waits for a writer: in its own process, so a hang fails the test."""
    probe.warm()
    for entry in probe.entries():
        entry.unlink()
        os.mkfifo(entry)
    done = completed(probe.spawn(), 20)
    assert done.returncode == 0, done.stderr
    assert cache_says(done) == "rebuilt", done.stderr
    edit_instructions(probe.root)
    done = completed(probe.spawn())
    assert done.returncode == 2 and "Answer quickly." in done.stdout, done.stderr


def test_an_unwritable_cache_folder(probe: Probe) -> None:
    probe.warm()
    folders = [probe.cache, *(p for p in probe.cache.rglob("*") if p.is_dir())]
    for folder in folders:
        folder.chmod(0o500)
    try:
        try:
            (probe.cache / "probe").touch()
            pytest.skip("this process writes into a folder of mode 500 (root with CAP_DAC_OVERRIDE)")
        except PermissionError:
            pass
        edit_instructions(probe.root)
        result = probe.plan(code=2)
        assert "Answer quickly." in result.stdout and cache_says(result) == "rebuilt", result.stderr
        assert probe.plan(code=2).stdout == result.stdout
    finally:
        for folder in folders:
            folder.chmod(0o700)


def test_a_cache_folder_that_cannot_be_made(probe: Probe, tmp_path: Path) -> None:
    """ASST_DEPLOY_CACHE_DIR under a regular file: no folder can be made there, even by root."""
    (tmp_path / "a-file").write_text("x")
    nowhere = {"ASST_DEPLOY_CACHE_DIR": str(tmp_path / "a-file" / "cache")}
    for _ in range(2):
        result = probe.plan(code=0, environ=nowhere)
        assert cache_says(result) != "used", result.stderr
    edit_instructions(probe.root)
    assert "Answer quickly." in probe.plan(code=2, environ=nowhere).stdout


def test_two_plans_at_once_share_the_cache(probe: Probe) -> None:
    """Two real processes building and storing the same entry at the same time."""
    shutil.rmtree(probe.cache, ignore_errors=True)  # apply may have stored one
    for expected in (0, 2):
        if expected == 2:
            edit_instructions(probe.root)
        runs = [completed(p) for p in [probe.spawn(), probe.spawn()]]
        assert [r.returncode for r in runs] == [expected, expected], [r.stderr for r in runs]
        assert runs[0].stdout == runs[1].stdout
    assert "Answer quickly." in runs[0].stdout
    result = probe.plan(code=2)  # what the two stored serves the next plan
    assert cache_says(result) == "used", result.stderr
    assert result.stdout == runs[0].stdout


# -- switched off, moved, where it lives ------------------------------------------------------------------

def test_cache_off_never_serves(probe: Probe) -> None:
    for _ in range(2):
        assert cache_says(probe.plan(code=0, environ=OFF)) != "used"
    edit_instructions(probe.root)
    result = probe.plan(code=2, environ=OFF)
    assert "Answer quickly." in result.stdout and cache_says(result) != "used"


def test_a_value_of_asst_deploy_cache_that_is_not_a_mode_is_refused(probe: Probe) -> None:
    """``false`` or ``0`` taken for ``on`` would keep serving a user who meant to turn it off."""
    for value in ("false", "0"):
        result = probe.plan(code=1, environ={"ASST_DEPLOY_CACHE": value})
        assert f"ASST_DEPLOY_CACHE={value!r}: use on, off or verify" in result.stderr
        assert cache_says(result) is None


def test_a_copied_project_does_not_take_the_originals_entry(probe: Probe, tmp_path: Path) -> None:
    """A copy (mtimes kept) made different by a same-size edit plans its own content."""
    probe.warm()
    copy = tmp_path / "copy"
    shutil.copytree(probe.root, copy, symlinks=True)
    edit_instructions(copy)
    result = probe.plan(code=2, root=copy)
    assert "Answer quickly." in result.stdout and cache_says(result) == "rebuilt", result.stderr
    assert result.stdout == probe.fresh(code=2, root=copy).stdout
    assert cache_says(probe.plan(code=0)) == "used"  # the original's entry still serves the original


def test_a_moved_project_plans_without_the_old_folder(probe: Probe, tmp_path: Path) -> None:
    """Nothing the cache serves may point into the folder the project was planned from before."""
    probe.warm()
    moved = tmp_path / "moved"
    shutil.copytree(probe.root, moved, symlinks=True)
    shutil.rmtree(probe.root)
    for _ in range(2):  # a new folder: a new project here (marked, then stored)
        probe.plan(code=0, root=moved)
    assert cache_says(probe.plan(code=0, root=moved)) == "used"
    racy_replace(moved / "docs" / "a.md", "A", "Z")
    result = probe.plan(code=2, root=moved)
    assert "~ file.reader:docs/a.md" in result.stdout
    assert result.stdout == probe.fresh(code=2, root=moved).stdout


def test_a_project_folder_link_moved_to_another_release(probe: Probe, tmp_path: Path) -> None:
    """``current -> releases/1`` then ``current -> releases/2`` (a deploy's usual switch): the same
    path, another folder whose files keep sizes and mtimes; the plan is the new folder's."""
    releases = tmp_path / "releases"
    for release in ("1", "2"):
        shutil.copytree(probe.root, releases / release, symlinks=True)
    edit_instructions(releases / "2")
    current = tmp_path / "current"
    os.symlink(releases / "1", current)
    probe.warm(root=current)
    current.unlink()
    os.symlink(releases / "2", current)
    result = probe.plan(code=2, root=current)
    assert "Answer quickly." in result.stdout and cache_says(result) == "rebuilt", result.stderr
    assert result.stdout == probe.fresh(code=2, root=current).stdout


def test_the_cache_lives_under_xdg_cache_home_else_home(probe: Probe, tmp_path: Path) -> None:
    for environ, folder in [({"XDG_CACHE_HOME": str(tmp_path / "xdg")}, tmp_path / "xdg" / "asst-deploy"),
                            ({"XDG_CACHE_HOME": None, "HOME": str(tmp_path / "home")},
                             tmp_path / "home" / ".cache" / "asst-deploy")]:
        environ = {**environ, "ASST_DEPLOY_CACHE_DIR": None}
        for _ in range(2):  # a new cache folder: the project marked, then stored
            probe.plan(code=0, environ=environ)
        assert cache_says(probe.plan(code=0, environ=environ)) == "used"
        assert any(p.is_file() for p in folder.rglob("*")), folder
