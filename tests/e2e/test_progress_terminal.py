"""On a terminal, ``deskmigrate demo`` draws rich bars on stderr: per record type the
count done of the total, %, records a second, elapsed time and ETA."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest
from e2e_support import write_config

ENV = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "160", "TERM": "xterm"}


def read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


@pytest.mark.slow
def test_progress_bars_on_a_terminal(tmp_path, zendesk_pair):
    source, target = zendesk_pair()
    config = write_config(tmp_path / "c.toml", source, target)
    master, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "deskmigrate", "--db", str(tmp_path / "s.db"), "demo",
         "--config", str(config), "--seed", "2"],
        stdout=subprocess.PIPE, stderr=terminal, env=ENV)
    os.close(terminal)
    screen = read_all(master).decode(errors="replace")
    os.close(master)
    out = process.communicate(timeout=180)[0].decode()
    assert process.returncode == 0, screen
    assert "\x1b[" in screen  # drawn for a terminal, not plain lines
    assert "progress ticket:" not in screen
    ticket_rows = [line for line in screen.splitlines() if "ticket " in line]
    assert ticket_rows
    last = ticket_rows[-1]
    for part in ("20/20", "100%", "/s", "elapsed 0:", "ETA 0:00:00"):
        assert part in last, last
    assert "Run 1 (demo, zendesk → zendesk): completed" in out
