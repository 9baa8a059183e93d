"""The HTTP client: the retry table, Retry-After, errors without credentials, URL rules."""

from __future__ import annotations

import threading
import time
from email.utils import formatdate

import httpx
import pytest

from deskmigrate.core.budget import RateBudget, retry_after, seconds_until
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


# -- waits the platform asks for ------------------------------------------------------------
NOW = 1_764_500_000.0  # an epoch time to count from (2025-11-30T10:53:20Z)


@pytest.mark.parametrize(("value", "seconds"), [
    ("7", 7.0), ("0.5", 0.5), ("-3", 0.0),
    (str(int(NOW) + 30), 30.0),  # epoch seconds
    (str(int(NOW * 1000) + 30_000), 30.0),  # epoch milliseconds
    ("2025-11-30T10:54:00Z", 40.0), ("2025-11-30T10:54:00+00:00", 40.0),
    ("2025-11-30T10:54:00", 40.0),  # ISO without zone: UTC
    ("Sun, 30 Nov 2025 10:53:50 GMT", 30.0),  # HTTP date
    ("Sun, 30 Nov 2025 10:50:00 GMT", 0.0),  # a date in the past: no wait
    ("soon", None), ("", None), (None, None),
])
def test_seconds_until_reads_every_header_format(value, seconds):
    assert seconds_until(value, now=NOW) == seconds


def test_retry_after_as_http_date():
    response = httpx.Response(429, headers={"Retry-After": "Sun, 30 Nov 2025 10:53:25 GMT"})
    assert retry_after(response, now=NOW) == 5.0


class FakeClock:
    """Monotonic time that passes only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self.lock:
            self.now += seconds


def test_a_429_holds_the_shared_budget_for_every_thread():
    """While one thread waits out a 429's Retry-After, another thread's request on the same
    connection is not sent before that time either."""
    clock = FakeClock()
    budget = RateBudget(100_000, clock=clock, sleep=clock.sleep)
    sent: dict[str, float] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        name = request.url.path.strip("/")
        if name == "a" and "a" not in sent:
            sent["a"] = clock()
            return httpx.Response(429, headers={"Retry-After": "5"})
        sent.setdefault(name, clock())
        return httpx.Response(200, json={})

    def retry_sleep(seconds: float) -> None:
        other = threading.Thread(target=lambda: c.request("GET", "b"))
        other.start()  # another worker asks while the first waits out its 429
        other.join()

    c = HttpClient("http://127.0.0.1:9", platform="acme", transport=httpx.MockTransport(handler),
                   sleep=retry_sleep, budget=budget)
    assert c.request("GET", "a").status_code == 200
    assert sent["b"] >= sent["a"] + 5  # b waited for the block set by a's 429


def test_a_503_retry_after_is_honoured_and_holds_the_budget():
    clock = FakeClock()
    budget = RateBudget(100_000, clock=clock, sleep=clock.sleep)
    c, calls, sleeps = client([httpx.Response(503, headers={"Retry-After": "7"}),
                               httpx.Response(200, json={"ok": True})], budget=budget)
    assert c.get_json("x") == {"ok": True}
    assert sleeps == [7.0]  # the retry waited what the 503 asked, not an exponential guess
    assert clock.now >= 107  # and the budget held every other request as long


def test_a_503_retry_after_as_http_date_is_capped_by_max_wait():
    clock = FakeClock()
    later = formatdate(time.time() + 600, usegmt=True)  # ten minutes from now
    c, calls, sleeps = client([httpx.Response(503, headers={"Retry-After": later}),
                               httpx.Response(200, json={})], max_wait=60,
                              budget=RateBudget(100_000, clock=clock, sleep=clock.sleep))
    c.get_json("x")
    assert sleeps == [60]
    assert clock.now == 160  # the budget's hold is capped too


def test_a_spent_window_blocks_until_the_reset_header():
    """``remaining: 0`` with a reset in epoch seconds: the next request waits for it."""
    clock = FakeClock()
    budget = RateBudget(100_000, clock=clock, sleep=clock.sleep)
    reset = str(int(time.time()) + 20)
    c, calls, sleeps = client([
        httpx.Response(200, json={}, headers={"x-ratelimit-remaining": "0",
                                              "x-ratelimit-reset": reset}),
        httpx.Response(200, json={})], budget=budget)
    c.get_json("x")
    assert clock.now == 100  # nothing waited yet
    c.get_json("y")
    assert 118 <= clock.now <= 121  # about 20 s (the header has whole seconds)


def fake_budget() -> RateBudget:
    clock = FakeClock()
    return RateBudget(100_000, clock=clock, sleep=clock.sleep)


def test_a_429_without_retry_after_waits_for_the_reset_header():
    c, calls, sleeps = client([
        httpx.Response(429, headers={"ratelimit-reset": "12"}),
        httpx.Response(200, json={})], budget=fake_budget())
    c.get_json("x")
    assert sleeps == [12.0]


def test_the_platform_backoff_hook_decides_the_wait():
    def backoff(response: httpx.Response) -> float | None:
        return float(response.headers["x-wait-ms"]) / 1000 if "x-wait-ms" in response.headers \
            else None

    c, calls, sleeps = client([
        httpx.Response(429, headers={"x-wait-ms": "2500", "Retry-After": "30"}),
        httpx.Response(503), httpx.Response(200, json={})], backoff=backoff,
        budget=fake_budget())
    c.get_json("x")
    assert sleeps[0] == 2.5  # the hook wins over Retry-After
    assert 0 < sleeps[1] <= 60  # no hook answer, no Retry-After: exponential backoff
