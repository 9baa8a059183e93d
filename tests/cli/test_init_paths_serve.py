"""`init` writes a config that validates, `paths` says where files are, `sandbox serve`
prints a table to paste, refuses a busy port before creating anything and serves at the
rate limit docs/cli.md gives."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cli_support import invoke

from deskmigrate.core import exits, host
from deskmigrate.core.config import load
from deskmigrate.core.served import announced

DOCS = Path(__file__).parents[2] / "docs" / "cli.md"


def test_init_writes_a_commented_config_that_validates(tmp_path, monkeypatch):
    out = tmp_path / "dm.toml"
    result = invoke(tmp_path / "s.db", "init", "zendesk", "freshdesk", "-o", str(out),
                    "--json")
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    assert written["environment"] == ["SOURCE_ZENDESK_URL", "SOURCE_ZENDESK_EMAIL",
                                      "SOURCE_ZENDESK_TOKEN", "TARGET_FRESHDESK_URL",
                                      "TARGET_FRESHDESK_API_KEY"]
    text = out.read_text()
    assert "# API key of an administrator" in text and "# add_tag = " in text
    for name in written["environment"]:
        monkeypatch.setenv(name, "https://x.example.com" if name.endswith("URL") else "v4lue")
    config = load(out)
    assert (config.source.platform, config.target.platform) == ("zendesk", "freshdesk")
    again = invoke(tmp_path / "s.db", "init", "zendesk", "freshdesk", "-o", str(out))
    assert again.exit_code == exits.ERROR and "already exists" in again.stderr
    assert out.read_text() == text
    alone = invoke(tmp_path / "s.db", "init", "zendesk")
    assert alone.exit_code == exits.USAGE and "Name both platforms" in alone.stderr


def test_init_from_served_sandboxes_gives_a_config_check_accepts(tmp_path, serve):
    source, target = serve("zendesk", 3), serve("freshdesk", 0, seed=6)
    out = tmp_path / "dm.toml"
    with announced({"platform": "zendesk", "url": source.url, "port": 1, "tickets": 3,
                    "credentials": source.credentials, "rate_limit": None}, 1), \
         announced({"platform": "freshdesk", "url": target.url, "port": 2, "tickets": 0,
                    "credentials": target.credentials, "rate_limit": None}, 2):
        result = invoke(tmp_path / "s.db", "init", "--from-sandboxes", "-o", str(out))
        assert result.exit_code == 0, result.output
        assert "(zendesk → freshdesk)" in result.stdout
        check = invoke(tmp_path / "s.db", "check", "--config", str(out))
    assert check.exit_code == 0, check.output
    assert "All checks passed." in check.stdout
    none = invoke(tmp_path / "s.db", "init", "--from-sandboxes", "-o", str(tmp_path / "x"))
    assert none.exit_code == exits.ERROR and "0 sandboxes are served" in none.stderr


def test_paths_follow_the_data_directory_and_db(tmp_path, _home):
    result = invoke(tmp_path / "elsewhere" / "s.db", "paths", "--json")
    assert result.exit_code == 0, result.output
    paths = json.loads(result.stdout)
    assert paths["data_dir"] == str(_home)
    assert paths["state_db"] == str(tmp_path / "elsewhere" / "s.db")
    assert paths["logs"] == str(tmp_path / "elsewhere" / "logs")
    assert paths["sandboxes"] == str(_home / "sandboxes")
    assert Path(paths["pricebook"]).name == "pricebook.toml"
    text = invoke(tmp_path / "s.db", "paths")
    assert re.search(r"^state database \(--db, \$DESKMIGRATE_DB\):\s+\S+s\.db$", text.stdout,
                     re.M), text.stdout


def _serve(home: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "deskmigrate", "sandbox", "serve", *args],
                            env={**os.environ, "DESKMIGRATE_HOME": str(home)}, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.mark.slow
def test_serve_prints_a_table_to_paste_at_its_documented_rate(tmp_path):
    process = _serve(tmp_path / "home", "zendesk", "--port", "0", "--tickets", "0")
    try:
        lines = []
        while not lines or lines[-1].strip() != "rate_limit = 700":
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert "rate limit 700/min" in lines[0]
    table = tomllib.loads("".join(lines[lines.index("[source]\n"):]))["source"]
    assert table["platform"] == "zendesk" and table["url"].startswith("http://127.0.0.1:")
    assert set(table) == {"platform", "url", "email", "token", "rate_limit"}


def test_serve_refuses_a_busy_port_before_creating_anything(tmp_path):
    home = tmp_path / "home"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = _serve(home, "zendesk", "--port", str(port))
        _, err = process.communicate(timeout=60)
    assert process.returncode == exits.ERROR
    assert err == f"Error: Cannot listen on 127.0.0.1:{port} (Address already in use).\n"
    assert not home.exists()


def test_the_documented_sandbox_rate_limits_are_the_sandboxes_own(tmp_path):
    docs = DOCS.read_text(encoding="utf-8")
    helps = invoke(tmp_path / "s.db", "sandbox", "serve", "--help").stdout
    for name, platform in host.platforms().items():
        limit = platform.sandbox(str(tmp_path / f"{name}.sqlite")).default_rate_limit
        assert f"| `{name}` | {limit:,} |" in docs, name
        assert f"{name} {limit}" in " ".join(helps.split()), name
