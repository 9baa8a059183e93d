"""A record kind deskmigrate does not know (``macro``), added by a plugin with the platform
that reads and writes it: the scaffold's Acme package taught macros. Shared by the
conformance test that migrates it and the billing test that prices it."""

from __future__ import annotations

import dataclasses
import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

from deskmigrate import hookimpl
from deskmigrate.core import host
from deskmigrate.core.connector import Platform, WriteContext, WriteResult
from deskmigrate.core.kinds import KindSpec
from deskmigrate.core.records import USER, Record
from deskmigrate.scaffold import new_plugin

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


@contextmanager
def scaffolded_acme(folder: Path) -> Iterator[SimpleNamespace]:
    """The scaffold's package generated in ``folder``, importable as ``deskmigrate_acme``
    while the block runs."""
    src = new_plugin("acme", folder) / "src"
    sys.path.insert(0, str(src))
    try:
        modules = {name: importlib.import_module(f"deskmigrate_acme.{name}")
                   for name in ("platform", "source", "target", "sandbox")}
        yield SimpleNamespace(**modules, package=importlib.import_module("deskmigrate_acme"))
    finally:
        sys.path.remove(str(src))
        for name in [m for m in sys.modules if m.startswith("deskmigrate_acme")]:
            del sys.modules[name]


@contextmanager
def live_macros(acme: Any) -> Iterator[Platform]:
    """The macro platform, its plugin registered on the live plugin manager meanwhile."""
    platform = macro_platform(acme)
    pm = host.plugin_manager()
    pm.register(MacroPlugin(platform), name="test-macros")
    try:
        yield platform
    finally:
        pm.unregister(name="test-macros")
