"""The Zendesk sandbox served on loopback, and zenpy — a client nobody here wrote — pointed at
it the way zenpy's own test set-up does (``ZENPY_FORCE_NETLOC`` / ``ZENPY_FORCE_SCHEME``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from zenpy import Zenpy

from deskmigrate.plugins.zendesk.sandbox import ZendeskSandbox
from deskmigrate.sandbox.server import serve_in_thread


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZendeskSandbox]:
    """A small help desk (8 tickets, Help Center) with Zendesk's rate limit on."""
    app = ZendeskSandbox(Path(tmp_path_factory.mktemp("zenpy")) / "zendesk.sqlite",
                         rate_limit=700)
    app.seed(tickets=8, seed=5)
    yield app
    app.store.close()


@pytest.fixture(scope="module")
def zenpy(sandbox: ZendeskSandbox) -> Iterator[Zenpy]:
    creds = sandbox.credentials()
    with serve_in_thread(sandbox) as url, pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZENPY_FORCE_NETLOC", url.removeprefix("http://"))
        patch.setenv("ZENPY_FORCE_SCHEME", "http")
        client = Zenpy(subdomain="acme", email=creds["email"], token=creds["token"])
        client.disable_caching()  # every read goes to the sandbox, none to zenpy's cache
        yield client
