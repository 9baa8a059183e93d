"""Fixtures of the Freshdesk tests: sandboxes in tmp_path, connections, a fake WriteContext."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fd_support import MemoryContext

from deskmigrate.plugins.freshdesk import FreshdeskPlatform
from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox


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


@pytest.fixture
def ctx() -> Iterator[MemoryContext]:
    yield MemoryContext()
