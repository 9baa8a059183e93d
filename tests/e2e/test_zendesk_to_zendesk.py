"""Zendesk → Zendesk over loopback HTTP, read back through the target's API and compared
ticket by ticket and comment by comment."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
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


def _count(db, sql):
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # the state database does not exist yet
        return 0


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
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "state.db"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "deskmigrate", "--db", str(db)]
    kills = 0
    for i, point in enumerate(KILL_POINTS):
        args = ["migrate", "--config", str(config)] if i == 0 else ["resume", "1"]
        process = subprocess.Popen([*command, *args], env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        while process.poll() is None and not _count(db, point):
            time.sleep(0.005)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    assert kills >= 2, "the run finished before the kill points were reached"
    final = subprocess.run([*command, "resume", "1", "--json"], env=env, capture_output=True,
                           text=True)
    assert final.returncode == 0, final.stderr
    result = json.loads(final.stdout)
    assert result["status"] == "completed"
    assert result["records"]["ticket"]["migrated"] == SOURCE_TICKETS
    assert_same_help_desk(source, target)  # nothing missing, nothing twice
    billed = _count(db, "SELECT count(*) FROM meter_events WHERE record_type='ticket'")
    assert billed == SOURCE_TICKETS
