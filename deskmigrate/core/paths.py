"""Where deskmigrate keeps its files: ``$DESKMIGRATE_HOME`` or the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from .state import StateStore


def home() -> Path:
    """The data directory (created on first use)."""
    env = os.environ.get("DESKMIGRATE_HOME")
    if env:
        path = Path(env).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "deskmigrate"
    path.mkdir(parents=True, exist_ok=True)
    return path


def state_path(db: str | os.PathLike[str] | None = None) -> Path:
    return Path(db) if db else home() / "state.sqlite"


def open_state(db: str | os.PathLike[str] | None = None) -> StateStore:
    """The state database at ``db`` (``--db``) or under ``$DESKMIGRATE_HOME``."""
    return StateStore(state_path(db))


def sandbox_dir() -> Path:
    path = home() / "sandboxes"
    path.mkdir(parents=True, exist_ok=True)
    return path
