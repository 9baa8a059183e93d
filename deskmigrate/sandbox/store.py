"""A small JSON document store in SQLite, shared by the sandboxes (thread-safe)."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

PLATFORM_KEY = "deskmigrate:platform"  # in ``meta``: the platform whose sandbox made the file


class SandboxStore:
    """Collections of JSON documents with integer ids, plus a key/value ``meta`` table.

    Queries filter with SQL over ``json_extract(doc, '$.field')``; every call holds one lock,
    so the threaded server and in-process clients see a consistent help desk.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False,
                                     isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS docs (
                collection TEXT NOT NULL, id INTEGER NOT NULL, doc TEXT NOT NULL,
                updated REAL NOT NULL, PRIMARY KEY (collection, id));
            CREATE INDEX IF NOT EXISTS docs_updated ON docs (collection, updated);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS blobs (key TEXT PRIMARY KEY, data BLOB NOT NULL);
            """
        )

    @contextmanager
    def transaction(self) -> Iterator[SandboxStore]:
        """All or nothing; a transaction opened inside another is a savepoint of it."""
        with self._lock:
            self._depth += 1
            savepoint = f"sp{self._depth}"
            self._conn.execute(f"SAVEPOINT {savepoint}")
            try:
                yield self
            except BaseException:
                self._conn.execute(f"ROLLBACK TO {savepoint}")
                self._conn.execute(f"RELEASE {savepoint}")
                raise
            else:
                self._conn.execute(f"RELEASE {savepoint}")
            finally:
                self._depth -= 1

    # -- documents ----------------------------------------------------------------------
    def next_id(self, collection: str, start: int = 1) -> int:
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM meta WHERE key=?", (f"seq:{collection}",)).fetchone()
            value = int(row[0]) + 1 if row else start
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               (f"seq:{collection}", str(value)))
            return value

    def insert(self, collection: str, doc: dict[str, Any], *, id: int | None = None) -> dict:
        with self._lock:
            doc_id = id if id is not None else self.next_id(collection)
            doc = {**doc, "id": doc_id}
            self._conn.execute("INSERT INTO docs VALUES (?, ?, ?, ?)",
                               (collection, doc_id, json.dumps(doc), time.time()))
            return doc

    def put(self, collection: str, doc: dict[str, Any]) -> dict:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?)",
                               (collection, doc["id"], json.dumps(doc), time.time()))
            return doc

    def get(self, collection: str, doc_id: int | str) -> dict | None:
        try:
            key = int(doc_id)
        except (TypeError, ValueError):
            return None
        with self._lock:
            row = self._conn.execute("SELECT doc FROM docs WHERE collection=? AND id=?",
                                     (collection, key)).fetchone()
        return json.loads(row[0]) if row else None

    def delete(self, collection: str, doc_id: int) -> bool:
        with self._lock:
            cur = self._conn.execute("DELETE FROM docs WHERE collection=? AND id=?",
                                     (collection, int(doc_id)))
            return cur.rowcount > 0

    def query(self, collection: str, where: str = "", params: Sequence[Any] = (), *,
              order: str = "id", limit: int | None = None, offset: int = 0) -> list[dict]:
        """Documents matching ``where`` (SQL over ``doc`` / ``id``), in ``order``."""
        sql = "SELECT doc FROM docs WHERE collection=?"
        if where:
            sql += f" AND ({where})"
        sql += f" ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        with self._lock:
            rows = self._conn.execute(sql, (collection, *params)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def count(self, collection: str, where: str = "", params: Sequence[Any] = ()) -> int:
        sql = "SELECT count(*) FROM docs WHERE collection=?"
        if where:
            sql += f" AND ({where})"
        with self._lock:
            return self._conn.execute(sql, (collection, *params)).fetchone()[0]

    def create_index(self, name: str, *fields: str) -> None:
        """Index ``(collection, json fields...)`` so json_extract filters and orders stay fast.

        Queries use it when they spell each field as ``json_extract(doc, '$.FIELD')`` (``id``
        is the id column)."""
        if not name.isidentifier() or not all(f.replace("_", "").isalnum() for f in fields):
            raise ValueError("index and field names must be plain identifiers")
        exprs = ", ".join("id" if f == "id" else f"json_extract(doc, '$.{f}')" for f in fields)
        with self._lock:
            self._conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON docs (collection, {exprs})")

    # -- meta and blobs -----------------------------------------------------------------
    def meta(self, key: str, default: str | None = None) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def put_blob(self, key: str, data: bytes) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO blobs VALUES (?, ?)", (key, data))

    def blob(self, key: str) -> bytes | None:
        with self._lock:
            row = self._conn.execute("SELECT data FROM blobs WHERE key=?", (key,)).fetchone()
        return bytes(row[0]) if row else None

    def close(self) -> None:
        with self._lock:
            self._conn.close()
