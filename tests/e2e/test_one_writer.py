"""One writer per migration, many readers: while a migration runs, four processes loop over
`status`, `runs`, `billing quote`, `billing reconcile` and `report` on its state database,
and a second `migrate` and a `resume` of the same migration are refused. Killed, the run
reads as interrupted, `pause` says so, and `resume` finishes it with nothing twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
from e2e_runs import ENV, count
from e2e_support import SOURCE_TICKETS, write_config
from zendesk_api import snapshot

READER = """
import sys, traceback
from pathlib import Path
from click.testing import CliRunner
from deskmigrate.cli import cli
db, stop = sys.argv[1], Path(sys.argv[2])
commands = [["status", "1"], ["runs"], ["billing", "quote", "1"],
            ["billing", "reconcile", "1"], ["report", "1"]]
loops = 0
while not stop.exists() or loops < 2:
    for args in commands:
        result = CliRunner().invoke(cli, ["--db", db, *args])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            traceback.print_exception(result.exception)
            sys.exit(1)
        if "database is locked" in result.output:
            print(result.output, file=sys.stderr)
            sys.exit(1)
    loops += 1
print(loops)
"""


def deskmigrate(db, *args):
    return subprocess.run([sys.executable, "-m", "deskmigrate", "--db", str(db), *args],
                          env=ENV, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_one_writer_many_readers_then_kill_and_resume(tmp_path, zendesk_pair):
    source, target = zendesk_pair(rate_limit=300)  # slow enough to be caught mid-run
    config = write_config(tmp_path / "c.toml", source, target)
    db, stop = tmp_path / "state.db", tmp_path / "stop"
    first = subprocess.Popen([sys.executable, "-m", "deskmigrate", "--db", str(db), "migrate",
                              "--config", str(config)], env=ENV, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    while first.poll() is None and not count(db, "SELECT count(*) FROM outcomes"):
        time.sleep(0.01)
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], env=ENV,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(4)]

    second = deskmigrate(db, "migrate", "--config", str(config))
    again = deskmigrate(db, "resume", "1")
    stop.touch()
    for reader in readers:
        out, err = reader.communicate(timeout=300)
        assert reader.returncode == 0, err
    assert first.poll() is None, "the run finished before it could be caught running"
    first.send_signal(signal.SIGKILL)
    first.wait()
    target.app.limiter.limit = None  # the rest at full speed

    for refused in (second, again):
        assert refused.returncode != 0
        assert "Traceback" not in refused.stderr
        assert "still running" in refused.stderr and len(refused.stderr.splitlines()) == 1
    runs = json.loads(deskmigrate(db, "runs", "--json").stdout)["runs"]
    assert [(r["run_id"], r["status"]) for r in runs] == [(1, "interrupted")]
    status = json.loads(deskmigrate(db, "status", "1", "--json").stdout)
    assert "deskmigrate resume 1" in status["error"]
    paused = deskmigrate(db, "pause", "1")
    assert paused.returncode != 0 and "interrupted" in paused.stderr
    assert "will pause" not in paused.stdout

    resumed = deskmigrate(db, "resume", "1", "--json")
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["status"] == "completed"
    tickets = snapshot(target.url, target.credentials, key="external_id")
    assert len(tickets) == SOURCE_TICKETS  # nothing written twice by the refused ones
    assert count(db, "SELECT count(*) FROM meter_events WHERE record_type='ticket'") == \
        SOURCE_TICKETS
