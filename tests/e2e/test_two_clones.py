"""Two checkouts of one project, each with its own lockfile, applying to one account: what the
plan of one says after the other applied (its words too: a reason may not invent a hand edit)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from support.cli import Cli

LOCKFILE = "assistants.dev.lock.json"
MANIFEST = "assistants/math-tutor.yaml"


def _clone(cli: Cli, where: Path) -> Cli:
    """Clone B: the same files and lockfile as clone A has now (a checkout of the same commit)."""
    shutil.copytree(cli.project, where, ignore=shutil.ignore_patterns(".asst-deploy"))
    return Cli(project=where, emulator=cli.emulator, env=cli.env)


def _edit(project: Path, old: str, new: str) -> None:
    manifest = project / MANIFEST
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new), encoding="utf-8")


def _reason(cli: Cli) -> str:
    (change,) = json.loads(cli("plan", "--format", "json", "--detailed-exitcode", code=2).stdout)["changes"]
    assert change["name"] == "math-tutor" and change["action"] == "update"
    return str(change["reason"])


def _a_applies_an_edit_b_pulls_it(cli: Cli, tmp_path: Path) -> Cli:
    cli("apply", "--auto-approve")
    b = _clone(cli, tmp_path / "clone-b")
    _edit(cli.project, "temperature: 0.2", "temperature: 0.4")  # A edits and applies
    cli("apply", "--auto-approve")
    _edit(b.project, "temperature: 0.2", "temperature: 0.4")  # B pulls the manifest, keeps its lockfile
    return b


def test_an_apply_that_finds_the_account_as_the_manifest_records_it(cli, tmp_path):
    """Regression: after clone A applied an edit, clone B's no-op apply kept its old ``applied``
    digest, and B's next edit was planned as 'the account was edited outside asst-deploy'."""
    b = _a_applies_an_edit_b_pulls_it(cli, tmp_path)
    a_lock = json.loads((cli.project / LOCKFILE).read_text())["assistants"]["math-tutor"]
    assert "No changes" in b("apply", "--auto-approve").stdout
    b_lock = json.loads((b.project / LOCKFILE).read_text())["assistants"]["math-tutor"]
    assert b_lock["applied"] == a_lock["applied"]  # what the account holds, as A's apply recorded it
    _edit(b.project, "temperature: 0.4", "temperature: 0.6")
    assert _reason(b) == "the manifest changed"
    # a no-op apply that only refreshes a digest is not "found on the account by its markers"
    assert "Recorded" not in b("apply", "--auto-approve").stdout


def test_a_stale_lockfile_makes_no_claim_of_a_hand_edit(cli, tmp_path):
    """B never applied since A's edit: its lockfile cannot tell A's apply from a hand edit, and
    the reason says both, instead of asserting the account was edited outside asst-deploy."""
    b = _a_applies_an_edit_b_pulls_it(cli, tmp_path)
    _edit(b.project, "temperature: 0.4", "temperature: 0.6")
    reason = _reason(b)
    assert reason.startswith("the manifest changed"), reason
    assert "another checkout" in reason and "or edited outside asst-deploy" in reason, reason
    # B has not pulled A's edit: A's apply reads as drift to B, and B's apply would undo it
    c = _clone(b, tmp_path / "clone-c")
    _edit(c.project, "temperature: 0.6", "temperature: 0.2")
    reason = _reason(c)
    assert "edited outside asst-deploy" in reason and "another checkout" in reason, reason
