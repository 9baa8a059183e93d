"""The Freshdesk sandbox on loopback, driven by python-freshdesk exactly as its README does:
``API('acme.freshdesk.com', key)``. The client builds ``https://acme.freshdesk.com/api/v2/``
URLs; a requests transport adapter mounted on its session for that origin carries them to
the sandbox (the way requests lets any program route an origin), with no change to the
client or to our code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from freshdesk.v2.api import API
from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

from deskmigrate.core.sandbox.server import serve_in_thread
from deskmigrate.plugins.freshdesk.sandbox import FreshdeskSandbox

DOMAIN = "acme.freshdesk.com"


class Loopback(HTTPAdapter):
    """Sends requests for ``https://DOMAIN`` to the sandbox's loopback address."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.netloc = urlsplit(base_url).netloc

    def send(self, request: PreparedRequest, **kwargs: object) -> Response:  # type: ignore[override]
        parts = urlsplit(request.url or "")
        request.url = urlunsplit(("http", self.netloc, parts.path, parts.query, ""))
        return super().send(request, **kwargs)  # type: ignore[arg-type]


def client(base_url: str, api_key: str) -> API:
    api = API(DOMAIN, api_key)
    api._session.mount(f"https://{DOMAIN}/", Loopback(base_url))
    return api


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
