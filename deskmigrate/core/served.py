"""Sandboxes served right now by ``deskmigrate sandbox serve``: each writes a small JSON
note under the sandboxes folder while it listens (``deskmigrate init --from-sandboxes``
reads them). A note whose process is gone is ignored and removed."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .lease import pid_alive
from .paths import sandbox_dir


def _folder() -> Path:
    path = sandbox_dir() / "served"
    path.mkdir(exist_ok=True)
    return path


@contextmanager
def announced(info: dict[str, Any], port: int) -> Iterator[None]:
    """While the block runs, ``info`` (platform, url, credentials, …) is listed as served."""
    note = _folder() / f"{info['platform']}-{port}.json"
    note.write_text(json.dumps({**info, "pid": os.getpid()}), encoding="utf-8")
    try:
        yield
    finally:
        note.unlink(missing_ok=True)


def served() -> list[dict[str, Any]]:
    """Every sandbox served now, by port."""
    found = []
    for note in sorted(_folder().glob("*.json")):
        try:
            info = json.loads(note.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(info, dict) and isinstance(info.get("pid"), int) and \
                pid_alive(info["pid"]):
            found.append(info)
        else:
            note.unlink(missing_ok=True)
    return sorted(found, key=lambda info: info.get("port", 0))
