"""What the end-to-end tests share: a loopback account as a config table, the config file,
the CLI run in-process with ``--json``, and the id map a run recorded."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from deskmigrate.cli import cli

UNTHROTTLED = 100_000  # client-side requests/minute: the test sandboxes have no limit


@dataclass
class Account:
    platform: str
    url: str
    credentials: dict[str, str]

    def toml(self, table: str) -> str:
        lines = [f"[{table}]", f'platform = "{self.platform}"', f'url = "{self.url}"',
                 f"rate_limit = {UNTHROTTLED}"]
        lines += [f'{k} = "{v}"' for k, v in self.credentials.items()]
        return "\n".join(lines) + "\n"


def write_config(path: Path, source: Account, target: Account, extra: str = "") -> Path:
    """Both accounts, billing off, then ``extra`` TOML."""
    path.write_text(source.toml("source") + target.toml("target")
                    + "[billing]\nenforce = false\n" + extra)
    return path


def cli_json(db: Path, *args: str, codes: tuple[int, ...] = (0,)) -> dict:
    """Run the CLI in-process with ``--json``; its one JSON object (``codes``: the exit
    codes expected, docs/cli.md)."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args, "--json"])
    assert result.exit_code in codes, result.output
    return json.loads(result.stdout)


def id_map(db: Path, kind: str) -> dict[str, str]:
    """Source id -> target id of ``kind`` as the run recorded them."""
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT source_id, target_id FROM id_map WHERE kind=? AND "
                                 "target_id IS NOT NULL", (kind,)).fetchall())
