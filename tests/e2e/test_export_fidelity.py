"""``export`` writes back what the account and the lockfile know about an object's files: each
retrieval file with its attributes (from the store's members), the store's expiry (as the store
shows it), the chunking strategy (as the lockfile recorded the attach) and code-interpreter files
(paths from the lockfile). Round trip through the real CLI: apply, export, put the exported
manifests in place of the project's, and the plan against the same account is empty."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from support.cli import Cli
from support.projects import write_project

from asst_deploy.emulator import Emulator

BOT = """\
name: support-bot
model: gpt-4o
instructions: Answer from the documents.
tools:
  - type: file_search
  - type: code_interpreter
files:
  - docs/a.md
  - docs/a-copy.md
  - path: docs/[bc].md
    attributes: {lang: en, year: 2024, draft: false}
code_interpreter_files: [data/prices.txt]
vector_store:
  expires_after: {anchor: last_active_at, days: 7}
  chunking_strategy: {type: static, static: {max_chunk_size_tokens: 400, chunk_overlap_tokens: 100}}
"""
PLAIN = """\
name: plain-bot
model: gpt-4o
tools: [{type: file_search}]
files: [docs/a.md]
"""
FILES = {"docs/a.md": "# A\nrefunds\n", "docs/a-copy.md": "# A\nrefunds\n",
         "docs/b.md": "# B\nrefunds\n", "docs/c.md": "# C\nrefunds\n",
         "data/prices.txt": "sku,price\na,1\n"}


def test_export_then_plan_of_the_exported_manifests_is_empty(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p", {"asst-deploy.yaml": "project: p\n", "assistants/support-bot.yaml": BOT,
                                          "assistants/plain-bot.yaml": PLAIN, **FILES})
    exported = tmp_path / "exported"
    with Emulator() as emulator:
        cli = Cli(project=root, emulator=emulator)
        cli("apply", "--auto-approve")
        result = cli("export", "--all", "--out", str(exported))
        assert "document(s) not under" in result.stderr  # the documents are in the project, not there
        docs = {p.name: yaml.safe_load(p.read_text()) for p in exported.glob("*.yaml")}
        assert sorted(docs) == ["plain-bot.yaml", "support-bot.yaml"]
        bot = docs["support-bot.yaml"]
        tags = {"draft": False, "lang": "en", "year": 2024}
        assert bot["files"] == ["docs/a-copy.md", "docs/a.md", {"path": "docs/b.md", "attributes": tags},
                                {"path": "docs/c.md", "attributes": tags}]
        assert bot["vector_store"] == yaml.safe_load(BOT)["vector_store"]
        assert bot["code_interpreter_files"] == ["data/prices.txt"]
        plain = docs["plain-bot.yaml"]
        assert plain["files"] == ["docs/a.md"] and "vector_store" not in plain  # nothing the user did not set
        assert "cannot be downloaded" not in (exported / "support-bot.yaml").read_text()
        # (identical contents share one store member; the lockfile names both paths)

        shutil.rmtree(root / "assistants")
        shutil.copytree(exported, root / "assistants")
        assert cli("validate").exit_code == 0
        again = cli("plan", "--detailed-exitcode", code=None)
        assert again.exit_code == 0, again.output


def test_import_keeps_the_files_settings_as_a_block_to_uncomment(tmp_path: Path) -> None:
    """``import`` cannot adopt another project's uploads (the next plan would upload them again), so
    the manifest keeps them, with attributes and store settings, as a commented block: the next
    plan is empty, and the uncommented block validates and says what the original said."""
    first = write_project(tmp_path / "p", {"asst-deploy.yaml": "project: p\n", "assistants/support-bot.yaml": BOT,
                                           **FILES})
    second = write_project(tmp_path / "q", {"asst-deploy.yaml": "project: q\n", "assistants/.keep": ""})
    with Emulator() as emulator:
        Cli(project=first, emulator=emulator)("apply", "--auto-approve")
        lock = yaml.safe_load((first / "assistants.lock.json").read_text())
        object_id = lock["assistants"]["support-bot"]["id"]
        cli = Cli(project=second, emulator=emulator)
        result = cli("import", object_id, "helper", "--force")
        assert "commented block" in result.stderr
        assert cli("plan", "--detailed-exitcode", code=None).exit_code == 0
        text = (second / "assistants/helper.yaml").read_text()
        lines = text.splitlines()
        start = next(i for i, line in enumerate(lines) if "uncomment" in line) + 1
        end = next(i for i in range(start, len(lines)) if not lines[i].startswith(("#  ", "# files", "# vector")))
        fields = yaml.safe_load("\n".join(line[2:] for line in lines[start:end]))
        original = yaml.safe_load(BOT)
        assert fields["vector_store"] == original["vector_store"]
        assert "prices.txt" in text and "cannot be downloaded" in text  # q's lockfile has no path for it
        plain = [f for f in fields["files"] if isinstance(f, str)]  # one member serves a.md and its copy
        assert plain in (["docs/a.md"], ["docs/a-copy.md"])
        tagged = [f["attributes"] for f in fields["files"] if isinstance(f, dict)]
        assert tagged == [original["files"][2]["attributes"]] * 2
        manifest = {**yaml.safe_load(text), **fields}
        write_project(second, {**FILES, "assistants/helper.yaml": yaml.safe_dump(manifest)})
        assert cli("validate").exit_code == 0
