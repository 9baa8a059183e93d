"""Zendesk → Zendesk under a low incremental-export limit: the first tickets are written
while the source still reads the ticket-event export, and the copy is exact.

The order is proven, not timed: the source's last ticket-event page is held back until the
target has received a ticket import. A source that needs the whole export before its first
ticket never sends one, and the page is released only after ``HOLD`` seconds, unproven."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from typing import Any

from e2e_support import SOURCE_SEED, SOURCE_TICKETS, Account, write_config
from test_zendesk_to_zendesk import assert_same_help_desk, migrate

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

HOLD = 120.0  # seconds the last page waits for a ticket import before it goes unproven
EXPORTS_A_MINUTE = 4  # the run's three ticket exports fit one window (one kept in reserve)


class Watched:
    """A sandbox's WSGI app that calls ``seen(method, path, body)`` after each request
    (``hold(body)`` first, before the answer goes back)."""

    def __init__(self, app: Any, seen: Callable[[str, str, bytes], None],
                 hold: Callable[[str, bytes], None] = lambda path, body: None) -> None:
        self.app, self.seen, self.hold = app, seen, hold

    def __getattr__(self, name: str) -> Any:  # the sandbox's own attributes
        return getattr(self.app, name)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        answer: list[Any] = []
        body = b"".join(self.app(environ, lambda *args: answer.append(args)))
        self.hold(environ["PATH_INFO"], body)
        self.seen(environ["REQUEST_METHOD"], environ["PATH_INFO"], body)
        start_response(*answer[0])
        return [body]


def test_first_tickets_are_written_before_the_last_export_page(tmp_path, seeded_source_file):
    shutil.copy(seeded_source_file, tmp_path / "source.sqlite")
    source = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=SOURCE_TICKETS,
                          seed=SOURCE_SEED, rate_limit=700)
    source.export_rate_limit = EXPORTS_A_MINUTE
    target = open_sandbox("zendesk", tmp_path / "target.sqlite", tickets=0, seed=0)
    imported, lock = threading.Event(), threading.Lock()
    order: list[str] = []
    released: list[bool] = []

    def seen(method: str, path: str, body: bytes) -> None:
        if "/incremental/ticket_events" in path:
            page = json.loads(body)
            with lock:
                order.append("last events page" if page.get("end_of_stream") else "events page")
        elif method == "POST" and "/imports/tickets" in path:
            with lock:
                order.append("ticket import")
            imported.set()

    def hold(path: str, body: bytes) -> None:
        if "/incremental/ticket_events" in path and json.loads(body).get("end_of_stream"):
            released.append(imported.wait(HOLD))

    with ExitStack() as stack:
        accounts = [Account(stack.enter_context(serve_in_thread(app)), app.credentials(), app)
                    for app in (Watched(source, seen, hold), Watched(target, seen))]
        result = migrate(write_config(tmp_path / "c.toml", *accounts), tmp_path / "s.db")
        assert result["status"] == "completed"
        assert result["records"]["ticket"]["migrated"] == SOURCE_TICKETS
        assert result["requests"].get("source_429") == 0  # the export limit was kept
        assert released == [True]
        assert order.index("ticket import") < order.index("last events page")
        assert order.count("events page") >= 1  # the export really had several pages
        assert_same_help_desk(*accounts)
