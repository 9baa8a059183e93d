"""A record kind deskmigrate does not know, added by a plugin on the live plugin manager
(``register_kinds``) with the platform that reads and writes it, migrated end to end by the
CLI between two loopback sandboxes: written after the people it references, read back
record by record, metered, then rolled back."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from deskmigrate import hookimpl
from deskmigrate.cli import cli
from deskmigrate.core import host
from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Platform, WriteContext, WriteResult
from deskmigrate.core.kinds import KindSpec
from deskmigrate.core.records import USER, Record
from deskmigrate.core.sandboxes import IN_PROCESS_RATE
from deskmigrate.core.state import StateStore
from deskmigrate.sandbox import serve_in_thread

MACROS = 3


@dataclass(kw_only=True)
class Macro(Record):
    """A canned reply, written by a contact: the new kind."""

    kind: ClassVar[str] = "macro"
    title: str
    body: str
    author_id: str | None = None

    def links(self) -> Iterator[tuple[str, str]]:
        if self.author_id:
            yield USER, self.author_id


def macro_platform(acme: Any) -> Platform:
    """The scaffold's Acme platform, taught to read and write macros."""
    kinds = (*acme.platform.KINDS, "macro")

    class Sandbox(acme.sandbox.AcmeSandbox):
        collections = (*acme.sandbox.AcmeSandbox.collections, "macros")

        def seed(self, *, tickets: int, seed: int, attachments: bool = True) -> None:
            super().seed(tickets=tickets, seed=seed, attachments=attachments)
            for n, contact in enumerate(self.store.query("contacts", order="id")[:MACROS]):
                self.store.insert("macros", {"title": f"Macro {n}", "body": f"<p>Reply {n}</p>",
                                             "author_id": contact["id"],
                                             "updated_at": "2025-01-01T00:00:00Z"})

    class Source(acme.source.AcmeSource):
        def count(self) -> dict[str, int]:
            return {**super().count(),
                    "macro": int(self.http.get_json("api/macros/count")["count"])}

        @staticmethod
        def record(kind: str, row: dict[str, Any]) -> Record:
            if kind != "macro":
                return acme.source.AcmeSource.record(kind, row)
            return Macro(source_id=str(row["id"]), title=row["title"], body=row["body"],
                         author_id=str(row["author_id"]) if row.get("author_id") else None)

    class Target(acme.target.AcmeTarget):
        def _write(self, kind: str, record: Record, ctx: WriteContext) -> WriteResult:
            if not isinstance(record, Macro):
                return super()._write(kind, record, ctx)
            author = ctx.user(record.author_id)
            created = self.http.request("POST", "api/macros", json={
                "title": record.title, "body": record.body, "external_id":
                ctx.external_id(kind, record.source_id),
                "author_id": int(author) if author else None}).json()
            return WriteResult(source_id=record.source_id, target_id=str(created["id"]))

    Source.kinds = Target.kinds = kinds
    capabilities = dataclasses.replace(acme.platform.AcmePlatform.capabilities,
                                       source_kinds=kinds, target_kinds=kinds)
    return type("MacroAcme", (acme.platform.AcmePlatform,), {
        "capabilities": capabilities,
        "source": lambda self, connection: Source(connection),
        "target": lambda self, connection: Target(connection),
        "sandbox": lambda self, db_path, **kw: Sandbox(db_path, **kw)})()


class MacroPlugin:
    """What a third-party package's entry point would register."""

    def __init__(self, platform: Platform) -> None:
        self.platform = platform

    @hookimpl
    def register_kinds(self, register: Callable[[KindSpec], None]) -> None:
        register(KindSpec("macro", Macro, order=65, references=("contact",)))

    @hookimpl
    def register_platforms(self, register: Callable[[Platform], None]) -> None:
        register(self.platform)


@pytest.fixture
def live_plugin(acme):
    platform = macro_platform(acme)
    pm = host.plugin_manager()
    pm.register(MacroPlugin(platform), name="test-macros")
    try:
        yield platform
    finally:
        pm.unregister(name="test-macros")


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
