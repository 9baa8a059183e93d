"""A record kind deskmigrate does not know, added by a plugin on the live plugin manager
(``register_kinds``) with the platform that reads and writes it, migrated end to end by the
CLI between two loopback sandboxes: written after the people it references, read back
record by record, metered, then rolled back."""

from __future__ import annotations

import json
import sqlite3
from contextlib import ExitStack
from typing import Any

import pytest
from click.testing import CliRunner
from plugin_kind import MACROS, Macro, live_macros

from deskmigrate.cli import cli
from deskmigrate.core import host
from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Platform
from deskmigrate.core.records import Record
from deskmigrate.core.sandboxes import IN_PROCESS_RATE
from deskmigrate.core.state import StateStore
from deskmigrate.sandbox import serve_in_thread


@pytest.fixture
def live_plugin(acme):
    with live_macros(acme) as platform:
        yield platform


def read_back(platform: Platform, app: Any, kind: str) -> dict[str, Record]:
    connection = connect(platform, "http://127.0.0.1:1", app.credentials(),
                         transport=app.transport(), rate_per_minute=IN_PROCESS_RATE)
    return {r.source_id: r for r in platform.source(connection).read(kind)}


def test_a_plugin_kind_migrates_end_to_end(live_plugin, tmp_path):
    assert host.kinds()["macro"].references == ("contact",)
    source_app = live_plugin.sandbox(str(tmp_path / "source.sqlite"))
    source_app.seed(tickets=4, seed=3)
    target_app = live_plugin.sandbox(str(tmp_path / "target.sqlite"))
    target_app.seed(tickets=0, seed=3)
    db, config = tmp_path / "state.sqlite", tmp_path / "migration.toml"
    runner = CliRunner()
    with ExitStack() as stack:
        urls = [stack.enter_context(serve_in_thread(app)) for app in (source_app, target_app)]
        config.write_text("".join(
            f'[{side}]\nplatform = "acme"\nurl = "{url}"\ntoken = "{app.credentials()["token"]}"\n'
            for side, url, app in zip(("source", "target"), urls, (source_app, target_app),
                                      strict=True)) + "[billing]\nenforce = false\n")
        result = runner.invoke(cli, ["--db", str(db), "migrate", "--config", str(config),
                                     "--json"])
        assert result.exit_code == 0, result.output
        summary = json.loads(result.output)
        assert summary["records"]["macro"] == {"total": MACROS, "migrated": MACROS,
                                               "skipped": 0, "failed": 0}

        # Read back through the target's API: every macro, its author the migrated contact.
        state = StateStore(db)
        migration = state.runs()[-1]["migration_id"]
        macros, contacts = (state.id_map(migration, k) for k in ("macro", "contact"))
        original = read_back(live_plugin, source_app, "macro")
        copies = read_back(live_plugin, target_app, "macro")
        assert len(original) == len(copies) == MACROS
        for source_id, macro in original.items():
            copy = copies[str(macros[source_id])]
            assert isinstance(macro, Macro) and isinstance(copy, Macro)
            assert (copy.title, copy.body) == (macro.title, macro.body)
            assert copy.author_id == contacts[str(macro.author_id)]
        with sqlite3.connect(db) as conn:  # billable by default: one meter event each
            assert conn.execute("SELECT count(*) FROM meter_events WHERE record_type='macro' "
                                "AND billable=1").fetchone()[0] == MACROS

        result = runner.invoke(cli, ["--db", str(db), "rollback", str(summary["run_id"]),
                                     "--yes"])
        assert result.exit_code == 0, result.output
        assert read_back(live_plugin, target_app, "macro") == {}
        assert read_back(live_plugin, target_app, "contact") == {}
