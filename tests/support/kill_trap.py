"""A target that SIGKILLs the migrating process itself at an exact request, so the point
of the kill does not depend on timing or load: the request is applied first (the record
exists, its answer is lost) or never (what came before it exists, it does not)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from e2e_accounts import Account, write_config
from e2e_runs import ENV

from deskmigrate.sandbox import SandboxApp, serve_in_thread

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


@contextmanager
def killed_migration(tmp_path: Path, source: SandboxApp, target: SandboxApp,
                     matches: Matcher, *, apply: bool) -> Iterator[list[str]]:
    """``migrate`` from ``source`` to ``target`` (its :class:`KillTrap` set by ``matches``
    and ``apply``) in a subprocess, SIGKILLed by the target; yields the command line that
    reaches the run's state (``deskmigrate --db ...``) while both are still served."""
    trap = KillTrap(target, matches, apply=apply)
    with ExitStack() as stack:
        accounts = [Account(source.platform, stack.enter_context(serve_in_thread(source)),
                            source.credentials()),
                    Account(target.platform, stack.enter_context(served(trap)),
                            target.credentials())]
        config = write_config(tmp_path / "c.toml", *accounts)
        command = [sys.executable, "-m", "deskmigrate", "--db", str(tmp_path / "state.db")]
        process = subprocess.Popen([*command, "migrate", "--config", str(config)], env=ENV,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True)
        trap.victim = lambda: process.pid
        _, err = process.communicate(timeout=600)
        assert trap.killed.is_set() and process.returncode == -signal.SIGKILL, err
        yield command


def rollback(command: list[str]) -> dict:
    """``deskmigrate rollback 1`` with no resume; its JSON summary (exit 0 asserted)."""
    rolled = subprocess.run([*command, "rollback", "1", "--yes", "--json"], env=ENV,
                            capture_output=True, text=True, timeout=300)
    assert rolled.returncode == 0, rolled.stderr
    return json.loads(rolled.stdout)


def half_written(db: Path) -> int:
    """Tickets the killed run recorded as created in part (``ctx.created``: pending, with
    the target id their first request got)."""
    with sqlite3.connect(db, timeout=5) as conn:
        return conn.execute("SELECT count(*) FROM outcomes WHERE kind='ticket' AND "
                            "status='pending' AND target_id IS NOT NULL").fetchone()[0]


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
