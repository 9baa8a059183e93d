"""Issue 5 end to end, Zendesk → Zendesk over loopback: delta after real activity in the
source, a killed delta, pause and resume from another process, a window that opens during
the run, rollback and re-migration."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from e2e_accounts import cli_json
from e2e_support import SOURCE_TICKETS, write_config
from kill_trap import KillTrap
from zendesk_api import client, pages, snapshot

from deskmigrate.cli import cli
from deskmigrate.core import exits
from deskmigrate.plugins.zendesk.sandbox.activity import simulate

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def activity(account, new, updated, seed=4):
    with client(account.url, account.credentials) as http:
        return simulate(http, new=new, updated=updated, seed=seed)


def same_tickets(source, target, since=None):
    """Source and target agree ticket by ticket; comments written by a delta after
    ``since`` keep everything but their time (Zendesk sets it when a comment is added)."""
    expected = snapshot(source.url, source.credentials)
    actual = snapshot(target.url, target.credentials, key="external_id")
    assert sorted(actual) == sorted(expected)
    for ticket_id, ticket in expected.items():
        for theirs, ours in zip(actual[ticket_id]["comments"], ticket["comments"], strict=False):
            if since and ours["created_at"] >= since:
                theirs["created_at"] = ours["created_at"]
        assert actual[ticket_id] == ticket, f"ticket {ticket_id} differs"
    return expected


def test_delta_carries_new_tickets_and_comments_once_then_nothing(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "s.db"
    full = cli_json(db, "migrate", "--config", str(config))
    assert full["status"] == "completed"
    since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    assert activity(source, new=7, updated=9) == {"tickets created": 7, "tickets updated": 9}

    delta = cli_json(db, "delta", str(full["run_id"]))
    assert delta["status"] == "completed" and delta["mode"] == "delta"
    assert delta["records"]["ticket"]["migrated"] == 16
    assert delta["records"]["ticket"]["failed"] == 0
    tickets = same_tickets(source, target, since)
    assert len(tickets) == SOURCE_TICKETS + 7
    assert sum("followed-up" in t["tags"] for t in tickets.values()) == 9

    again = cli_json(db, "delta", str(full["run_id"]))
    assert again["status"] == "completed"
    assert all(row["migrated"] == 0 for row in again["records"].values())
    assert again["requests"]["target_writes"] == 0
    assert again["requests"]["target"] == 0  # nothing changed: the target is not even asked
    # A delta's requests are in proportion to what changed, not to the help desk.
    assert delta["requests"]["target"] < full["requests"]["target"] * 0.5


def _wait_for(predicate, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None and not predicate():
        time.sleep(0.01)
    return predicate()


def _tickets_done(db, run):
    import sqlite3
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM outcomes WHERE run_id=? AND kind='ticket' "
                                "AND status!='pending'", [run]).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def _ticket_updates(method: str, path: str) -> bool:
    return method == "PUT" and path.endswith("/tickets/update_many.json")


@pytest.mark.slow
def test_a_killed_delta_resumes_to_the_same_result(tmp_path, zendesk_pair):
    """The target itself SIGKILLs the delta when its bulk update of the changed tickets
    arrives, after applying it (the new comments are in, their answer is lost): an exact
    point under any load, where a kill polled from here could miss a delta that finished
    first. The resumed delta finds what landed and writes nothing twice."""
    traps: list[KillTrap] = []

    def trapped(app):
        traps.append(KillTrap(app, _ticket_updates, apply=True))
        return traps[0]

    source, target = zendesk_pair(wrap=trapped)
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "s.db"
    full = cli_json(db, "migrate", "--config", str(config))  # the trap has no victim yet
    since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    activity(source, new=10, updated=60)
    command = [sys.executable, "-m", "deskmigrate", "--db", str(db)]
    process = subprocess.Popen([*command, "delta", str(full["run_id"])], env=ENV,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    traps[0].victim = lambda: process.pid
    _, err = process.communicate(timeout=600)
    assert traps[0].killed.is_set() and process.returncode == -signal.SIGKILL, err
    resumed = cli_json(db, "resume", str(full["run_id"] + 1))
    assert resumed["status"] == "completed"
    assert resumed["records"]["ticket"]["migrated"] == 70
    same_tickets(source, target, since)  # every new comment once


@pytest.mark.slow
def test_pause_from_another_process_then_resume(tmp_path, zendesk_pair):
    source, target = zendesk_pair(rate_limit=1500)
    config = write_config(tmp_path / "c.toml", source, target, "[run]\nconcurrency = 2\n")
    db = tmp_path / "s.db"
    command = [sys.executable, "-m", "deskmigrate", "--db", str(db)]
    process = subprocess.Popen([*command, "migrate", "--config", str(config)], env=ENV,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert _wait_for(lambda: _tickets_done(db, 1) >= 1 or _contacts(db), process)
    asked = time.monotonic()
    pause = subprocess.run([*command, "pause", "1"], env=ENV, capture_output=True, text=True)
    assert pause.returncode == 0, pause.stderr
    assert "will pause at its next safe point" in pause.stdout
    _, err = process.communicate(timeout=60)
    assert time.monotonic() - asked < 30
    assert process.returncode == exits.PAUSED
    assert "Run 1 paused at a safe point; `deskmigrate resume 1` carries on." in err
    status = cli_json(db, "status", "1", codes=(exits.PAUSED,))
    assert status["status"] == "paused" and status["next"] == ["deskmigrate resume 1"]
    resumed = cli_json(db, "resume", "1")
    assert resumed["status"] == "completed"
    same_tickets(source, target)


def _contacts(db):
    import sqlite3
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM outcomes WHERE kind='contact'"
                                ).fetchone()[0] >= 5
    except sqlite3.OperationalError:
        return False


@pytest.mark.slow
def _migrate_in_a_window(config, db, lead: float):
    """Run migrate with a window opening ``lead`` seconds from now; (window opening, process)."""
    opens = datetime.now(UTC) + timedelta(seconds=lead)
    closes = opens + timedelta(hours=2)
    window = f"{opens:%a %H:%M:%S}-{closes:%a %H:%M:%S}".lower()
    command = [sys.executable, "-m", "deskmigrate", "--db", str(db), "--log-format", "json",
               "migrate", "--config", str(config), "--window", window, "--timezone", "UTC",
               "--json"]
    return opens, subprocess.run(command, env={**ENV, "DESKMIGRATE_PROGRESS_INTERVAL": "0.2"},
                                 capture_output=True, text=True, timeout=180 + lead)


def test_a_window_that_opens_during_the_run(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    config = write_config(tmp_path / "c.toml", source, target)
    # The run must reach its first batch before the window opens. On a loaded machine a
    # process can take longer than the first lead to start: then its window was already
    # open (it never waited, which proves nothing), and the test gives it a longer lead.
    # On the last lead every assertion below holds or the test fails.
    for attempt, lead in enumerate((12, 45, 120)):
        db = tmp_path / f"s{attempt}.db"
        started = datetime.now(UTC)
        opens, finished = _migrate_in_a_window(config, db, lead)
        assert finished.returncode == 0, finished.stderr
        if "is outside its windows" in finished.stderr or lead == 120:
            break
        assert finished.stdout and json.loads(finished.stdout)["status"] == "completed"
        assert datetime.now(UTC) - started > timedelta(seconds=lead - 1), "never waited"
        cli_json(db, "rollback", str(json.loads(finished.stdout)["run_id"]), "--yes")
    assert "is outside its windows; it waits until" in finished.stderr
    waits = [json.loads(line) for line in finished.stderr.splitlines()
             if '"run.waiting"' in line]  # the progress display says it, and for how long
    assert waits and waits[0]["waiting"].startswith("waiting for its next window, which "
                                                    "opens ")
    assert "a window opened; carrying on." in finished.stderr
    assert json.loads(finished.stdout)["status"] == "completed"
    import sqlite3
    with sqlite3.connect(db) as conn:
        first = conn.execute("SELECT min(updated_at) FROM outcomes").fetchone()[0]
    assert datetime.fromisoformat(first) >= opens.replace(microsecond=0)
    same_tickets(source, target)


def _inventory(account):
    with client(account.url, account.credentials) as http:
        return {key: sorted(r["id"] for r in pages(http, f"/api/v2/{key}.json", key))
                for key in ("tickets", "users", "organizations", "groups")}


def test_rollback_after_full_and_delta_restores_the_target(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    before = _inventory(target)
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "s.db"
    full = cli_json(db, "migrate", "--config", str(config))
    activity(source, new=3, updated=4)
    delta = cli_json(db, "delta", str(full["run_id"]))
    assert _inventory(target)["tickets"] != before["tickets"]
    for run in (delta["run_id"], full["run_id"]):
        result = CliRunner().invoke(cli, ["--db", str(db), "rollback", str(run), "--yes"])
        assert result.exit_code == 0, result.output
        assert f"Run {run} rolled back" in result.output
    assert _inventory(target) == before
    again = CliRunner().invoke(cli, ["--db", str(db), "rollback", str(full["run_id"]), "--yes"])
    assert again.exit_code == 0 and "0 records deleted" in again.output


def test_remigration_replaces_what_the_full_run_created(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "s.db"
    full = cli_json(db, "migrate", "--config", str(config))
    first_ids = set(_inventory(target)["tickets"])
    again = cli_json(db, "migrate", "--config", str(config), "--again", str(full["run_id"]))
    assert again["mode"] == "remigrate" and again["status"] == "completed"
    assert again["records"]["ticket"]["migrated"] == SOURCE_TICKETS
    assert not first_ids & set(_inventory(target)["tickets"])
    same_tickets(source, target)


def test_delta_needs_a_completed_full_run(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    config = write_config(tmp_path / "c.toml", source, target)
    db = tmp_path / "s.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "demo", "--config", str(config),
                                      "--seed", "1", "--json"])
    assert result.exit_code == 0, result.output
    refused = CliRunner().invoke(cli, ["--db", str(db), "delta", "1"])
    assert refused.exit_code != 0
    assert refused.output.strip() == ("Error: Run 1 is a completed demo run; a delta needs a "
                                      "completed full run.")
