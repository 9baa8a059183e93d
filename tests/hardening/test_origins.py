"""Credentials go only to the account's exact origin; attachment hosts get none; every
redirect hop is checked before it is followed; downloads stream with a size cap; every
encoding of a secret is redacted."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import httpx
import pytest
from werkzeug.wrappers import Request, Response

from deskmigrate.core import logs
from deskmigrate.core.config import parse
from deskmigrate.core.connect import connect
from deskmigrate.core.errors import ApiError, ConfigError, TooLarge
from deskmigrate.core.host import platform
from deskmigrate.core.http import HttpClient, check_url
from deskmigrate.sandbox import serve_in_thread

SECRET = "hard3n-Secret/+token"
BASE = "http://127.0.0.1:8001"


def client(handler, **kwargs) -> HttpClient:
    return HttpClient(BASE, platform="zendesk", auth=("me@example.com/token", SECRET),
                      transport=httpx.MockTransport(handler), rate_per_minute=100_000,
                      max_attempts=1, **kwargs)


def recorder() -> tuple[list[httpx.Request], object]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/hop":
            return httpx.Response(302, headers={"location": request.url.params["to"]})
        return httpx.Response(200, content=b"file-bytes")
    return seen, handler


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8002/a.png",  # same host, another port
    "https://127.0.0.1:8001/a.png",  # same host and port, another scheme
    "http://127.0.0.2:8001/a.png",  # another loopback address
    "http://localhost:8001/a.png",  # the same machine by another name
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://evil.example.com/a.png",  # a foreign host
    "file:///etc/passwd",
    "http://me:pw@127.0.0.1:8001/a.png",  # credentials in the URL
    "http://attachments.example.net/a.png",  # an attachment host, but not https
    "https://attachments.example.net:8443/a.png",  # an attachment host, another port
])
def test_refused_before_any_connection(url):
    seen, handler = recorder()
    c = client(handler, allowed_hosts=("attachments.example.net",))
    with pytest.raises(ApiError, match="Refusing to call"):
        c.download(url)
    assert seen == []


def test_credentials_only_to_the_exact_origin_and_none_to_attachment_hosts():
    seen, handler = recorder()
    c = client(handler, allowed_hosts=("attachments.example.net",))
    assert c.download(f"{BASE}/api/v2/attachments/1") == b"file-bytes"
    assert c.download("https://attachments.example.net/f/1.png") == b"file-bytes"
    own, foreign = seen
    assert own.headers["authorization"].startswith("Basic ")
    assert "authorization" not in foreign.headers


def test_a_platform_may_require_credentials_on_an_attachment_host():
    seen, handler = recorder()
    c = client(handler, allowed_hosts=("files.example.net",),
               credentialed_hosts=("files.example.net",))
    c.download("https://files.example.net/f/1.png")
    assert seen[0].headers["authorization"].startswith("Basic ")


def test_each_redirect_hop_is_checked_before_it_is_followed():
    seen, handler = recorder()
    c = client(handler, allowed_hosts=("attachments.example.net",))
    with pytest.raises(ApiError, match="Refusing to call http://127.0.0.1:9999"):
        c.download(f"{BASE}/hop?to=http://127.0.0.1:9999/stolen")
    assert [r.url.path for r in seen] == ["/hop"]  # the second hop was never sent
    seen.clear()
    assert c.download(f"{BASE}/hop?to=https://attachments.example.net/x") == b"file-bytes"
    assert "authorization" not in seen[1].headers


def test_a_download_is_streamed_and_stops_past_the_cap():
    produced = []

    def chunks() -> Iterator[bytes]:
        for _ in range(1000):  # 1000 x 1 KiB, though the metadata said 10 bytes
            produced.append(1)
            yield b"x" * 1024

    c = client(lambda request: httpx.Response(200, content=chunks()),
               max_download_bytes=10 * 1024)
    with pytest.raises(TooLarge, match="larger than 10240 bytes"):
        c.download(f"{BASE}/big")
    assert len(produced) <= 12  # reading stopped at the cap, not at 1000 KiB
    lying = client(lambda request: httpx.Response(200, headers={"content-length": "99999"},
                                                  content=b"x" * 10), max_download_bytes=100)
    with pytest.raises(TooLarge):
        lying.download(f"{BASE}/big")


def test_an_api_answer_is_streamed_and_stops_past_its_cap():
    """A hostile source's giant page: reading stops at ``max_answer_bytes``."""
    produced = []

    def chunks() -> Iterator[bytes]:
        for _ in range(1000):
            produced.append(1)
            yield b"[" * 1024

    c = client(lambda request: httpx.Response(200, content=chunks()))
    c.max_answer_bytes = 10 * 1024
    with pytest.raises(TooLarge, match="zendesk sent an answer larger than 10240 bytes"):
        c.get_json("/api/v2/tickets.json")
    assert len(produced) <= 12


@pytest.mark.parametrize("url", ["https://me:pw@acme.zendesk.com", "https://me@acme.zendesk.com"])
def test_credentials_in_a_url_are_refused_with_one_sentence(url):
    with pytest.raises(ConfigError) as caught:
        parse({"source": {"platform": "zendesk", "url": url, "email": "a@b.c", "token": "t"},
               "target": {"platform": "zendesk", "url": BASE}})
    assert str(caught.value).count(".") <= 2 and "pw" not in str(caught.value)
    assert "never stored" in str(caught.value)
    with pytest.raises(ConfigError, match="Credentials do not belong in a URL"):
        check_url(url)


def test_every_encoding_of_the_credentials_is_redacted():
    email, token = "hard3n@example.com", "Tok3n/with+odd=chars"
    conn = connect(platform("zendesk"), BASE, {"email": email, "token": token})
    conn.http.close()
    basic = base64.b64encode(f"{email}/token:{token}".encode()).decode()
    for form in (token, quote(token, safe=""), "Tok3n%2fwith%2bodd%3dchars", basic,
                 basic.rstrip("="), f"Basic {basic}",
                 base64.b64encode(token.encode()).decode()):
        assert logs.scrub(f"echo: {form} end") == f"echo: {logs.MASK} end", form
    assert email in logs.scrub(email)  # the login alone is not a secret
    assert token not in str(ApiError(f"the server said {token}"))


@contextmanager
def listener() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A loopback HTTP server that records the headers of every request it gets."""
    got: list[dict[str, str]] = []

    @Request.application
    def app(request: Request) -> Response:
        got.append(dict(request.headers))
        if request.path.startswith("/hop"):
            return Response(status=302, headers={"Location": request.args["to"]})
        return Response(b"data")

    with serve_in_thread(app) as url:
        yield url, got


def test_no_credential_reaches_another_origin_over_real_loopback():
    with listener() as (own, own_got), listener() as (other, other_got):
        conn = connect(platform("zendesk"), own, {"email": "a@example.com", "token": SECRET})
        http = conn.http
        assert http.download(f"{own}/file") == b"data"
        assert own_got[0]["Authorization"].startswith("Basic ")
        for url in (f"{other}/file", f"{own}/hop?to={other}/file",
                    f"{own}/hop?to={quote(f'{own}/hop?to={other}/file')}"):
            with pytest.raises(ApiError, match="Refusing to call"):
                http.download(url)
        http.close()
    assert other_got == []  # nothing at all reached the other port, credentials or not
