"""The state database's SQLite connection, safe with many processes on one file.

WAL lets readers run beside one writer. Every write transaction takes the write lock up
front (``BEGIN IMMEDIATE``): a transaction that read first and wrote later could otherwise
fail with ``database is locked`` without waiting. Taking the lock waits (busy timeout) and
is retried with backoff, so a busy database slows a command down instead of killing it.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections.abc import Callable, Generator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from .errors import DeskmigrateError

BUSY_TIMEOUT_MS = 5000  # each attempt waits this long for the lock
LOCK_WAIT_SECONDS = 120.0  # then gives up with one sentence
T = TypeVar("T")


class StateBusy(DeskmigrateError):
    """Another process held the state database's write lock for too long."""


def _locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def retry_locked(action: Callable[[], T], what: str) -> T:
    """Run ``action``; while SQLite answers busy/locked, wait and try again."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    delay = 0.01
    while True:
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _locked(exc):
                raise
            if time.monotonic() > deadline:
                raise StateBusy(f"The state database stayed locked by another process for "
                                f"{LOCK_WAIT_SECONDS:.0f} s while {what}; try again.") from exc
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 2, 0.5)


class Database(sqlite_utils.Database):
    """sqlite-utils' Database whose transactions take the write lock up front."""

    def __init__(self, path: str | Path) -> None:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        conn.isolation_level = "IMMEDIATE"  # implicit transactions too
        super().__init__(conn)
        retry_locked(lambda: self.execute("PRAGMA journal_mode=WAL"), "opening it")

    @contextmanager
    def atomic(self) -> Generator[Database, None, None]:
        """One write transaction (``BEGIN IMMEDIATE``, retried while another process
        writes); nested blocks are savepoints. Reads inside it see the state every other
        writer left, so a transition re-checked here cannot race."""
        if self.conn.in_transaction:
            with super().atomic():
                yield self
            return
        retry_locked(lambda: self.conn.execute("BEGIN IMMEDIATE"), "starting a write")
        try:
            yield self
        except BaseException:
            self.conn.rollback()
            raise
        try:
            retry_locked(lambda: self.conn.execute("COMMIT"), "committing")
        except BaseException:
            self.conn.rollback()
            raise
