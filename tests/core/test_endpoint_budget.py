"""An endpoint's own rate limit (Zendesk's incremental exports: 10 a minute) on top of the
account's, on a fake clock: learnt from its header, spent without a 429, and a 429 from it
holds that endpoint only."""

from __future__ import annotations

import httpx
import pytest
from test_budget import Clock, budget

from deskmigrate.core.budget import EndpointBudgets
from deskmigrate.core.errors import ApiError
from deskmigrate.core.http import HttpClient

EXPORTS = ("api/v2/incremental/", "zendesk-ratelimit-incremental-exports")


class Exports:
    """A platform whose exports have their own fixed windows of ``limit`` a minute (with a
    ``total=; remaining=; resets=`` header); every other path is unlimited."""

    def __init__(self, clock: Clock, limit: int, *, refuse: bool = False) -> None:
        self.clock, self.limit, self.refuse = clock, limit, refuse
        self.counted: dict[int, int] = {}
        self.too_many = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.clock.sleep(0.05)
        if not request.url.path.startswith("/api/v2/incremental/"):
            return httpx.Response(200, json={})
        now = self.clock()
        index = int(now // 60)
        resets = max(1, -int(-((index + 1) * 60 - now) // 1))
        used = self.counted.get(index, 0)
        if self.refuse or used >= self.limit:
            self.too_many += 1
            return httpx.Response(429, headers={
                "Retry-After": str(resets), EXPORTS[1]: f"total={self.limit}; remaining=0; "
                                                        f"resets={resets}"})
        self.counted[index] = used + 1
        return httpx.Response(200, json={}, headers={
            EXPORTS[1]: f"total={self.limit}; remaining={self.limit - used - 1}; "
                        f"resets={resets}"})


def client(clock: Clock, platform: Exports, **kwargs) -> HttpClient:
    http = HttpClient("http://127.0.0.1:9", platform="acme", sleep=clock.sleep,
                      transport=httpx.MockTransport(platform), budget=budget(700, clock),
                      **kwargs)
    http.endpoints = EndpointBudgets([EXPORTS], clock=clock, sleep=clock.sleep)
    return http


@pytest.mark.parametrize("start", [1000.0, 1031.5])  # anywhere in the platform's window
def test_an_endpoint_limit_is_learnt_from_its_header_and_never_answered_429(start):
    clock = Clock(start)
    platform = Exports(clock, limit=10)
    http = client(clock, platform)
    for n in range(60):
        http.request("GET", "api/v2/incremental/tickets/cursor.json")
        http.request("GET", f"api/v2/users/{n}.json")  # the account's budget is not held
    assert platform.too_many == 0
    windows = sorted(platform.counted)
    steady = [platform.counted[w] for w in windows[1:-1]]
    assert len(steady) >= 4 and all(count == 9 for count in steady)  # one kept in reserve


def test_an_endpoint_that_never_says_its_limit_is_not_paced():
    clock = Clock()
    http = client(clock, Exports(clock, limit=10))
    http.endpoints = EndpointBudgets([("api/v2/other/", "x-other-limit")], clock=clock,
                                     sleep=clock.sleep)
    began = clock()
    for _ in range(30):
        http.request("GET", "api/v2/other/list.json")
    assert clock() - began == pytest.approx(30 * 0.05)  # no wait but the answers' own time


def test_a_429_from_an_endpoint_holds_that_endpoint_not_the_account():
    clock = Clock()
    http = client(clock, Exports(clock, limit=10, refuse=True), max_attempts=1)
    with pytest.raises(ApiError):
        http.request("GET", "api/v2/incremental/ticket_events.json")
    route = http.endpoints.route("/api/v2/incremental/tickets/cursor.json")
    assert route is not None and route[1].held_for() > 0
    assert http.budget.held_for() == 0
    assert http.endpoints.route("api/v2/users.json") is None


def test_the_header_fields_are_read_whatever_their_spacing():
    clock = Clock()
    budgets = EndpointBudgets([EXPORTS], clock=clock, sleep=clock.sleep)
    route = budgets.route("api/v2/incremental/users/cursor")
    assert route is not None
    route[1].acquire()
    spent = EndpointBudgets.settle(route, {EXPORTS[1]: "total=30;remaining=0 ; resets=12"})
    assert spent and route[1].per_minute == 30
    route[1].acquire()
    assert EndpointBudgets.settle(route, None) is False  # no answer: nothing said
