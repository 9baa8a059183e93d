"""SIGKILL between a Freshdesk ticket and its first note (the target itself pulls the
trigger when that note arrives, so the point is exact under any load), then `rollback`
without a resume: the half-written ticket is removed with everything else the run made."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest
from e2e_runs import ENV
from fd_e2e_support import TICKETS, ZENDESK_SEED, Account, write_config
from kill_trap import KillTrap, live_docs, served

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread


def _a_note(method: str, path: str) -> bool:
    return method == "POST" and path.endswith("/notes")


def live_tickets(app) -> set[int]:
    return {t["id"] for t in app.store.query("tickets") if not t.get("deleted")}


@pytest.mark.slow
def test_killed_between_a_ticket_and_its_notes_rollback_still_removes_it(
        tmp_path: Path, seeded_files) -> None:
    shutil.copy(seeded_files["zendesk"], tmp_path / "source.sqlite")
    source_app = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=TICKETS,
                              seed=ZENDESK_SEED)
    target_app = open_sandbox("freshdesk", tmp_path / "target.sqlite", tickets=0, seed=0)
    before, everything = live_tickets(target_app), live_docs(tmp_path / "target.sqlite")
    trap = KillTrap(target_app, _a_note, apply=False)  # the ticket exists, its notes do not
    with ExitStack() as stack:
        source_url = stack.enter_context(serve_in_thread(source_app))
        target = Account("freshdesk", stack.enter_context(served(trap)),
                         target_app.credentials())
        config = write_config(tmp_path / "c.toml", Account("zendesk", source_url,
                                                          source_app.credentials()), target)
        db = tmp_path / "state.db"
        command = [sys.executable, "-m", "deskmigrate", "--db", str(db)]
        process = subprocess.Popen([*command, "migrate", "--config", str(config)], env=ENV,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                   text=True)
        trap.victim = lambda: process.pid
        _, err = process.communicate(timeout=600)
        assert trap.killed.is_set() and process.returncode == -signal.SIGKILL, err
        assert live_tickets(target_app) - before  # the half-written ticket is there

        rolled = subprocess.run([*command, "rollback", "1", "--yes"], env=ENV,
                                capture_output=True, text=True, timeout=300)
        assert rolled.returncode == 0, rolled.stderr
        assert live_tickets(target_app) == before
        assert live_docs(tmp_path / "target.sqlite") == everything
