"""SIGKILL between a Freshdesk ticket and its first note (the target itself pulls the
trigger when that note arrives, so the point is exact under any load), then `rollback`
without a resume: the half-written ticket is removed with everything else the run made."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path

import pytest
from e2e_runs import ENV
from fd_e2e_support import TICKETS, ZENDESK_SEED, Account, write_config
from werkzeug.serving import make_server

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread


class KillOnFirstNote:
    """The target's WSGI app, which SIGKILLs the migrating process when the first note
    arrives (the ticket it belongs to exists; its notes do not) and never answers it."""

    def __init__(self, app: Callable, victim: Callable[[], int | None]) -> None:
        self.app, self.victim, self.killed = app, victim, threading.Event()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/notes"):
            pid = self.victim()
            if pid is not None and not self.killed.is_set():
                self.killed.set()
                os.kill(pid, signal.SIGKILL)
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"gone"]
        return self.app(environ, start_response)


def live_tickets(app) -> set[int]:
    return {t["id"] for t in app.store.query("tickets") if not t.get("deleted")}


@pytest.mark.slow
def test_killed_between_a_ticket_and_its_notes_rollback_still_removes_it(
        tmp_path: Path, seeded_files) -> None:
    shutil.copy(seeded_files["zendesk"], tmp_path / "source.sqlite")
    source_app = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=TICKETS,
                              seed=ZENDESK_SEED)
    target_app = open_sandbox("freshdesk", tmp_path / "target.sqlite", tickets=0, seed=0)
    before = live_tickets(target_app)
    process: subprocess.Popen[str] | None = None
    trap = KillOnFirstNote(target_app, lambda: process.pid if process else None)
    with ExitStack() as stack:
        source_url = stack.enter_context(serve_in_thread(source_app))
        server = make_server("127.0.0.1", 0, trap, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        stack.callback(server.shutdown)
        target = Account("freshdesk", f"http://127.0.0.1:{server.server_port}",
                         target_app.credentials())
        config = write_config(tmp_path / "c.toml", Account("zendesk", source_url,
                                                          source_app.credentials()), target)
        db = tmp_path / "state.db"
        command = [sys.executable, "-m", "deskmigrate", "--db", str(db)]
        process = subprocess.Popen([*command, "migrate", "--config", str(config)], env=ENV,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True)
        _, err = process.communicate(timeout=600)
        assert trap.killed.is_set() and process.returncode == -signal.SIGKILL, err
        assert live_tickets(target_app) - before  # the half-written ticket is there

        rolled = subprocess.run([*command, "rollback", "1", "--yes"], env=ENV,
                                capture_output=True, text=True, timeout=300)
        assert rolled.returncode == 0, rolled.stderr
        assert live_tickets(target_app) == before
