"""The live progress display of a run (rich bars on a terminal's stderr)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def progress_display(enabled: bool) -> Iterator[Any]:
    """A rich progress display on stderr, per record kind; None when not wanted."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=False) as bar:
        tasks: dict[str, Any] = {}

        def update(kind: str, done: int, total: int | None) -> None:
            if kind not in tasks:
                tasks[kind] = bar.add_task(kind, total=total)
            bar.update(tasks[kind], completed=done, total=total)

        yield update
