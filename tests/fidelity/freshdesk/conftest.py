"""Fixtures of the python-freshdesk fidelity suite: a seeded sandbox served on loopback
and a python-freshdesk ``API`` pointed at it (see ``fd_client.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fd_client import client
from freshdesk.v2.api import API

from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox
from deskmigrate.sandbox.server import serve_in_thread


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshdeskSandbox]:
    app = FreshdeskSandbox(Path(tmp_path_factory.mktemp("fd")) / "fd.sqlite")
    app.seed(tickets=24, seed=11)
    yield app


@pytest.fixture(scope="module")
def served(sandbox: FreshdeskSandbox) -> Iterator[str]:
    with serve_in_thread(sandbox) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def fd(sandbox: FreshdeskSandbox, served: str) -> API:
    return client(served, sandbox.credentials()["api_key"])
