"""The window-aware rate budget, on a fake clock: it spends a window's allowance at once,
learns what is left and when the window resets from the headers, stops short of empty and
resumes at the reset — and a platform counting fixed windows never answers 429."""

from __future__ import annotations

import httpx
import pytest

from deskmigrate.core.budget import RateBudget
from deskmigrate.core.http import HttpClient


class Clock:
    """Monotonic time that passes only when someone sleeps (or a request takes time)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def budget(per_minute: int, clock: Clock, **kwargs) -> RateBudget:
    return RateBudget(per_minute, clock=clock, sleep=clock.sleep, **kwargs)


def spend(b: RateBudget, requests: int, **answer) -> None:
    """Send ``requests`` one after another, each answered with ``answer``'s headers."""
    for _ in range(requests):
        b.acquire()
        b.settle(**answer)


def test_a_window_allowance_is_spent_without_waiting_then_the_reset_is_awaited():
    clock = Clock()
    b = budget(700, clock)
    spend(b, 699)  # one short of empty (the reserve)
    assert clock.now == 1000.0  # no pacing: 699 requests in the first instant
    b.acquire()
    assert 1060.0 <= clock.now < 1060.3  # the next one waited for the window to reset


def test_what_is_left_and_the_reset_come_from_the_headers():
    clock = Clock()
    b = budget(700, clock)
    b.acquire()
    b.settle(limit=700, remaining=11, reset=20)  # another client spent most of the window
    spend(b, 10)  # 11 left, one kept in reserve
    assert clock.now == 1000.0
    b.acquire()
    assert 1020.0 <= clock.now < 1020.3  # resumed at the reset the header gave, not at 60 s


def test_requests_in_flight_count_against_what_is_left():
    """Eight requests are out when an answer says 10 are left: only one more may go (the
    eight may be counted after that answer; one stays in reserve)."""
    clock = Clock()
    b = budget(700, clock)
    for _ in range(9):
        b.acquire()
    b.settle(limit=700, remaining=10, reset=30)  # 8 still in flight
    b.acquire()  # 10 - 8 in flight = 2 > reserve: allowed
    assert clock.now == 1000.0
    b.acquire()
    assert clock.now >= 1030.0


def test_an_out_of_date_answer_never_raises_what_is_left():
    clock = Clock()
    b = budget(700, clock)
    for _ in range(3):
        b.acquire()
    b.settle(remaining=5, reset=30)
    b.settle(remaining=400, reset=30)  # counted earlier, answered later: stale
    b.acquire()  # 5 - 1 in flight = 4 > 1
    b.acquire()  # 5 - 2 = 3
    b.acquire()  # 5 - 3 = 2
    assert clock.now == 1000.0
    b.acquire()
    assert clock.now >= 1030.0


def test_an_answer_from_the_window_before_is_ignored():
    clock = Clock()
    b = budget(700, clock)
    b.acquire()
    b.acquire()
    b.settle(remaining=600, reset=1)
    clock.sleep(2)  # the window reset; the platform's next one ends 60 s later
    b.acquire()
    b.settle(remaining=699, reset=59)
    b.settle(remaining=0, reset=0.5)  # the second request, counted last window, answered late
    b.acquire()
    assert clock.now == 1002.0  # not held by the stale "0 left"


def test_without_a_reset_header_a_jump_in_remaining_begins_the_window():
    """Freshdesk sends what is left but no reset: when "remaining" jumps up, the platform's
    window has just begun, and the next wait ends a window from then."""
    clock = Clock()
    b = budget(200, clock)
    b.acquire()
    b.settle(limit=200, remaining=3)  # a window already well spent by someone else
    clock.sleep(25)
    b.acquire()
    b.settle(limit=200, remaining=199)  # the platform began a new window 25 s in
    spend(b, 198)  # 199 left, one kept in reserve
    assert clock.now == 1025.0
    b.acquire()
    assert 1085.0 <= clock.now < 1085.3


def test_a_platform_default_follows_what_the_headers_say_is_left():
    clock = Clock()
    b = budget(100, clock, follow_headers=True)
    b.acquire()
    b.settle(remaining=500, reset=60)  # the account allows more than the default assumed
    spend(b, 300, remaining=499)
    assert clock.now == 1000.0


def test_a_configured_limit_is_a_ceiling_whatever_is_left():
    clock = Clock()
    b = budget(100, clock)
    b.acquire()
    b.settle(remaining=500, reset=60)
    spend(b, 98, remaining=499)
    assert clock.now == 1000.0
    b.acquire()
    assert clock.now >= 1060.0


def test_unmetered_answers_give_their_place_back():
    """Signed file URLs carry no rate headers: they are not counted by the platform."""
    clock = Clock()
    b = budget(10, clock)
    b.acquire()
    b.settle(remaining=9, reset=60)
    spend(b, 50, unmetered=True)
    assert clock.now == 1000.0


def test_a_ten_second_window():
    clock = Clock()
    b = budget(600, clock, window=10)  # Intercom: 600 a minute is 100 each 10 s
    spend(b, 99)
    assert clock.now == 1000.0
    b.acquire()
    assert 1010.0 <= clock.now < 1010.3


def test_the_limit_header_counts_the_window():
    clock = Clock()
    b = budget(100, clock, window=10, follow_headers=True)
    b.acquire()
    b.settle(limit=1667, remaining=1666, reset=10)
    assert b.per_minute == 10_002  # 1,667 per 10 s


class FixedWindows:
    """A platform counting fixed windows, answering after ``latency`` seconds of the clock,
    with Zendesk's headers (``ratelimit-reset`` rounded up to whole seconds)."""

    def __init__(self, clock: Clock, limit: int, latency: float, window: int = 60) -> None:
        self.clock, self.limit, self.latency, self.window = clock, limit, latency, window
        self.counted: dict[int, int] = {}
        self.too_many = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.clock.sleep(self.latency)
        now = self.clock()
        index = int(now // self.window)
        reset = max(1, -int(-((index + 1) * self.window - now) // 1))
        used = self.counted.get(index, 0)
        if used >= self.limit:
            self.too_many += 1
            return httpx.Response(429, headers={"Retry-After": str(reset),
                                                "ratelimit-remaining": "0",
                                                "ratelimit-reset": str(reset)})
        self.counted[index] = used + 1
        return httpx.Response(200, json={}, headers={
            "ratelimit-limit": str(self.limit), "ratelimit-remaining": str(self.limit - used - 1),
            "ratelimit-reset": str(reset)})


@pytest.mark.parametrize("start", [1000.0, 1030.5, 1059.9])  # anywhere in the platform's window
def test_a_steady_run_uses_every_window_and_meets_no_429(start):
    clock = Clock(start)
    platform = FixedWindows(clock, limit=100, latency=0.05)
    client = HttpClient("http://127.0.0.1:9", platform="acme", sleep=clock.sleep,
                        transport=httpx.MockTransport(platform),
                        budget=budget(100, clock))
    for _ in range(600):
        client.request("GET", "x")
    assert platform.too_many == 0
    windows = sorted(platform.counted)
    steady = [platform.counted[w] for w in windows[1:-1]]  # the whole windows in between
    assert len(steady) >= 4
    assert all(count >= 95 for count in steady)  # >= 95 % of the limit in every window
