"""The HTTP client: the retry table, Retry-After, errors without credentials, URL rules."""

from __future__ import annotations

import httpx
import pytest

from deskmigrate.core.errors import (
    AmbiguousWrite,
    ApiError,
    AuthError,
    ConfigError,
    NotFound,
    Unreachable,
)
from deskmigrate.core.http import HttpClient, Verdict, check_url, classify

SECRET = "s3cr3t-token-value"


def client(responses, **kwargs):
    """A client whose transport answers from ``responses`` in order; records sleeps."""
    calls, sleeps = [], []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    c = HttpClient("http://127.0.0.1:9", platform="zendesk", auth=("me", SECRET),
                   transport=httpx.MockTransport(handler), sleep=sleeps.append,
                   rate_per_minute=100_000, **kwargs)
    return c, calls, sleeps


@pytest.mark.parametrize(("status", "verdict"), [
    (200, Verdict.OK), (201, Verdict.OK), (304, Verdict.OK), (400, Verdict.FAIL),
    (401, Verdict.AUTH), (403, Verdict.AUTH), (404, Verdict.NOT_FOUND), (409, Verdict.RETRY),
    (422, Verdict.FAIL), (429, Verdict.RATE_LIMITED), (500, Verdict.RETRY),
    (503, Verdict.RETRY),
])
def test_one_table_decides_every_status(status, verdict):
    assert classify(status) is verdict


def test_429_waits_exactly_retry_after_then_succeeds():
    c, calls, sleeps = client([
        httpx.Response(429, headers={"Retry-After": "0.01"}, text="Too Many Requests"),
        httpx.Response(200, json={"ok": True}),
    ])
    assert c.get_json("/api/v2/users/me") == {"ok": True}
    assert len(calls) == 2
    assert sleeps == [0.01]
    assert c.stats.rate_limited == 1 and c.stats.retries == 1


def test_5xx_and_dropped_connections_are_retried_with_backoff():
    c, calls, sleeps = client([
        httpx.Response(500, json={"error": "InternalError"}),
        httpx.RemoteProtocolError("Server disconnected"),
        httpx.Response(200, json={"n": 1}),
    ])
    assert c.get_json("/x") == {"n": 1}
    assert len(calls) == 3
    assert len(sleeps) == 2 and all(0 < s <= 60 for s in sleeps)


def test_client_errors_fail_at_once_with_the_platform_message():
    c, calls, _ = client([httpx.Response(422, json={"error": "RecordInvalid",
                                                    "description": "Subject is blank"})])
    with pytest.raises(ApiError, match="422 to POST /api/v2/tickets: RecordInvalid"):
        c.request("POST", "/api/v2/tickets", json={})
    assert len(calls) == 1


def test_404_raises_not_found_unless_allowed():
    c, _, _ = client([httpx.Response(404, json={"error": "RecordNotFound"}),
                      httpx.Response(404, json={"error": "RecordNotFound"})])
    with pytest.raises(NotFound):
        c.get_json("/api/v2/tickets/1")
    assert c.request("GET", "/api/v2/tickets/1", ok_404=True).status_code == 404


def test_auth_failure_is_one_sentence_without_the_secret():
    c, _, _ = client([httpx.Response(401, json={"error": "Couldn't authenticate you"})])
    with pytest.raises(AuthError) as info:
        c.get_json("/api/v2/users/me")
    assert str(info.value) == "zendesk refused the credentials (401: Couldn't authenticate you)."
    assert SECRET not in str(info.value)


def test_gives_up_after_max_attempts_as_unreachable():
    c, calls, _ = client([httpx.ConnectError("refused")] * 3, max_attempts=3)
    with pytest.raises(Unreachable, match="Could not reach zendesk"):
        c.get_json("/x")
    assert len(calls) == 3


def test_persistent_5xx_ends_as_api_error():
    c, calls, _ = client([httpx.Response(503, json={"error": "down"})] * 2, max_attempts=2)
    with pytest.raises(ApiError, match="503"):
        c.get_json("/x")
    assert len(calls) == 2


def test_never_sends_credentials_to_another_host():
    c, calls, _ = client([])
    with pytest.raises(ApiError, match="not a zendesk host"):
        c.download("https://evil.example.com/file.png")
    assert calls == []


@pytest.mark.parametrize("url", ["http://example.com", "ftp://127.0.0.1", "example.com"])
def test_plain_http_only_to_loopback(url):
    with pytest.raises(ConfigError):
        check_url(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8001", "http://localhost", "http://[::1]:80",
                                 "https://acme.zendesk.com"])
def test_allowed_urls(url):
    assert check_url(url + "/") == url


def test_rate_headers_lower_the_budget():
    c, _, _ = client([httpx.Response(200, json={}, headers={"X-Rate-Limit": "700",
                                                            "X-Rate-Limit-Remaining": "699"})])
    c.get_json("/x")
    assert c.budget.per_minute == 700


def test_a_create_whose_connection_dropped_is_ambiguous_not_retried():
    c, calls, _ = client([httpx.RemoteProtocolError("Server disconnected")])
    with pytest.raises(AmbiguousWrite, match="dropped the connection during POST /api/v2/x"):
        c.request("POST", "/api/v2/x", json={})
    assert len(calls) == 1


def test_a_create_with_a_500_is_ambiguous_but_503_and_refused_connections_are_retried():
    c, calls, _ = client([httpx.Response(500, json={})])
    with pytest.raises(AmbiguousWrite, match="500"):
        c.request("POST", "/x", json={})
    c, calls, _ = client([httpx.Response(503, json={}), httpx.ConnectError("refused"),
                          httpx.Response(201, json={"id": 1})])
    assert c.request("POST", "/x", json={}).json() == {"id": 1}
    assert len(calls) == 3


def test_a_create_declared_idempotent_is_retried():
    c, calls, _ = client([httpx.Response(500, json={}), httpx.Response(201, json={})])
    c.request("POST", "/api/v2/uploads", content=b"x", idempotent=True)
    assert len(calls) == 2


def test_a_default_rate_follows_the_accounts_limit_but_a_configured_one_is_a_ceiling():
    def answer(request):
        return httpx.Response(200, json={}, headers={"X-Rate-Limit": "700"})

    default = HttpClient("http://127.0.0.1:9", platform="zendesk", default_rate=400,
                         transport=httpx.MockTransport(answer))
    configured = HttpClient("http://127.0.0.1:9", platform="zendesk", rate_per_minute=400,
                            transport=httpx.MockTransport(answer))
    for c in (default, configured):
        c.get_json("/x")
    assert default.budget.per_minute == 700
    assert configured.budget.per_minute == 400
