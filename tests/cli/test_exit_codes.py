"""Honest results: the exit code says how a run ended (docs/cli.md), the summary says what
to run next, and under --json an error is a JSON object too."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from cli_support import invoke, next_command, posts, refusing
from e2e_runs import count

from deskmigrate.core import exits
from deskmigrate.core.state import StateStore


def tickets_refused(app):
    return refusing(app, "422 Unprocessable Entity",
                    lambda env: posts(env) and "tickets" in env["PATH_INFO"])


def test_a_run_whose_tickets_all_fail_is_not_a_success(tmp_path, config):
    db = tmp_path / "s.db"
    result = invoke(db, "migrate", "--config", str(config(wrap=tickets_refused)))
    assert result.exit_code == exits.FAILURES, result.output
    assert "ticket       total      3  migrated      0" in result.stdout
    assert next_command(result.stdout) == "deskmigrate report 1 --format html -o run-1.html"
    status = invoke(db, "status", "1", "--json")
    assert status.exit_code == exits.FAILURES
    summary = json.loads(status.stdout)
    assert summary["status"] == "completed" and summary["records"]["ticket"]["failed"] == 3
    assert summary["next"] == ["deskmigrate report 1 --format html -o run-1.html",
                               "deskmigrate retry 1", "deskmigrate verify 1",
                               "deskmigrate delta 1"]


def test_a_clean_run_exits_0_and_status_follows_the_run(tmp_path, config):
    db = tmp_path / "s.db"
    done = invoke(db, "migrate", "--config", str(config()), "--json")
    assert done.exit_code == exits.OK, done.output
    assert json.loads(done.stdout)["next"] == ["deskmigrate verify 1", "deskmigrate delta 1"]
    state = StateStore(db)
    for status, code, then in (
            ("paused", exits.PAUSED, "deskmigrate resume 1"),
            ("waiting", exits.WAITING, "deskmigrate status 1"),
            ("running", exits.RUNNING, "deskmigrate status 1"),
            ("completed", exits.OK, "deskmigrate verify 1"),
            ("rolled_back", exits.OK, "deskmigrate runs")):
        state.set_status(1, status)
        shown = invoke(db, "status", "1")
        assert shown.exit_code == code, status
        assert next_command(shown.stdout) == then, status
    state.set_status(1, "running")
    state.interrupt(1, "killed")
    interrupted = invoke(db, "status", "1")
    assert interrupted.exit_code == exits.INTERRUPTED
    assert next_command(interrupted.stdout) == "deskmigrate resume 1"


def test_a_run_the_target_stops_is_interrupted_and_says_resume(tmp_path, config):
    def revoked(app):  # the token loses its rights once the run has started writing
        return refusing(app, "401 Unauthorized", posts)
    db = tmp_path / "s.db"
    result = invoke(db, "migrate", "--config", str(config(wrap=revoked)))
    assert result.exit_code == exits.INTERRUPTED, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and errors[0].startswith("Error: zendesk refused"), result.stderr
    assert errors[0].endswith("run 1 is interrupted, and `deskmigrate resume 1` carries on "
                              "once that is fixed.")  # progress lines come before it
    assert StateStore(db).run(1)["status"] == "interrupted"


def test_a_run_the_plan_refuses_exits_7_and_writes_nothing(tmp_path, config):
    db = tmp_path / "s.db"
    result = invoke(db, "migrate", "--config", str(config(billing=True)))
    assert result.exit_code == exits.REFUSED, result.output
    assert result.stderr.startswith("Error: ") and "paid invoice" in result.stderr
    assert StateStore(db).runs() == []


def test_errors_are_json_under_json(tmp_path):
    db = tmp_path / "s.db"
    result = invoke(db, "status", "42", "--json")
    assert result.exit_code == exits.ERROR
    assert json.loads(result.stdout) == {"error": "There is no run 42.",
                                         "exit_code": exits.ERROR}
    assert result.stderr == ""
    usage = invoke(db, "report", "x", "--json")
    assert usage.exit_code == exits.USAGE
    assert "RUN" in json.loads(usage.stdout)["error"]


def test_a_demo_of_ones_own_accounts_ends_with_its_order(tmp_path, config):
    db, path = tmp_path / "s.db", config()
    demo = invoke(db, "demo", "--config", str(path))
    assert demo.exit_code == exits.OK, demo.output
    assert next_command(demo.stdout) == "deskmigrate billing invoice 1"
    status = json.loads(invoke(db, "status", "1", "--json").stdout)
    assert status["next"] == ["deskmigrate billing invoice 1",
                              f"deskmigrate migrate --config {path}"]


def test_only_status_says_waiting_a_waiting_migrate_keeps_running(tmp_path, config):
    """Exit code 5 comes from `status`: `migrate` outside its windows keeps running (it
    waits in its own process) and ends like any run — here paused from outside, exit 4."""
    db, path = tmp_path / "s.db", config()
    opens = datetime.now(UTC) + timedelta(hours=6)  # shut now, for hours
    window = f"{opens:%a %H:%M}-{opens + timedelta(hours=1):%a %H:%M}".lower()
    migrate = subprocess.Popen(
        [sys.executable, "-m", "deskmigrate", "--db", str(db), "migrate", "--config",
         str(path), "--window", window, "--timezone", "UTC"],
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        waiting = None
        for _ in range(6000):  # at most a minute on a loaded machine
            if migrate.poll() is not None:
                break
            if count(db, "SELECT count(*) FROM runs WHERE id=1 AND status='waiting'"):
                waiting = invoke(db, "status", "1")
                break
            time.sleep(0.01)
        assert waiting is not None, migrate.communicate(timeout=5)
        assert waiting.exit_code == exits.WAITING
        assert next_command(waiting.stdout) == "deskmigrate status 1"
        assert migrate.poll() is None  # the migrate command itself is still running
        assert invoke(db, "pause", "1").exit_code == exits.OK
        out, err = migrate.communicate(timeout=60)
    finally:
        if migrate.poll() is None:
            migrate.kill()
    assert migrate.returncode == exits.PAUSED, err
    assert "is outside its windows; it waits until" in err
    assert next_command(out) == "deskmigrate resume 1"
    assert invoke(db, "status", "1").exit_code == exits.PAUSED
