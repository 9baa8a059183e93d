"""Each platform's own attachment path (Zendesk, Freshdesk, Jira SM, Intercom), read through
its real source from its sandbox behind a hostile loopback proxy: attachment URLs moved to
another origin, redirected there, or answered with an endless body. A second loopback
listener proves nothing reaches the other origin; the platform's attachment hosts get no
credentials; every download stops at the cap."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.wrappers import Request, Response

from deskmigrate.core.connect import connect
from deskmigrate.core.errors import ApiError, TooLarge
from deskmigrate.core.host import platform
from deskmigrate.core.records import Attachment
from deskmigrate.core.sandboxes import open_sandbox
from deskmigrate.sandbox import serve_in_thread

# Where each sandbox serves attachment bytes (its platform's file URLs).
FILE_PATHS = {
    "zendesk": re.compile(r"^/attachments/token/"),
    "freshdesk": re.compile(r"^/(data/helpdesk/attachments/|inline/attachment)"),
    "jira_sm": re.compile(r"^/rest/api/3/attachment/content/"),
    "intercom": re.compile(r"^/downloads/"),
}
ACCOUNTS = {"zendesk": "https://acme.zendesk.com", "freshdesk": "https://acme.freshdesk.com",
            "jira_sm": "https://acme.atlassian.net", "intercom": "https://api.intercom.io"}
CAP = 64 * 1024  # bytes: the download limit set for the endless-body case
CHUNK = b"x" * 4096
ENDLESS = 10_000  # chunks (40 MB): more than loopback buffers hold, so a reader that
#                   stops at the cap leaves the answer unfinished


class Proxy:
    """The sandbox behind a proxy whose ``mode`` decides what its file URLs do: "own"
    (served as they are), "moved" (bodies point them at ``other``), "redirect" (a 302 to
    ``other``), "endless" (a body that never ends, no Content-Length)."""

    def __init__(self, app: Any, files: re.Pattern[str]) -> None:
        self.app, self.files = app, files
        self.mode, self.own, self.other = "own", "", ""
        self.file_requests: list[dict[str, str]] = []
        self.sent: list[int] = []  # chunks of each endless answer handed to the server

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ["PATH_INFO"]
        if self.files.match(path):
            self.file_requests.append({"auth": environ.get("HTTP_AUTHORIZATION", "")})
            if self.mode == "redirect":
                start_response("302 Found", [("Location", self.other + path)])
                return [b""]
            if self.mode == "endless":
                start_response("200 OK", [("Content-Type", "application/octet-stream")])
                return self.endless()
        if self.mode != "moved":
            return self.app(environ, start_response)
        answer: list[Any] = []
        body = b"".join(self.app(environ, lambda *a: answer.extend(a)))
        for moved in {self.own.encode(), self.own.replace("/", "\\/").encode()}:
            body = re.sub(re.escape(moved) + rb"(?=(\\?/)(data|inline|attachments|rest|downl))",
                          self.other.replace("/", "\\/" if b"\\/" in moved else "/").encode(),
                          body)
        headers = [(k, v) for k, v in answer[1] if k.lower() != "content-length"]
        start_response(answer[0], headers)
        return [body]

    def endless(self) -> Iterator[bytes]:
        self.sent.append(0)
        for _ in range(ENDLESS):
            self.sent[-1] += 1
            yield CHUNK


@pytest.fixture
def other() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """Another origin on loopback that records the headers of every request it gets."""
    got: list[dict[str, str]] = []

    @Request.application
    def app(request: Request) -> Response:
        got.append(dict(request.headers))
        return Response(b"stolen")

    with serve_in_thread(app) as url:
        yield url, got


def read_files(name: str, url: str, credentials: dict[str, str], limit: int | None = None
               ) -> tuple[list[bytes | Exception], list[str]]:
    """Every ticket attachment the source gives, fetched (bytes or the error), and the
    warnings of attachments the source left out itself."""
    conn = connect(platform(name), url, credentials, rate_per_minute=100_000)
    if limit:
        conn.http.max_download_bytes = limit
    source = platform(name).source(conn)
    results: list[bytes | Exception] = []
    warnings: list[str] = []
    try:
        for ticket in source.read("ticket"):
            warnings += getattr(ticket, "warnings", [])
            for comment in getattr(ticket, "comments", []):
                warnings += getattr(comment, "warnings", [])
                for item in comment.attachments:
                    results.append(fetched(item))
    finally:
        source.close()
        conn.http.close()
    return results, warnings


def fetched(item: Attachment) -> bytes | Exception:
    try:
        return item.fetch()
    except ApiError as exc:
        return exc


@pytest.mark.parametrize("name", sorted(FILE_PATHS))
def test_attachment_paths_send_nothing_to_another_origin(name: str, tmp_path: Path,
                                                         other) -> None:
    other_url, other_got = other
    app = open_sandbox(name, tmp_path / f"{name}.sqlite", tickets=4, seed=3)
    proxy = Proxy(app, FILE_PATHS[name])
    with serve_in_thread(proxy) as own:
        proxy.own, proxy.other = own, other_url
        files, _ = read_files(name, own, app.credentials())
        assert files and all(isinstance(f, bytes) and f for f in files), files
        assert all(r["auth"] for r in proxy.file_requests)  # the account's own origin

        for mode in ("moved", "redirect"):
            proxy.mode = mode
            files, warnings = read_files(name, own, app.credentials())
            refused = [f for f in files if isinstance(f, ApiError)] + [
                w for w in warnings if "Refusing" in w or "not" in w]
            assert refused, (mode, files, warnings)  # the hostile URLs were met, and refused
            assert not any(isinstance(f, bytes) for f in files), (mode, files)

        proxy.mode = "endless"
        files, warnings = read_files(name, own, app.credentials(), limit=CAP)
        assert [f for f in files if isinstance(f, TooLarge)] or any(
            "larger than" in w for w in warnings), (files, warnings)
        assert not any(isinstance(f, bytes) for f in files), files
        assert proxy.sent and max(proxy.sent) < ENDLESS  # every download stopped reading
    assert other_got == []  # not one request, with credentials or without


@pytest.mark.parametrize("name", sorted(ACCOUNTS))
def test_the_platforms_attachment_hosts_get_no_credentials(name: str) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"file")

    plugin = platform(name)
    options = plugin.http_options(ACCOUNTS[name])
    hosts = options.allowed_hosts
    assert hosts, f"{name} names the hosts its attachments come from"
    secrets = {f.name: f"{f.name}-S3cret-4{name}" for f in plugin.config_fields
               if f.name != "url"}
    conn = connect(plugin, ACCOUNTS[name], secrets, transport=httpx.MockTransport(handler))
    conn.http.download(f"{ACCOUNTS[name]}/files/1")
    for host in hosts[:3]:
        conn.http.download(f"https://{host}/files/1")
    conn.http.close()
    own, *files = seen
    assert own.headers.get("authorization")
    for request in files:
        required = request.url.host in options.credentialed_hosts
        assert bool(request.headers.get("authorization")) == required, request.url
