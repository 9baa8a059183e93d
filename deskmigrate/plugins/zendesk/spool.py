"""A temporary SQLite file holding comments by ticket id, so a full export joins 50,000
tickets with their comments while memory stays flat."""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from typing import Any


class CommentSpool:
    """Comments keyed by ``(ticket_id, comment_id)``; deleted with :meth:`close`."""

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="deskmigrate-zendesk-", suffix=".sqlite")
        os.close(fd)
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=OFF")
        self._conn.execute("PRAGMA synchronous=OFF")
        self._conn.execute("CREATE TABLE comments (ticket_id INTEGER NOT NULL, "
                           "comment_id INTEGER NOT NULL, created TEXT NOT NULL, doc TEXT NOT NULL,"
                           " PRIMARY KEY (ticket_id, comment_id)) WITHOUT ROWID")

    def add(self, rows: Iterable[tuple[int, dict[str, Any]]]) -> None:
        """Store ``(ticket_id, comment)`` pairs; a comment seen twice is kept once."""
        with self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO comments VALUES (?, ?, ?, ?)",
                ((ticket, c["id"], c.get("created_at") or "", json.dumps(c)) for ticket, c in rows))

    def comments(self, ticket_id: int) -> list[dict[str, Any]]:
        """A ticket's comments, oldest first."""
        rows = self._conn.execute("SELECT doc FROM comments WHERE ticket_id = ? "
                                  "ORDER BY created, comment_id", (ticket_id,)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def close(self) -> None:
        self._conn.close()
        if os.path.exists(self.path):
            os.remove(self.path)
