"""``order = "express"``: open and recent tickets reach the target first, unsolved ones
newest first, then the history — proven by the order the target created them in (its ids
grow with each ticket it creates)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner
from e2e_accounts import write_config
from select_support import Desk, key, migrate

from deskmigrate.cli import cli
from deskmigrate.core import host
from deskmigrate.core import runner as rn
from deskmigrate.core.config import load
from deskmigrate.core.state import StateStore

UNSOLVED = ("new", "open", "pending", "hold")


def when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_express_order_is_the_targets_creation_order(tmp_path, source: Desk, target: Desk
                                                     ) -> None:
    tickets = source.tickets()
    now = datetime.now(UTC)
    solved = sorted((t for t in tickets if t["status"] not in UNSOLVED),
                    key=lambda t: t["updated_at"])
    # "recent" reaches back to just before the latest solved ticket's update: it and the
    # unsolved tickets form the express phase
    days = math.ceil((now - when(solved[-1]["updated_at"])).total_seconds() / 86400)
    assert when(solved[-2]["updated_at"]) < now - timedelta(days=days)  # it alone
    unsolved = sorted((t for t in tickets if t["status"] in UNSOLVED),
                      key=lambda t: t["created_at"], reverse=True)
    express = [key(t) for t in unsolved] + [key(solved[-1])]

    result = migrate(tmp_path, source, target,
                     f'order = "express"\nrecent_days = {days}',
                     extra="[run]\nconcurrency = 1\n")
    assert result["phases"] == {"express": len(express), "history": len(tickets) - len(express)}

    created = [key(t) for t in sorted(target.tickets(), key=lambda t: t["id"])]
    assert created[:len(express)] == express
    assert set(created[len(express):]) == {key(t) for t in tickets} - set(express)

    report = CliRunner().invoke(cli, ["--db", str(tmp_path / "state.sqlite"), "report", "1",
                                      "--format", "html"])
    assert f"{len(express)} open and recent tickets first" in report.stdout


def test_progress_names_both_phases(tmp_path, source: Desk, target: Desk) -> None:
    """The progress display is told which phase each count belongs to."""
    config = write_config(tmp_path / "c.toml", source.account, target.account,
                          '[select]\norder = "express"\n')
    seen: list[tuple[str, int]] = []
    result = rn.start_run(load(config), "full", state=StateStore(tmp_path / "s.sqlite"),
                          pm=host.plugin_manager(), launch=rn.Launch(
                              progress=lambda kind, done, total: seen.append((kind, done))))
    express, history = result["phases"]["express"], result["phases"]["history"]
    assert max(n for k, n in seen if k == "ticket express") == express
    assert max(n for k, n in seen if k == "ticket history") == history
    assert express + history == 30
