"""SQLite storage: one generic table of JSON documents, plus file contents.

Every resource is a row ``(kind, parent, id)`` holding its JSON document. Ordering for lists is
``(created_at, seq)``: ids are random, and ``seq`` (AUTOINCREMENT, never reused) keeps the order
stable when many objects share a second. A few columns are lifted out of the document so lists can
filter in SQL: ``tag`` (a file's purpose, a vector-store file's batch), ``status``/``ready_at``
(vector-store file processing, computed against the clock at read time), ``size`` (bytes).

One connection serves all threads; ``transaction()`` holds a lock for a whole request, so a request
sees and leaves a consistent store, and a failing request rolls back completely.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator, NamedTuple

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    parent TEXT NOT NULL DEFAULT '',
    id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    tag TEXT,
    status TEXT,
    ready_at REAL,
    size INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL,
    UNIQUE (kind, parent, id)
);
CREATE INDEX IF NOT EXISTS objects_order ON objects (kind, parent, created_at, seq);
CREATE TABLE IF NOT EXISTS blobs (id TEXT PRIMARY KEY, data BLOB NOT NULL);
"""

# A processing row's effective status, computed from the clock (no background threads).
STATUS_SQL = "CASE WHEN status IS NOT NULL THEN status WHEN ready_at > :now THEN 'in_progress' ELSE 'completed' END"

# What a processed file takes in a vector store. OpenAI reports a store's (and a store file's)
# ``usage_bytes`` as the size of what it keeps (chunks and their embeddings), not the file's own
# bytes; the emulator does likewise by default, so clients cannot mistake it for the raw sum:
# the raw bytes plus an embedding's worth per chunk of about 800 tokens.
CHUNK_BYTES = 3200
EMBEDDING_BYTES = 1024
PROCESSED_SQL = f"COALESCE(size, 0) + {EMBEDDING_BYTES} * MAX(1, (COALESCE(size, 0) + {CHUNK_BYTES - 1}) / {CHUNK_BYTES})"


def processed_bytes(size: int | None) -> int:
    """A completed store file's ``usage_bytes`` (``PROCESSED_SQL`` for one file)."""
    size = size or 0
    return size + EMBEDDING_BYTES * max(1, -(-size // CHUNK_BYTES))


class Row(NamedTuple):
    seq: int
    kind: str
    parent: str
    id: str
    created_at: int
    tag: str | None
    status: str | None
    ready_at: float | None
    size: int
    doc: dict[str, Any]

    def effective_status(self, now: float) -> str:
        if self.status is not None:
            return self.status
        return "in_progress" if (self.ready_at or 0) > now else "completed"


_COLUMNS = "seq, kind, parent, id, created_at, tag, status, ready_at, size, doc"


def _row(raw: tuple[Any, ...]) -> Row:
    return Row._make((*raw[:9], json.loads(raw[9])))


class Store:
    """The emulator's state. Not a general database layer: just what the routes need."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)
        self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        self._in_tx = False

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Serialise one request's reads and writes; roll everything back if it fails."""
        with self._lock:
            if self._in_tx:  # nested use (a helper inside a request): join the outer one
                yield self
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._in_tx = True
            try:
                yield self
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._in_tx = False

    # -- documents ---------------------------------------------------------------------

    def insert(
        self,
        kind: str,
        id: str,
        doc: dict[str, Any],
        *,
        parent: str = "",
        created_at: int | None = None,
        tag: str | None = None,
        status: str | None = None,
        ready_at: float | None = None,
        size: int = 0,
    ) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO objects (kind, parent, id, created_at, tag, status, ready_at, size, doc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, parent, id, int(created_at if created_at is not None else time.time()), tag, status, ready_at,
                 size, json.dumps(doc, separators=(",", ":"))),
            )

    def get(self, kind: str, id: str, parent: str = "") -> Row | None:
        with self.transaction():
            raw = self._db.execute(
                f"SELECT {_COLUMNS} FROM objects WHERE kind = ? AND parent = ? AND id = ?", (kind, parent, id)
            ).fetchone()
        return _row(raw) if raw else None

    def exists(self, kind: str, id: str, parent: str = "") -> bool:
        with self.transaction():
            return (
                self._db.execute(
                    "SELECT 1 FROM objects WHERE kind = ? AND parent = ? AND id = ?", (kind, parent, id)
                ).fetchone()
                is not None
            )

    def update(self, row: Row, doc: dict[str, Any] | None = None, **columns: Any) -> Row:
        """Write back a changed document and/or lifted columns (tag, status, ready_at, size)."""
        allowed = {"tag", "status", "ready_at", "size"}
        if not set(columns) <= allowed:
            raise ValueError(f"unknown columns {set(columns) - allowed}")
        new = row._replace(doc=doc if doc is not None else row.doc, **columns)
        with self.transaction():
            self._db.execute(
                "UPDATE objects SET tag = ?, status = ?, ready_at = ?, size = ?, doc = ? WHERE seq = ?",
                (new.tag, new.status, new.ready_at, new.size, json.dumps(new.doc, separators=(",", ":")), row.seq),
            )
        return new

    def delete(self, kind: str, id: str, parent: str = "") -> bool:
        with self.transaction():
            cur = self._db.execute("DELETE FROM objects WHERE kind = ? AND parent = ? AND id = ?", (kind, parent, id))
            return cur.rowcount > 0

    def delete_children(self, parent: str) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM objects WHERE parent = ?", (parent,))

    def rows(self, kind: str, parent: str = "", *, tag: str | None = None) -> list[Row]:
        """All rows of a kind under a parent, oldest first (for small child sets)."""
        sql = f"SELECT {_COLUMNS} FROM objects WHERE kind = ? AND parent = ?"
        args: list[Any] = [kind, parent]
        if tag is not None:
            sql += " AND tag = ?"
            args.append(tag)
        with self.transaction():
            return [_row(r) for r in self._db.execute(sql + " ORDER BY created_at, seq", args)]

    def page(
        self,
        kind: str,
        *,
        parent: str = "",
        limit: int,
        order: str = "desc",
        after: Row | None = None,
        before: Row | None = None,
        tag: str | None = None,
        status: str | None = None,
        now: float | None = None,
    ) -> tuple[list[Row], bool]:
        """One page in API order, and whether more rows lie beyond it in the paging direction.

        ``after`` pages forward from a cursor row, ``before`` backward (rows that precede the
        cursor in the chosen order, nearest first, returned in that order).
        """
        where = ["kind = :kind", "parent = :parent"]
        args: dict[str, Any] = {"kind": kind, "parent": parent, "now": now if now is not None else time.time()}
        if tag is not None:
            where.append("tag = :tag")
            args["tag"] = tag
        if status is not None:
            where.append(f"{STATUS_SQL} = :status")
            args["status"] = status
        asc = order == "asc"
        backward = before is not None and after is None
        if after is not None:
            where.append(f"(created_at, seq) {'>' if asc else '<'} (:a_created, :a_seq)")
            args.update(a_created=after.created_at, a_seq=after.seq)
        if before is not None:
            where.append(f"(created_at, seq) {'<' if asc else '>'} (:b_created, :b_seq)")
            args.update(b_created=before.created_at, b_seq=before.seq)
        # Walking backward from a cursor reads in the opposite direction, then flips the page.
        read_asc = asc != backward
        direction = "ASC" if read_asc else "DESC"
        sql = (
            f"SELECT {_COLUMNS} FROM objects WHERE {' AND '.join(where)} "
            f"ORDER BY created_at {direction}, seq {direction} LIMIT :limit"
        )
        args["limit"] = limit + 1
        with self.transaction():
            raw = self._db.execute(sql, args).fetchall()
        has_more = len(raw) > limit
        rows = [_row(r) for r in raw[:limit]]
        if backward:
            rows.reverse()
        return rows, has_more

    def status_counts(self, kind: str, parent: str, *, tag: str | None = None, now: float,
                      raw_bytes: bool = False) -> dict[str, int]:
        """Counts of effective statuses (in_progress/completed/failed/cancelled) and the completed
        files' usage in bytes: processed (``PROCESSED_SQL``), or their own size with ``raw_bytes``."""
        size = "size" if raw_bytes else PROCESSED_SQL
        sql = f"SELECT {STATUS_SQL} AS st, COUNT(*), SUM({size}) FROM objects WHERE kind = :kind AND parent = :parent"
        args: dict[str, Any] = {"kind": kind, "parent": parent, "now": now}
        if tag is not None:
            sql += " AND tag = :tag"
            args["tag"] = tag
        counts = {"in_progress": 0, "completed": 0, "failed": 0, "cancelled": 0, "usage_bytes": 0}
        with self.transaction():
            for status, count, size in self._db.execute(sql + " GROUP BY st", args):
                counts[status] = count
                if status == "completed":
                    counts["usage_bytes"] = size or 0
        return counts

    # -- file contents ------------------------------------------------------------------

    def put_blob(self, id: str, data: bytes) -> None:
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?)", (id, sqlite3.Binary(data)))

    def get_blob(self, id: str) -> bytes | None:
        with self.transaction():
            raw = self._db.execute("SELECT data FROM blobs WHERE id = ?", (id,)).fetchone()
        return bytes(raw[0]) if raw else None

    def delete_blob(self, id: str) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM blobs WHERE id = ?", (id,))
