"""A run SIGKILLed right after the target applied a create request whose answer it never
read, then rolled back straight away (never resumed): rollback looks those records up and
deletes everything the run created, and nothing else (not the organization of the same
name that was in the target before)."""

from __future__ import annotations

import shutil

import pytest
from e2e_support import SOURCE_SEED, SOURCE_TICKETS
from kill_trap import killed_migration, live_docs, rollback
from zendesk_reader import client

from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread


def _organizations_created(method: str, path: str) -> bool:
    return method == "POST" and path.endswith("/organizations/create_many.json")


@pytest.mark.slow
def test_rollback_of_a_killed_run_deletes_what_its_lost_answers_created(
        tmp_path, seeded_source_file):
    shutil.copy(seeded_source_file, tmp_path / "source.sqlite")
    source = open_sandbox("zendesk", tmp_path / "source.sqlite", tickets=SOURCE_TICKETS,
                          seed=SOURCE_SEED)
    target = open_sandbox("zendesk", tmp_path / "target.sqlite", tickets=0, seed=0)
    # An organization that was in the target before, of the same name as one migrated:
    # matched by the lost create_many, never the run's to delete.
    name = source.store.query("organizations", order="id", limit=1)[0]["name"]
    with serve_in_thread(target) as url, client(url, target.credentials()) as http:
        http.post("/api/v2/organizations.json",
                  json={"organization": {"name": name}}).raise_for_status()
    before = live_docs(tmp_path / "target.sqlite")
    with killed_migration(tmp_path, source, target, _organizations_created,
                          apply=True) as command:
        made = live_docs(tmp_path / "target.sqlite")
        assert len(made["organizations"] - before["organizations"]) >= 2  # answers lost
        assert rollback(command)["status"] == "rolled_back"
        assert live_docs(tmp_path / "target.sqlite") == before
