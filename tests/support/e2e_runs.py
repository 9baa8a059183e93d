"""Driving ``deskmigrate`` in real processes for end-to-end tests: SIGKILL at chosen points
of a run, then resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ENV = {**os.environ, "PYTHONUNBUFFERED": "1"}


def count(db: Path, sql: str) -> int:
    """One number from the state database (0 while it does not exist yet)."""
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def kill_and_resume(config: Path, db: Path, points: list[str]) -> tuple[int, dict]:
    """``migrate`` in a subprocess SIGKILLed when each SQL point turns true (resuming in
    between), then a last ``resume``; returns (kills, the final summary)."""
    command = [sys.executable, "-m", "deskmigrate", "--db", str(db)]
    kills = 0
    for i, point in enumerate(points):
        args = ["migrate", "--config", str(config)] if i == 0 else ["resume", "1"]
        process = subprocess.Popen([*command, *args], env=ENV, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE)
        while process.poll() is None and not count(db, point):
            time.sleep(0.005)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
    final = subprocess.run([*command, "resume", "1", "--json"], env=ENV, capture_output=True,
                           text=True)
    assert final.returncode == 0, final.stderr
    return kills, json.loads(final.stdout)
