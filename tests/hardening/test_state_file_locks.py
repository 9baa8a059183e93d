"""Checking a state database this process already has open must not drop its SQLite locks:
another process would then take the write-ahead log for unused and remove it, commits and
all (a killed delta's run vanished from the database; elsewhere "disk I/O error")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from deskmigrate.core.paths import open_state
from deskmigrate.core.state_schema import SCHEMA_VERSION
from deskmigrate.core.statefile import check_state_file

OPEN_AND_CLOSE = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                  "c.execute('SELECT count(*) FROM runs').fetchall(); c.close()")


def test_the_log_outlives_another_process_after_a_check(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    state = open_state(path)
    migration = state.migration_for("zendesk", "https://a.example", "zendesk",
                                    "https://b.example")
    state.start_run(migration, "full", config={}, options={})
    wal = Path(f"{path}-wal")
    assert wal.exists()  # this process holds it open
    check_state_file(path, SCHEMA_VERSION)  # as a second open_state in this process does
    subprocess.run([sys.executable, "-c", OPEN_AND_CLOSE, str(path)], check=True)
    assert wal.exists(), "another process removed the log this process still writes to"
    assert [r["id"] for r in state.runs()] == [1]
