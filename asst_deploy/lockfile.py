"""The lockfile: which objects on the account belong to which manifest (DESIGN.md section 6).

Stdlib only, because runtime code reads it through ``import asst_deploy``. Written atomically
(temp file, fsync, ``os.replace``) so a reader or a killed apply never sees half a file.
Mutual exclusion between two applies is the apply lock's job (``apply_lock.py``), not this
module's; the typed entry and the writer thread an apply uses are ``lockentry.py`` and ``lockstate.py``.
"""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False  # typing itself costs ~10 ms at import; runtime readers skip it
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

LOCK_VERSION = 1


class LockfileError(Exception):
    """The lockfile exists but cannot be used (not JSON, unknown version, wrong shape)."""


def empty_lock(project: str, environment: str) -> dict[str, Any]:
    return {"version": LOCK_VERSION, "project": project, "environment": environment, "assistants": {}}


def parse_lock(text: str, path: Path | str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LockfileError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); "
            "restore it from git, or delete it to rebuild it from the account's markers"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("assistants", {}), dict):
        raise LockfileError(f"{path}: not an asst-deploy lockfile (expected an object with 'assistants')")
    version = data.get("version")
    if version != LOCK_VERSION:
        raise LockfileError(
            f"{path}: lockfile version {version!r} is not supported (this asst-deploy reads version "
            f"{LOCK_VERSION}); upgrade asst-deploy or delete the file to rebuild it from the account"
        )
    data.setdefault("assistants", {})
    return data


def read_lock(path: "Path | str", project: str, environment: str) -> dict[str, Any]:
    """The lockfile's content, or an empty one when it does not exist yet."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return empty_lock(project, environment)
    return parse_lock(text, path)


def dump_lock(lock: dict[str, Any]) -> str:
    return json.dumps(lock, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class IncrementalDump:
    """``dump_lock``'s exact text, re-serializing only the entries that changed.

    An apply rewrites the lockfile after every step; at 1,000 assistants a full dump holds the GIL
    for ~5 ms each time, so entries are kept serialized and only the dirty ones are redone."""

    def __init__(self) -> None:
        self._fragments: dict[str, str] = {}

    def dump(self, lock: dict[str, Any], dirty: "set[str] | None" = None) -> str:
        entries = lock["assistants"]
        if dirty is None:
            self._fragments.clear()
        else:
            for name in dirty:
                self._fragments.pop(name, None)
        parts = []
        for key in sorted(lock):
            if key == "assistants":
                frags = []
                for name in sorted(entries):
                    frag = self._fragments.get(name)
                    if frag is None:
                        frag = self._fragments[name] = _member(name, entries[name], 4)
                    frags.append(frag)
                body = "{\n" + ",\n".join(frags) + "\n  }" if frags else "{}"
                parts.append(f'  "assistants": {body}')
            else:
                parts.append(_member(key, lock[key], 2))
        for stale in set(self._fragments) - set(entries):
            del self._fragments[stale]
        return "{\n" + ",\n".join(parts) + "\n}\n"


def _member(key: str, value: Any, indent: int) -> str:
    pad = " " * indent
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n" + pad)
    return f"{pad}{json.dumps(key, ensure_ascii=False)}: {text}"


def write_lock(path: "Path | str", lock: dict[str, Any]) -> None:
    """Replace the lockfile atomically: it is either the old or the new content, never half."""
    write_lock_text(path, dump_lock(lock))


def write_lock_text(path: "Path | str", text: str) -> None:
    """``write_lock`` of an already dumped lockfile (lets a caller dump under its own mutex)."""
    import tempfile  # not at module level: runtime readers never write

    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass

