"""Checks on a state database file before anything is written to it: it must be a
deskmigrate database of a version this one knows (or not exist yet, in a writable place)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..sandbox.store import PLATFORM_KEY
from .errors import DeskmigrateError

# Tables whose ``schema_version`` row a component (billing) keeps, and the newest it knows.
COMPONENT_VERSIONS: dict[str, int] = {}


def register_component(table: str, schema_version: int) -> None:
    """A component keeping its own schema version in ``table`` (key ``schema_version``): a
    database where it is newer than ``schema_version`` is refused."""
    COMPONENT_VERSIONS[table] = schema_version


class StateFileError(DeskmigrateError):
    """The state database cannot be used: it is not ours, newer, corrupted or unwritable."""


def check_state_file(path: Path, schema_version: int) -> None:
    """Refuse, with one sentence and before writing anything, a state database that is not
    a deskmigrate one, comes from a newer version, is corrupted or cannot be created."""
    if path.is_dir():
        raise StateFileError(f"The state database {path} is a folder; pass a file to --db.")
    if not path.exists():
        check_creatable(path, "The state database")
        return
    if path.stat().st_size == 0:
        return  # an empty file: SQLite makes it a new database
    # Only SQLite opens the file: closing a file of our own would drop the POSIX locks this
    # process's open connections hold on it, and another process could then take the WAL
    # for unused and remove it with the commits in it.
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            components = {t: _component_version(conn, t) for t in COMPONENT_VERSIONS
                          if t in tables}
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorname == "SQLITE_NOTADB":
            raise StateFileError(f"{path} is not a deskmigrate state database (not SQLite); "
                                 "pass another --db.") from None
        if exc.sqlite_errorname == "SQLITE_CANTOPEN":
            raise StateFileError(f"The state database {path} cannot be read.") from None
        raise StateFileError(f"The state database {path} is damaged ({exc}); restore it "
                             "from a backup or pass another --db.") from None
    if version > schema_version or any(v > COMPONENT_VERSIONS[t]
                                       for t, v in components.items()):
        raise StateFileError(f"The state database {path} was written by a newer deskmigrate; "
                             "upgrade deskmigrate to use it.")
    if version == 0 and tables:
        raise StateFileError(f"{path} is an SQLite file of another program, not a deskmigrate "
                             "state database; pass another --db.")


def _component_version(conn: sqlite3.Connection, table: str) -> int:
    row = conn.execute(f'SELECT value FROM "{table}" WHERE key=?', ["schema_version"]).fetchone()
    try:
        return int(row[0]) if row else 0
    except ValueError:
        return 0


SANDBOX_TABLES = {"docs", "meta", "blobs"}  # what a sandbox's store keeps


def check_sandbox_file(path: Path, platform: str) -> None:
    """``path`` may hold ``platform``'s sandbox data: a folder we may write in, or an SQLite
    file with no table but a sandbox's, made by that platform's sandbox (never the state
    database, another program's file or another platform's sandbox)."""
    if path.is_dir():
        raise StateFileError(f"The sandbox data {path} is a folder; pass a file to --data.")
    if not path.exists():
        check_creatable(path, "The sandbox data")
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            maker = conn.execute("SELECT value FROM meta WHERE key=?", (PLATFORM_KEY,)
                                 ).fetchone() if "meta" in tables else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StateFileError(f"The sandbox data {path} cannot be used ({exc}).") from None
    if tables - SANDBOX_TABLES:
        raise StateFileError(f"{path} holds another program's tables, not a sandbox's data; "
                             "pass another --data.")
    if maker and maker[0] != platform:
        raise StateFileError(f"The sandbox data {path} was made by the {maker[0]} sandbox, "
                             f"not {platform}'s; serve {maker[0]} from it or pass another "
                             "--data.")


def check_creatable(path: Path, what: str) -> None:
    """``what`` can be created at ``path``: the nearest existing folder above it is a
    folder we may write in."""
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise StateFileError(f"{what} cannot be created at {path}: {parent} is a file, not a "
                             "folder.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StateFileError(f"{what} cannot be created at {path}: {parent} is not "
                             "writable.")
