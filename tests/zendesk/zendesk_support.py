"""Helpers of the Zendesk plugin tests: sandboxes, connections, a plain API client and a
minimal in-memory WriteContext (an id map)."""

from __future__ import annotations

from pathlib import Path

import httpx

from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Connection, WriteContext, WriteResult
from deskmigrate.core.records import Record
from deskmigrate.plugins.zendesk.platform import KINDS, ZendeskPlatform
from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox
from deskmigrate.plugins.zendesk.source import ZendeskSource
from deskmigrate.plugins.zendesk.target import ZendeskTarget

URL = "http://127.0.0.1"
UNLIMITED = 1_000_000  # requests a minute: no client-side throttling in tests
PLATFORM = ZendeskPlatform()


class Recording(httpx.BaseTransport):
    """A transport that notes the path of every request it passes on."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return self.inner.handle_request(request)


def sandbox(path: Path, *, tickets: int, seed: int = 11, **options: object) -> ZendeskSandbox:
    app = PLATFORM.sandbox(str(path))
    app.seed(tickets=tickets, seed=seed, **options)  # type: ignore[arg-type]
    return app


def api_client(app: ZendeskSandbox, base_url: str = URL) -> httpx.Client:
    """A plain httpx client with the sandbox's credentials (as a third-party client)."""
    creds = app.credentials()
    return httpx.Client(transport=app.transport(), base_url=base_url,
                        auth=httpx.BasicAuth(f"{creds['email']}/token", creds["token"]))


def connection(app: ZendeskSandbox) -> Connection:
    return connect(PLATFORM, URL, app.credentials(), transport=app.transport(),
                   rate_per_minute=UNLIMITED)


class MapContext(WriteContext):
    """The engine's id map, in memory."""

    migration_id = 1
    run_id = 1

    def __init__(self, default_agent: str) -> None:
        self.ids: dict[tuple[str, str], str] = {}
        self.default_agent = default_agent
        self.warnings: list[tuple[str, str]] = []
        self.doubtful: set[tuple[str, str]] = set()  # what a crash left uncertain

    def uncertain(self, kind: str, source_id: str) -> bool:
        return (kind, source_id) in self.doubtful

    def target_id(self, kind: str, source_id: str | None) -> str | None:
        return self.ids.get((kind, source_id)) if source_id is not None else None

    def known(self, kind: str, source_id: str) -> bool:
        return (kind, source_id) in self.ids

    def user(self, source_id: str | None, *, agent: bool = False) -> str | None:
        found = self.target_id("agent", source_id) or self.target_id("contact", source_id)
        return found or (self.default_agent if agent else None)

    def external_id(self, kind: str, source_id: str) -> str:
        return f"deskmigrate-{self.migration_id}-{kind}-{source_id}"

    def warn(self, source_id: str, message: str) -> None:
        self.warnings.append((source_id, message))

    def record(self, kind: str, records: list[Record], results: list[WriteResult]) -> None:
        """Keep what a write created, like the engine does."""
        for record, result in zip(records, results, strict=True):
            if result.target_id:
                self.ids[(kind, record.source_id)] = result.target_id
            for child in result.children:
                self.ids[(child.kind, child.source_id)] = child.target_id or ""


def real_comments(app: ZendeskSandbox) -> int:
    """Comments in the store (side-conversation audits share the collection)."""
    return app.store.count("comments", "json_extract(doc, '$._audit_only') IS NULL")


def migrate(source: ZendeskSource, target: ZendeskTarget, ctx: MapContext,
            kinds: tuple[str, ...] = KINDS) -> dict[str, list[str]]:
    """Copy every kind in dependency order, like the engine; returns errors per kind."""
    errors: dict[str, list[str]] = {}
    for kind in kinds:
        records = list(source.read(kind))
        size = target.batch_size(kind)
        for start in range(0, len(records), size):
            batch = records[start:start + size]
            results = target.write(kind, batch, ctx)
            ctx.record(kind, batch, results)
            errors.setdefault(kind, []).extend(r.error for r in results if r.error)
    return errors
