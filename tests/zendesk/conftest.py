"""Fixtures for the Zendesk plugin tests: a seeded source and an empty target sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from zendesk_support import sandbox

from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZendeskSandbox]:
    """A source help desk with 40 tickets (shared by a module's read-only tests)."""
    app = sandbox(tmp_path_factory.mktemp("zendesk-source") / "source.sqlite", tickets=40)
    yield app
    app.store.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[ZendeskSandbox]:
    """A target account with only its owner."""
    app = sandbox(tmp_path / "target.sqlite", tickets=0, seed=2)
    yield app
    app.store.close()
