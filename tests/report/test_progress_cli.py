"""Progress and logs through the CLI: plain lines per kind off a terminal, JSON events with
``--log-format json``, a JSON-lines log file per run with no credential in it, the
rate-limit hold said; and the board and rich bars themselves."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from deskmigrate.core import host
from deskmigrate.core.progress import Board, KindProgress, display
from deskmigrate.core.sandboxes import builtin_demo

FAST = {"DESKMIGRATE_PROGRESS_INTERVAL": "0.05"}


def test_plain_progress_lines_per_kind_off_a_terminal(demo):
    run = demo(env=FAST)
    lines = [line for line in run.stderr.splitlines() if line.startswith("progress ")]
    last = {line.split(":")[0].removeprefix("progress "): line for line in lines}
    records = run.result["records"]
    assert last["ticket"].startswith("progress ticket: 20/20 (100%), ")  # the 20-ticket sample
    assert "elapsed 0:00:" in last["ticket"] and "ETA 0:00:00" in last["ticket"]
    for kind, row in records.items():  # every kind ends on its count
        done = row["migrated"] + row["skipped"] + row["failed"]
        assert f"progress {kind}: {done}/" in last[kind]
    assert "Run " in run.stdout  # the summary still goes to stdout


def test_json_log_format_prints_progress_events_and_json_summary(demo):
    run = demo("--log-format", "json", "--json", env=FAST)
    json.loads(run.stdout)  # stdout stays one JSON object
    events = [json.loads(line) for line in run.stderr.splitlines()]
    names = {e["event"] for e in events}
    assert {"run.started", "run.progress", "run.kind", "run.finished"} <= names
    tickets = [e for e in events if e["event"] == "run.progress" and e["kind"] == "ticket"]
    assert tickets[-1]["done"] == tickets[-1]["total"] == 20
    assert tickets[-1]["percent"] == 100.0 and tickets[-1]["eta_s"] == 0
    assert all(e["level"] and e["timestamp"] for e in events)


def test_a_log_file_per_run_without_credentials(demo):
    first = demo("-v")
    second = demo("-v")
    logs = first.db.parent / "logs"
    assert sorted(p.name for p in logs.iterdir()) == ["run-1.log", "run-2.log"]
    for run in (first, second):
        events = [json.loads(line) for line in
                  (logs / f"run-{run.run_id}.log").read_text().splitlines()]
        assert events[0]["event"] == "run.started" and events[0]["run_id"] == run.run_id
        assert events[-1]["event"] == "run.finished"
        assert events[-1]["records"] == run.result["records"]
    config, _ = builtin_demo(host.plugin_manager())
    secrets = [v for side in (config.source, config.target) for k, v in
               side.credentials.items() if k in ("token", "api_key", "password")]
    assert secrets
    text = "".join(p.read_text() for p in logs.iterdir()) + first.stderr + second.stderr
    assert all(secret not in text for secret in secrets)


def test_a_rate_limit_hold_is_logged_and_shown(demo):
    run = demo("--log-format", "json", throttle=1, env=FAST)
    held = [json.loads(line) for line in run.stderr.splitlines()
            if '"http.rate_limited"' in line]
    assert [(e["platform"], e["wait_s"]) for e in held] == [("freshdesk", 3.0)]
    assert run.result["status"] == "completed"
    # the display, polling every 0.05 s, said it during the 3 s hold (from 3 s left to 1 s)
    waits = [json.loads(line)["waiting"] for line in run.stderr.splitlines()
             if '"run.waiting"' in line]
    assert waits and all(w.startswith("waiting on the target's rate limit: 0:00:0")
                         for w in waits)
    log = (run.db.parent / "logs" / f"run-{run.run_id}.log").read_text()
    assert '"http.rate_limited"' in log


def test_the_board_says_what_the_run_waits_on():
    now = [100.0]
    board = Board(clock=lambda: now[0])
    board("ticket", 0, 2000)
    now[0] = 108.0
    board("ticket", 120, None)  # a total once known is kept
    kind = board.kinds()[0]
    assert kind == KindProgress("ticket", 120, 2000, 100.0, 108.0)
    assert kind.line() == "ticket: 120/2000 (6%), 15.0/s, elapsed 0:00:08, ETA 0:02:05"
    assert board.waiting() is None
    hold = [42.4]
    board.watch("the target's rate limit", lambda: hold[0])
    assert board.waiting() == "waiting on the target's rate limit: 0:00:42 left"
    hold[0] = 0.2  # ordinary pacing is not worth saying
    assert board.waiting() is None
    board.wait(datetime.now(UTC) + timedelta(hours=2))
    assert board.waiting().startswith("waiting for its next window, which opens ")
    assert "(in 1:59:5" in board.waiting() or "(in 2:00:00)" in board.waiting()
    board.wait(None)
    assert board.waiting() is None


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_rich_bars_show_count_percent_rate_eta_and_the_wait():
    screen = Terminal()
    with display(True, stream=screen) as board:
        assert board is not None
        board.watch("the target's rate limit", lambda: 30.0)
        board("ticket", 5, 20)
        board("ticket", 20, 20)
    text = screen.getvalue()
    for part in ("ticket", "20/20", "100%", "/s", "ETA", "waiting on the target's rate "
                 "limit: 0:00:30 left"):
        assert part in text
