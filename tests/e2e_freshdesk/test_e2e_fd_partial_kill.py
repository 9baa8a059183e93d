"""SIGKILL between a Freshdesk ticket and its first note (the target itself pulls the
trigger when that note arrives, so the point is exact under any load), then `rollback`
without a resume: the half-written ticket is removed with everything else the run made."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fd_e2e_support import TICKETS, ZENDESK_SEED
from kill_trap import killed_migration, live_docs, rollback

from deskmigrate.core.sandboxes import open_sandbox


def _a_note(method: str, path: str) -> bool:
    return method == "POST" and path.endswith("/notes")


TRASHED_WITH_TICKETS = ("attachments", "conversations", "emails")


def _records_of(docs: dict[str, set[int]]) -> dict[str, set[int]]:
    return {k: v for k, v in docs.items() if k not in TRASHED_WITH_TICKETS}


def _records(path: Path) -> dict[str, set[int]]:
    return _records_of(live_docs(path))


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
    # the ticket exists, its notes do not
    with killed_migration(tmp_path, source_app, target_app, _a_note,
                          apply=False) as command:
        assert live_tickets(target_app) - before  # the half-written ticket is there
        rollback(command)
        assert live_tickets(target_app) == before
        # A ticket deleted to Freshdesk's trash keeps its conversations and their files.
        assert _records(tmp_path / "target.sqlite") == _records_of(everything)
