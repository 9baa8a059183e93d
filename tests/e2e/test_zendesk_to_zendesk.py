"""Zendesk → Zendesk over loopback HTTP, read back through the target's API and compared
ticket by ticket and comment by comment."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from e2e_runs import count, kill_and_resume
from e2e_support import SOURCE_TICKETS, write_config
from zendesk_api import snapshot

from deskmigrate.cli import cli


def migrate(config, db, *args):
    result = CliRunner().invoke(cli, ["--db", str(db), "migrate", "--config", str(config),
                                      "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def assert_same_help_desk(source, target):
    expected = snapshot(source.url, source.credentials)
    actual = snapshot(target.url, target.credentials, key="external_id")
    assert sorted(actual) == sorted(expected)
    for ticket_id, ticket in expected.items():
        assert actual[ticket_id] == ticket, f"ticket {ticket_id} differs"
    return expected


def test_full_migration_keeps_every_ticket_and_comment(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    result = migrate(write_config(tmp_path / "c.toml", source, target), tmp_path / "s.db")
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["migrated"] == SOURCE_TICKETS
    assert result["records"]["ticket"]["failed"] == 0
    tickets = assert_same_help_desk(source, target)
    comments = [c for t in tickets.values() for c in t["comments"]]
    assert len(tickets) >= 200 and len(comments) >= 1000
    assert sum(len(c["attachments"]) for c in comments) > 50
    assert any("<img" in c["body"] for c in comments)
    assert any(not c["public"] for c in comments)


def test_faults_on_both_sides_still_give_an_exact_copy(tmp_path, zendesk_pair):
    source, target = zendesk_pair(faults=0.05)
    result = migrate(write_config(tmp_path / "c.toml", source, target), tmp_path / "s.db")
    injected = sum(source.app.faults.injected.values()) + sum(target.app.faults.injected.values())
    source.calm()
    target.calm()
    assert injected > 50  # the run really went through 429s, 500s and dropped connections
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["failed"] == 0
    assert_same_help_desk(source, target)


KILL_POINTS = [
    # while contacts are being written
    "SELECT count(*) FROM outcomes WHERE kind='contact' AND status='migrated'",
    # a ticket import batch is in flight (its outcome unknown)
    "SELECT count(*) FROM outcomes WHERE kind='ticket' AND status='pending'",
    # after the first ticket batch landed
    "SELECT count(*) >= 100 FROM outcomes WHERE kind='ticket' AND status='migrated'",
]


@pytest.mark.slow
def test_sigkill_at_several_points_then_resume_gives_the_same_target(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    db = tmp_path / "state.db"
    kills, result = kill_and_resume(write_config(tmp_path / "c.toml", source, target), db,
                                    KILL_POINTS)
    assert kills >= 2, "the run finished before the kill points were reached"
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["migrated"] == SOURCE_TICKETS
    assert_same_help_desk(source, target)  # nothing missing, nothing twice
    billed = count(db, "SELECT count(*) FROM meter_events WHERE record_type='ticket'")
    assert billed == SOURCE_TICKETS
