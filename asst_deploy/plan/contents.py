"""The old and new text of changed documents, so a plan can show a file's change as a line diff.

The API never gives back what was uploaded (purpose ``assistants`` files cannot be downloaded) and
the lockfile keeps only a sha256, so the old text can only come from the project's own history: in
a git repository, the newest of the last commits touching the path whose content has exactly the
deployed sha256. ``HEAD`` alone would be wrong in CI, where the pull request's commit already holds
the new text. Matching the hash means a diff is shown against what is really deployed or not at
all; without git, a match, or for binary and large files, the plan shows sizes only.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any, Mapping

from .types import Action, Change, Kind, Plan

MAX_TEXT = 64 * 1024  # bytes: a longer document is compared by size (its diff would not be read)
MAX_FILES = 50  # changed documents per plan given a line diff
HISTORY = 20  # commits touching the path searched for the deployed content


def with_texts(result: Plan, root: Path) -> Plan:
    """``result`` with ``before.text`` and ``after.text`` on changed text files whose deployed
    content was found in git; every other change as it was."""
    if not any(c.type is Kind.FILE and c.action is Action.UPDATE for c in result.changes):
        return result
    history = _History.open(root)
    if history is None:
        return result
    changes, budget = [], MAX_FILES
    for change in result.changes:
        if budget and change.type is Kind.FILE and change.action is Action.UPDATE and change.path:
            texts = _texts(history, root, change)
            if texts is not None:
                budget -= 1
                change = replace(change, before={**(change.before or {}), "text": texts[0]},
                                 after={**(change.after or {}), "text": texts[1]})
        changes.append(change)
    return replace(result, changes=tuple(changes))


def _texts(history: "_History", root: Path, change: Change) -> tuple[str, str] | None:
    before: Mapping[str, Any] = change.before or {}
    after: Mapping[str, Any] = change.after or {}
    path = root / str(change.path)
    try:
        new = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(new).hexdigest() != after.get("sha256") or (new_text := _text(new)) is None:
        return None
    old = history.find(path, str(before.get("sha256")))
    old_text = _text(old) if old is not None else None
    return None if old_text is None else (old_text, new_text)


def _text(data: bytes) -> str | None:
    """UTF-8 text of a readable size, or None (binary, a PDF, too long)."""
    if len(data) > MAX_TEXT or b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


class _History:
    """Blobs of one git repository, read with plain ``git`` commands (no work tree is touched)."""

    def __init__(self, top: Path) -> None:
        self.top = top

    @classmethod
    def open(cls, root: Path) -> "_History | None":
        out = _git(root, "rev-parse", "--show-toplevel")
        return cls(Path(out.decode().strip())) if out else None

    def find(self, path: Path, sha256: str) -> bytes | None:
        """The newest committed content of ``path`` whose sha256 is ``sha256``."""
        try:
            rel = path.resolve().relative_to(self.top.resolve()).as_posix()
        except ValueError:
            return None
        commits = (_git(self.top, "log", f"-n{HISTORY}", "--format=%H", "--", rel) or b"").decode().split()
        for commit in commits:
            blob = _git(self.top, "show", f"{commit}:{rel}")
            if blob is not None and hashlib.sha256(blob).hexdigest() == sha256:
                return blob
        return None


def _git(cwd: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


__all__ = ["with_texts"]
