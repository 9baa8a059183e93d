"""Where deskmigrate keeps its files: ``$DESKMIGRATE_HOME`` or the user's data directory."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .errors import ConfigError, DeskmigrateError
from .state import StateStore
from .state_schema import SCHEMA_VERSION
from .statefile import StateFileError, check_state_file


def home() -> Path:
    """The data directory (created on first use)."""
    env = os.environ.get("DESKMIGRATE_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "deskmigrate"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        where = "DESKMIGRATE_HOME" if env else "The data folder"
        raise ConfigError(f"{where} ({path}) cannot be used as a folder "
                          f"({exc.strerror or exc}).") from None
    return path


def state_path(db: str | os.PathLike[str] | None = None) -> Path:
    return Path(db) if db else home() / "state.sqlite"


def open_state(db: str | os.PathLike[str] | None = None) -> StateStore:
    """The state database at ``db`` (``--db``) or under ``$DESKMIGRATE_HOME``; one that is
    not ours, newer, damaged or cannot be created is refused before anything is written."""
    path = state_path(db)
    check_state_file(path, SCHEMA_VERSION)
    try:
        return StateStore(path)
    except (OSError, sqlite3.Error) as exc:
        raise StateFileError(f"The state database {path} cannot be opened "
                             f"({getattr(exc, 'strerror', None) or exc}).") from None


def sandbox_dir() -> Path:
    return _folder(home() / "sandboxes", "The sandbox data folder")


def _folder(path: Path, what: str) -> Path:
    """``path``, created as a folder if missing; one sentence if it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DeskmigrateError(f"{what} {path} cannot be created "
                               f"({exc.strerror or exc}).") from None
    return path


def log_dir(db: str | os.PathLike[str] | None = None) -> Path:
    """Where run logs go: ``logs/`` beside the state database (so under the data directory
    by default); each run appends JSON lines to ``run-N.log``."""
    return _folder(state_path(db).parent / "logs", "The run log folder")


def run_log_path(db: str | os.PathLike[str] | None, run_id: int) -> Path:
    return log_dir(db) / f"run-{run_id}.log"


def write_file(path: str | os.PathLike[str], text: str, what: str) -> None:
    """Write ``what`` (e.g. "the report") to ``path``; a missing or unwritable folder is one
    sentence."""
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DeskmigrateError(f"Cannot write {what} to {path} ({exc.strerror or exc}).") from None
