"""The live progress display of a run on stderr (:mod:`deskmigrate.core.progress`)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..core.progress import Board, display


@contextmanager
def progress_display(ctx: click.Context, as_json: bool) -> Iterator[Board | None]:
    """Bars on a terminal, plain lines elsewhere; with ``--json`` (stdout is one JSON
    object) only under ``--log-format json``, as JSON events."""
    as_events = ctx.find_root().obj.get("log_format") == "json"
    with display(not as_json or as_events, stream=sys.stderr,
                 json=as_events) as board:
        yield board
