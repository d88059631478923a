"""The project's files as the manifests see them: read, listed, globbed and hashed, and recorded.

One :class:`Resolver` serves a whole load (the config, every manifest and the files they name), so a
file shared by many manifests is read and hashed once, and what the load read can be asked again
later: :meth:`Resolver.answers` is the record, :meth:`Resolver.still_answers` says whether the
files still answer the same (the loaded-project cache, :mod:`asst_deploy.project_cache`, rests on it).
Nothing here imports YAML or the manifest models, so that check stays cheap.
"""

from __future__ import annotations

import glob
import hashlib
import itertools
import json
import os
import re
import stat
import time
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from ..errors import ManifestProblem
from ..hashing import sha256_file
from ..spec import FileSpec
from .symlinks import loop_under

Read = tuple[str | None, list[ManifestProblem]]  # a file's text, or the problems that stop it being read
Signature = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device
Answers = dict[str, Any]  # Resolver.answers(): plain JSON, kept by the loaded-project cache

MAX_YAML_BYTES = 8 << 20  # a manifest, the config or a text they name: checked before it is read
# A file hashed this long after its last change is not hashed again while its status is the same:
# a change within the file system's timestamp granularity of the hashing could hide behind an
# equal status (git's "racy" files), so a file changed shortly before it was hashed is read again.
RACY_NS = 2_000_000_000
# the questions a load asks, as Resolver.answers records them, and how a changed answer is named
_QUESTIONS = {"listings": "the files under {}", "reads": "{}", "globs": "what {!r} names", "sizes": "{}", "files": "{}"}


def read_text(path: Path, shown: str) -> Read:
    """A file's text, refusing what is not UTF-8 with the place of the first bad byte, and a file
    too big to be a manifest or config before reading it."""
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # reading a FIFO would wait for a writer, forever
            return None, [ManifestProblem(shown, message=f"{_kind(status.st_mode)}, not a file: a manifest, the config "
                                                         "and the files they name are regular files")]
        size = status.st_size
        if size > MAX_YAML_BYTES:
            return None, [ManifestProblem(shown, message=f"the file is {size / (1 << 20):.1f} MiB; a YAML file here "
                                                         f"holds at most {MAX_YAML_BYTES >> 20} MiB")]
        data = path.read_bytes()
    except OSError as exc:
        return None, [ManifestProblem(shown, message=f"cannot read the file: {exc.strerror}")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            ManifestProblem(
                shown, line, col, "",
                f"not UTF-8 (byte 0x{data[exc.start]:02x}): save the file as UTF-8",
            )
        ]


def _kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return kind
    return "not a regular file"


def _special(path: str) -> bool:
    """A FIFO, socket or device (through links): neither a folder, which a glob may match, nor a file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:  # a dangling link: no file to read
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _signature(path: Path) -> Signature:
    status = path.stat()
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)


def _trusted(signature: list[int], started_ns: int) -> bool:
    """Whether a file's recorded status proves its content: it had not changed for RACY_NS when the
    load that hashed it began (its change time cannot be set back by anyone but the clock)."""
    return max(signature[1], signature[2]) < started_ns - RACY_NS


def _read_digest(read: Read) -> str:
    text, problems = read
    return hashlib.sha256(json.dumps([text, [repr(p) for p in problems]]).encode()).hexdigest()


# asst-deploy's own files: never retrieval or code-interpreter files, whatever a glob matches.
# An uploaded lockfile would change with every apply, so the plan would never settle.
_OWN_FOLDERS = {".asst-deploy": "asst-deploy's local state", ".git": "git's own data"}
_LOCKFILE_NAME = re.compile(r"\.?assistants(\.[^/]+)?\.lock\.json(\..+\.tmp)?\Z")


class Resolver:
    """Reads project files for manifests, with caches shared by every manifest of a load."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        # project-relative: the config and every configured lockfile, set once the config is read
        self.own_files: frozenset[str] = frozenset()
        self.manifest_files: frozenset[str] = frozenset()  # project-relative: the manifests read
        self.started_ns = time.time_ns()  # before any file is hashed: see _trusted
        # every answer the project's files gave, memoized: together they are what a load read
        self._listings: dict[str, list[str] | None] = {}
        self._reads: dict[str, Read] = {}
        self._globs: dict[str, tuple[list[str], str | None]] = {}
        self._hashes: dict[str, FileSpec] = {}
        self._signatures: dict[str, Signature | None] = {}
        self._sizes: dict[str, int] = {}
        self._schemas: dict[str, tuple[Any, str | None]] = {}

    # ---- paths -------------------------------------------------------------------------------

    def _escapes(self, pattern: str) -> str | None:
        if PurePosixPath(pattern).is_absolute() or PureWindowsPath(pattern).drive:
            return f"{pattern!r} is absolute: write it relative to the project root"
        if ".." in PurePosixPath(pattern.replace("\\", "/")).parts:
            return f"{pattern!r} leaves the project ('..'): keep files inside the project folder"
        return None

    def _inside(self, rel: str) -> bool:
        real = os.path.realpath(os.path.join(self.root, rel))
        return real == self.real_root or real.startswith(self.real_root + os.sep)

    def expand(self, pattern: str) -> tuple[list[str], str | None]:
        """Project-relative POSIX paths a path or glob names, or why it names none."""
        if pattern not in self._globs:
            self._globs[pattern] = self._expand(pattern)
        return self._globs[pattern]

    def _expand(self, pattern: str) -> tuple[list[str], str | None]:
        problem = self._escapes(pattern)
        if problem:
            return [], problem
        if glob.has_magic(pattern):
            base = self.root.joinpath(*itertools.takewhile(lambda part: not glob.has_magic(part),
                                                           PurePosixPath(pattern).parts))
            loop = "**" in pattern and base.is_dir() and loop_under(self.root, base)
            if loop:
                return [], f"{pattern!r}: {loop}, which ** never follows: remove the link, or name those files without **"
            found = glob.glob(pattern, root_dir=self.root, recursive=True)
            odd = sorted(p for p in found if _special(os.path.join(self.root, p)))
            if odd:  # a FIFO would never be read to its end, and skipping it would delete its document
                return [], (f"{Path(odd[0]).as_posix()!r} (matched by {pattern!r}) is not a regular file (a FIFO, "
                            "a socket, a device): remove it, or name files the glob does not match")
            paths = sorted({PurePosixPath(Path(p).as_posix()).as_posix() for p in found
                            if os.path.isfile(os.path.join(self.root, p))})
            if not paths:
                return [], f"{pattern!r} matches no file (paths are relative to the project root)"
        else:
            full = self.root / pattern
            if full.is_dir():
                return [], f"{pattern!r} is a folder: name files, e.g. '{pattern.rstrip('/')}/*'"
            if full.exists() and not full.is_file():
                return [], f"{pattern!r} is not a regular file (a FIFO, a socket, a device): name a file"
            if not full.is_file():
                return [], f"file {pattern!r} not found (paths are relative to the project root)"
            paths = [PurePosixPath(Path(pattern).as_posix()).as_posix()]
        outside = [p for p in paths if not self._inside(p)]
        if outside:
            return [], f"{outside[0]!r} resolves outside the project (a symlink?): copy the file in"
        return paths, None

    def own_file(self, rel: str) -> str | None:
        """What a project path is if asst-deploy or git keeps it for itself, else None."""
        parts = PurePosixPath(rel).parts
        for folder, what in _OWN_FOLDERS.items():
            if folder in parts:
                return f"{what} ({folder}/)"
        if rel in self.own_files:
            return "the project config" if rel.endswith("asst-deploy.yaml") else "a lockfile"
        if rel in self.manifest_files:
            return "a manifest"
        if len(parts) == 1 and _LOCKFILE_NAME.match(rel):
            return "a lockfile"
        return None

    def one_file(self, rel: str) -> tuple[str | None, str | None]:
        """A single named file (no globs), checked to stay inside the project."""
        if glob.has_magic(rel):
            return None, f"{rel!r}: name one file, not a glob"
        paths, problem = self.expand(rel)
        return (paths[0] if paths else None), problem

    # ---- contents ----------------------------------------------------------------------------

    def listing(self, rel: str) -> list[str] | None:
        """Every path under the folder ``rel`` that is not a folder (a FIFO or a dangling link too:
        refused when read, named), project-relative and sorted; None when ``rel`` is no folder."""
        if rel not in self._listings:
            folder = self.root / rel
            self._listings[rel] = sorted(p.relative_to(self.root).as_posix() for p in folder.rglob("*")
                                         if not p.is_dir()) if folder.is_dir() else None
        return self._listings[rel]

    def read(self, rel: str) -> Read:
        """A UTF-8 file's text, or the problems that stop it being read (:func:`read_text`)."""
        if rel not in self._reads:
            self._reads[rel] = read_text(self.root / rel, rel)
        return self._reads[rel]

    def size(self, rel: str) -> int:
        if rel not in self._sizes:
            self._sizes[rel] = (self.root / rel).stat().st_size
        return self._sizes[rel]

    def file_spec(self, rel: str) -> FileSpec:
        if rel not in self._hashes:
            path = self.root / rel
            before = _signature(path)
            sha, size = sha256_file(path)  # in chunks: a 600 MB file is not held in memory
            self._signatures[rel] = before if before == _signature(path) else None  # changed while read
            self._hashes[rel] = FileSpec(rel, sha, size)
        return self._hashes[rel]

    def text(self, rel: str) -> tuple[str | None, str | None]:
        """A UTF-8 file's text, or why it cannot be read."""
        text, problems = self.read(rel)
        if not problems:
            return text, None
        p = problems[0]
        return text, f"{rel}" + (f" line {p.line}" if p.line else "") + f": {p.message}"

    # ---- what was read, and whether it still reads the same ------------------------------------

    def answers(self) -> Answers:
        """Every question this resolver was asked and its answer (texts and files by digest)."""
        return {
            "started_ns": self.started_ns,
            "listings": dict(self._listings),
            "reads": {rel: _read_digest(read) for rel, read in self._reads.items()},
            "globs": {pattern: [list(paths), why] for pattern, (paths, why) in self._globs.items()},
            "sizes": dict(self._sizes),
            "files": {rel: [spec.sha256, spec.size, self._signatures.get(rel)] for rel, spec in self._hashes.items()},
        }

    def changed(self, recorded: Answers) -> str | None:
        """The first file, folder or glob that no longer answers as ``recorded`` (another
        resolver's :meth:`answers` for this root) says, or None when every one answers the same.
        Files are read again, except a retrieval file whose status is what it was when it was
        hashed, long enough before that hashing (:func:`_trusted`). A record of another shape
        raises KeyError, TypeError or ValueError."""
        started_ns = int(recorded["started_ns"])
        for kind, shown in _QUESTIONS.items():
            for key, expected in recorded[kind].items():
                try:
                    same = (self._same_file(key, expected, started_ns) if kind == "files"
                            else self._answer(kind, key) == expected)
                except OSError:  # gone, or unreadable now
                    same = False
                if not same:
                    return shown.format(key)
        return None

    def _answer(self, kind: str, key: str) -> Any:
        """The answer to one recorded question now, in the form :meth:`answers` records it."""
        if kind == "listings":
            return self.listing(key)
        if kind == "reads":
            return _read_digest(self.read(key))
        if kind == "globs":
            return [*self.expand(key)]
        return self.size(key)

    def _same_file(self, rel: str, answer: list[Any], started_ns: int) -> bool:
        sha, size, signature = answer
        if signature is not None and _trusted(signature, started_ns) and list(_signature(self.root / rel)) == signature:
            return True
        spec = self.file_spec(rel)
        return (spec.sha256, spec.size) == (sha, size)

    def json_schema(self, rel: str) -> tuple[Any, str | None]:
        """A parameters file's JSON, or why it is not a JSON Schema object."""
        if rel not in self._schemas:
            text, why = self.text(rel)
            if text is None:
                self._schemas[rel] = (None, why)
            else:
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    self._schemas[rel] = (
                        None, f"{rel} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
                    )
                else:
                    problem = schema_problem(value)
                    self._schemas[rel] = (value, problem and f"{rel}: {problem}")
        return self._schemas[rel]


def schema_problem(schema: Any) -> str | None:
    """Why a value is not a JSON Schema object (type: object), checked against the meta-schema."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return "parameters must be a JSON Schema object: {type: object, properties: {...}}"
    try:
        from jsonschema.exceptions import SchemaError
        from jsonschema.validators import Draft202012Validator, validator_for
    except ImportError:  # optional: the type check above is the minimum
        return None
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        return f"not a valid JSON Schema{' at ' + where if where else ''}: {exc.message}"
    return None


