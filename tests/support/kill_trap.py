"""A target that SIGKILLs the migrating process itself at an exact request, so the point
of the kill does not depend on timing or load: the request is applied first (the record
exists, its answer is lost) or never (what came before it exists, it does not)."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from deskmigrate.sandbox import serve_in_thread

Matcher = Callable[[str, str], bool]  # (method, path) -> kill here


class KillTrap:
    """A sandbox's WSGI app that kills ``victim()`` at the first request ``matches``:
    after applying it when ``apply``, and answers 503 (nobody is left to read it)."""

    def __init__(self, app: Callable, matches: Matcher, *, apply: bool) -> None:
        self.app, self.matches, self.apply = app, matches, apply
        self.victim: Callable[[], int | None] = lambda: None
        self.killed = threading.Event()
        self._lock = threading.Lock()

    def __getattr__(self, name: str):  # the sandbox's own attributes (faults, store, ...)
        return getattr(self.app, name)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self._lock:
            pid = self.victim()
            trap = pid is not None and not self.killed.is_set() and \
                self.matches(environ["REQUEST_METHOD"], environ["PATH_INFO"])
            if trap:
                self.killed.set()
        if not trap:
            return self.app(environ, start_response)
        if self.apply:
            b"".join(self.app(environ, lambda *args, **kwargs: None))
        os.kill(pid, signal.SIGKILL)
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"gone"]


@contextmanager
def served(trap: KillTrap) -> Iterator[str]:
    """The trap on loopback; yields its base URL."""
    with serve_in_thread(trap) as url:  # type: ignore[arg-type]
        yield url


def live_docs(path: Path) -> dict[str, set[int]]:
    """Every record a sandbox file holds, by collection; soft-deleted ones (``deleted``, or
    a user no longer ``active``: how Zendesk deletes users) left out."""
    with sqlite3.connect(path, timeout=5) as conn:
        rows = conn.execute("SELECT collection, id FROM docs WHERE coalesce(json_extract("
                            "doc, '$.deleted'), 0) = 0 AND coalesce(json_extract(doc, "
                            "'$.active'), 1) = 1").fetchall()
    docs: dict[str, set[int]] = {}
    for collection, doc_id in rows:
        docs.setdefault(collection, set()).add(doc_id)
    return docs
