"""`sandbox serve` for benchmarks: `--latency` and `--export-rate-limit` are taken (the
latter by Zendesk only, one sentence otherwise) and, with `--json`, Ctrl-C prints what each
rate-limit minute counted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from deskmigrate.core import exits


def _serve(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "deskmigrate", "sandbox", "serve", *args],
                            env={**os.environ, "DESKMIGRATE_HOME": str(home)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.slow
def test_ctrl_c_prints_the_requests_each_minute_counted(tmp_path):
    process = _serve(tmp_path / "home", "zendesk", "--port", "0", "--tickets", "0", "--json",
                     "--latency", "1", "--export-rate-limit", "30")
    try:
        info = json.loads(process.stdout.readline())
        auth = (f"{info['credentials']['email']}/token", info["credentials"]["token"])
        with httpx.Client(base_url=info["url"], auth=auth) as http:
            me = http.get("/api/v2/users/me.json")
            export = http.get("/api/v2/incremental/tickets/cursor.json?start_time=0")
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=30)
    assert me.status_code == 200 and export.status_code == 200
    assert export.headers["Zendesk-RateLimit-incremental-exports"].startswith("total=30;")
    stopped = json.loads(out.strip().splitlines()[-1])
    assert stopped["stopped"] is True and sum(stopped["windows"].values()) == 2


def test_the_export_limit_is_a_zendesk_option(tmp_path):
    process = _serve(tmp_path / "home", "freshdesk", "--port", "0", "--tickets", "0",
                     "--export-rate-limit", "5")
    _, err = process.communicate(timeout=60)
    assert process.returncode == exits.ERROR
    assert err == ("Error: --export-rate-limit is a zendesk option; the freshdesk sandbox "
                   "has no export limit.\n")
