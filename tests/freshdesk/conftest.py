"""Fixtures of the Freshdesk tests: sandboxes in tmp_path, connections, a fake WriteContext."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fd_support import MemoryContext

from deskmigrate.core.connect import connect
from deskmigrate.core.connector import Connection
from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox

FAST = 1_000_000  # client-side requests per minute: tests never wait on the budget


@pytest.fixture
def platform() -> FreshdeskPlatform:
    return FreshdeskPlatform()


@pytest.fixture
def seeded(tmp_path: Path) -> FreshdeskSandbox:
    app = FreshdeskSandbox(tmp_path / "source.sqlite")
    app.seed(tickets=40, seed=5)
    return app


@pytest.fixture
def empty(tmp_path: Path) -> FreshdeskSandbox:
    return FreshdeskSandbox(tmp_path / "target.sqlite")


def open_connection(platform: FreshdeskPlatform, app: FreshdeskSandbox,
                    settings: dict | None = None) -> Connection:
    return connect(platform, "http://127.0.0.1", app.credentials(), transport=app.transport(),
                   rate_per_minute=FAST, settings=settings)


@pytest.fixture
def ctx() -> Iterator[MemoryContext]:
    yield MemoryContext()
