"""Fixtures of the python-intercom fidelity suite: a seeded Intercom sandbox served on
loopback and python-intercom's ``Intercom`` client pointed at it with ``base_url`` and the
``Intercom-Version: 2.14`` header, as its docs do."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from intercom import Intercom

from deskmigrate.plugins.intercom.sandbox import IntercomSandbox
from deskmigrate.sandbox.server import serve_in_thread


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IntercomSandbox]:
    app = IntercomSandbox(Path(tmp_path_factory.mktemp("ic")) / "ic.sqlite")
    app.seed(tickets=24, seed=11)
    yield app


@pytest.fixture(scope="module")
def served(sandbox: IntercomSandbox) -> Iterator[str]:
    with serve_in_thread(sandbox) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def ic(sandbox: IntercomSandbox, served: str) -> Intercom:
    return Intercom(token=sandbox.credentials()["token"], base_url=served,
                    headers={"Intercom-Version": "2.14"})
