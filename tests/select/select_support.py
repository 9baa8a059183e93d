"""Shared by the [select] tests: a seeded Zendesk source read independently (plain httpx),
an empty Zendesk target per test, and the CLI run in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from e2e_accounts import Account, write_config
from zendesk_reader import client, export_tickets, pages

from deskmigrate.cli import cli
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

TICKETS = 30
SEED = 7


@dataclass
class Desk:
    """A Zendesk account on loopback and what its API says it holds."""

    account: Account

    def tickets(self) -> list[dict[str, Any]]:
        with client(self.account.url, self.account.credentials) as http:
            return export_tickets(http)

    def end_users(self) -> dict[int, str]:
        with client(self.account.url, self.account.credentials) as http:
            return {u["id"]: u["email"] for u in pages(http, "/api/v2/users.json?role=end-user",
                                                       "users")}


@contextmanager
def desk(path: Path, tickets: int, seed: int) -> Iterator[Desk]:
    app = open_sandbox("zendesk", path, tickets=tickets, seed=seed)
    with serve_in_thread(app) as url:
        yield Desk(Account("zendesk", url, app.credentials()))


def run_cli(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def migrate(tmp_path: Path, source: Desk, target: Desk, select: str = "", *flags: str,
            command: str = "migrate", extra: str = "") -> dict[str, Any]:
    """``deskmigrate migrate`` (or ``demo``) with ``[select]`` TOML and CLI flags; its JSON."""
    config = write_config(tmp_path / "c.toml", source.account, target.account,
                          extra + (f"[select]\n{select}\n" if select else ""))
    result = run_cli(tmp_path / "state.sqlite", command, "--config", str(config), *flags,
                     "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def key(ticket: dict[str, Any]) -> tuple[str, str]:
    """A ticket as both sides know it: Zendesk's import keeps subject and created time."""
    return (ticket["subject"], ticket["created_at"])
