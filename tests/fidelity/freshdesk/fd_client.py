"""The Freshdesk sandbox on loopback, driven by python-freshdesk exactly as its README does:
``API('acme.freshdesk.com', key)``. The client builds ``https://acme.freshdesk.com/api/v2/``
URLs; a requests transport adapter mounted on its session for that origin carries them to
the sandbox (the way requests lets any program route an origin), with no change to the
client or to our code."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from freshdesk.v2.api import API
from requests import PreparedRequest, Response
from requests.adapters import HTTPAdapter

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
