"""Helpers of the Freshdesk tests: an in-memory WriteContext and a raw API client."""

from __future__ import annotations

from collections import defaultdict

import httpx

from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Connection, WriteContext, WriteResult
from deskmigrate.core.records import Record
from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox

FAST = 1_000_000  # client-side requests per minute: tests never wait on the budget


def open_connection(platform: FreshdeskPlatform, app: FreshdeskSandbox,
                    settings: dict | None = None, url: str = "http://127.0.0.1"
                    ) -> Connection:
    """A connection through the host's HttpClient (in-process unless ``url`` is served)."""
    transport = app.transport() if url == "http://127.0.0.1" else None
    return connect(platform, url, app.credentials(), transport=transport,
                   rate_per_minute=FAST, settings=settings)


class MemoryContext(WriteContext):
    """An id map in a dict; ``default_agent`` stands in for unknown agents."""

    migration_id = 1
    run_id = 1

    def __init__(self, default_agent: str | None = None) -> None:
        self.ids: dict[str, dict[str, str | None]] = defaultdict(dict)
        self.default_agent = default_agent
        self.warnings: dict[str, list[str]] = defaultdict(list)
        self.people: dict[str, Record] = {}  # the source's people, by source id

    def remember(self, kind: str, results: list[WriteResult]) -> None:
        for result in results:
            if result.target_id is not None:
                self.ids[kind][result.source_id] = result.target_id
            for child in result.children:  # known even without a target id, as the engine
                self.ids[child.kind][child.source_id] = child.target_id

    def target_id(self, kind: str, source_id: str | None) -> str | None:
        return None if source_id is None else self.ids[kind].get(source_id)

    def known(self, kind: str, source_id: str) -> bool:
        return source_id in self.ids[kind]

    def user(self, source_id: str | None, *, agent: bool = False) -> str | None:
        found = self.ids["agent"].get(source_id or "") or self.ids["contact"].get(
            source_id or "")
        return found or (self.default_agent if agent else None)

    def person(self, source_id: str | None) -> Record | None:
        return self.people.get(source_id or "")

    def external_id(self, kind: str, source_id: str) -> str:
        return f"deskmigrate-1-{kind}-{source_id}"

    def warn(self, source_id: str, message: str) -> None:
        self.warnings[source_id].append(message)


def client(app: FreshdeskSandbox, api_key: str | None = None) -> httpx.Client:
    """A plain httpx client on the sandbox, as any Freshdesk API user would write one."""
    key = app.credentials()["api_key"] if api_key is None else api_key
    return httpx.Client(transport=app.transport(), base_url="http://127.0.0.1/api/v2",
                        auth=(key, "X"))
