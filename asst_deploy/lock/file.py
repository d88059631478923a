"""The lockfile: which objects on the account belong to which manifest (README: Sharing ids with other teams).

Stdlib only, because runtime code reads it through ``import asst_deploy``. Written atomically
(temp file, fsync, ``os.replace``) so a reader or a killed apply never sees half a file.
Mutual exclusion between two applies is the apply lock's job (``apply_lock.py``), not this
module's; the typed entry and the writer thread an apply uses are ``lock/entry.py`` and ``lock/writer.py``.
"""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False  # importing typing would cost a runtime lookup more than the lookup itself
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

LOCK_VERSION = 1


class LockfileError(Exception):
    """The lockfile exists but cannot be used (not JSON, unknown version, wrong shape)."""


def empty_lock(project: str, environment: str) -> dict[str, Any]:
    return {"version": LOCK_VERSION, "project": project, "environment": environment, "assistants": {}}


_CONFLICT = "\n<<<<<<< "  # how git marks a conflicted merge in a text file
_RESTORE = "restore it from git, or delete it to rebuild it from the account's markers"
# What runtime lookups read from an entry; the CLI checks the whole entry (``LockEntry.from_dict``).
_RUNTIME_STRINGS = ("id", "vector_store_id", "api")
_RUNTIME_OBJECTS = ("responses",)


def parse_lock(text: bytes | str, path: Path | str) -> dict[str, Any]:
    """The lockfile's content, checked as far as runtime lookups read it; ``LockfileError`` (one
    line naming ``path``) for anything else: not UTF-8, not JSON, a number or nesting no JSON
    reader should be asked to build, an unknown version, an entry of the wrong shape."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LockfileError(f"{path}: not UTF-8 text (byte 0x{text[exc.start]:02x} at offset {exc.start}); "
                                f"{_RESTORE}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if _CONFLICT in text or text.startswith(_CONFLICT[1:]):
            raise LockfileError(f"{path}: the lockfile holds git merge conflict markers (<<<<<<<, =======, >>>>>>>): "
                                "resolve them, or delete it to rebuild it from the account's markers") from None
        raise LockfileError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); {_RESTORE}") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise LockfileError(f"{path}: not a lockfile (a number too long to read); {_RESTORE}") from None
    except RecursionError:
        raise LockfileError(f"{path}: not a lockfile (nested too deeply); {_RESTORE}") from None
    if not isinstance(data, dict) or not isinstance(data.get("assistants", {}), dict):
        raise LockfileError(f"{path}: not an asst-deploy lockfile (expected an object with 'assistants')")
    version = data.get("version")
    if version != LOCK_VERSION:
        raise LockfileError(
            f"{path}: lockfile version {version!r} is not supported (this asst-deploy reads version "
            f"{LOCK_VERSION}); upgrade asst-deploy or delete the file to rebuild it from the account"
        )
    data.setdefault("assistants", {})
    for name, entry in data["assistants"].items():
        problem = _entry_problem(entry)
        if problem:
            raise LockfileError(f"{path}: entry {name!r} is malformed ({problem}); {_RESTORE}")
    return data


def _entry_problem(entry: Any) -> str | None:
    if not isinstance(entry, dict):
        return f"an entry must be an object, not {type(entry).__name__}"
    for key in _RUNTIME_STRINGS:
        if entry.get(key) is not None and not isinstance(entry[key], str):
            return f"{key!r} must be a string"
    for key in _RUNTIME_OBJECTS:
        if entry.get(key) is not None and not isinstance(entry[key], dict):
            return f"{key!r} must be an object"
    refs = entry.get("responses_env")
    if refs is not None and not (isinstance(refs, list) and all(
            isinstance(r, dict) and isinstance(r.get("env"), str) and isinstance(r.get("path"), list)
            and r["path"] and all(isinstance(k, (str, int)) for k in r["path"]) for r in refs)):
        return "'responses_env' must be a list of {path, env} objects"
    return None


def read_lock(path: "Path | str", project: str, environment: str) -> dict[str, Any]:
    """The lockfile's content, or an empty one when it does not exist yet."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return empty_lock(project, environment)
    return parse_lock(data, path)


def dump_lock(lock: dict[str, Any]) -> str:
    return json.dumps(lock, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class IncrementalDump:
    """``dump_lock``'s exact text, re-serializing only the entries that changed.

    An apply rewrites the lockfile after every step; with many assistants a full dump each time
    would hold the GIL for longer than the step, so entries are kept serialized and only the dirty
    ones are redone."""

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
    """``write_lock`` of an already dumped lockfile (lets a caller dump under its own mutex).

    The temp file is made with mode 0666 and the process umask applies, as for any file the user
    makes (``mkstemp``'s 0600 kept a lockfile committed for a service of another user unreadable)."""
    folder, name = os.path.split(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = _create_temp(folder, name)
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


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    """A new ``.NAME.RANDOM.tmp`` beside the lockfile, created 0666 minus the umask."""
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temp file name for {name} in {folder}")


def remove_stale_temp_files(path: "Path | str") -> int:
    """Delete the temp files of ``path`` that a killed writer left (``.NAME.*.tmp``); returns how
    many. Call it only while holding the apply lock: no other writer of this lockfile runs then."""
    folder, name = os.path.split(os.path.abspath(path))
    prefix = f".{name}."
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    removed = 0
    for entry in names:
        if entry.startswith(prefix) and entry.endswith(".tmp"):
            try:
                os.unlink(os.path.join(folder, entry))
                removed += 1
            except OSError:
                pass
    return removed


def check_writable(path: "Path | str") -> None:
    """Raise ``LockfileError`` unless a lockfile can be written at ``path`` as ``write_lock_text``
    writes it (a new file in its folder, renamed over it); an apply calls this before its first
    write, so that an unwritable place is found before anything changes on the account."""
    folder, name = os.path.split(os.path.abspath(path))
    try:
        if os.path.isdir(path):
            raise IsADirectoryError(21, "it is a folder, not a file")
        os.makedirs(folder, exist_ok=True)
        fd, probe = _create_temp(folder, name)
        os.close(fd)
        os.unlink(probe)
        if os.path.exists(path) and not os.access(path, os.W_OK):
            raise PermissionError(13, "the file is read-only")
    except OSError as exc:
        raise LockfileError(f"{path}: cannot be written ({exc.strerror or exc}); nothing was changed: "
                            "make the folder and file writable, or set lockfile: in asst-deploy.yaml") from None
