"""The rate budget of one connection: how many requests a window allows, what the
platform's rate-limit headers say is left, and how long its answers ask us to wait."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx


class RateBudget:
    """The request allowance of one connection, counted per window as the platforms count it
    (a minute for most, ten seconds for some).

    The window's allowance is spent as fast as the platform answers. What is left and when
    the window resets are learnt from the rate-limit headers; sending stops ``reserve``
    requests short of empty and resumes when the window resets, so a steady run meets no
    429. A 429 or a 503's Retry-After holds every thread (:meth:`block_for`).

    What the platform says is left is trusted through the lowest ``remaining`` seen in the
    window: every answered request was counted before it, or is itself the lowest, so only
    requests still in flight can have been counted since.
    """

    def __init__(self, per_minute: int, *, window: float = 60.0, reserve: int = 1,
                 follow_headers: bool = False, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Any] = time.sleep) -> None:
        self.window = window
        self.per_minute = max(1, per_minute)
        self.follow_headers = follow_headers  # the limit was a default, not configured
        self.reserve = reserve
        self._clock, self._sleep = clock, sleep
        self._reset_at: float | None = None  # when this window ends (None: not begun)
        self._reset_known = False  # the reset came from a header, not a guess
        self._sent = 0  # requests sent in this window (or in flight when it began)
        self._low: int | None = None  # the lowest ``remaining`` the platform gave this window
        self._in_flight = 0
        self._metered = False  # the platform has told what is left at least once
        self._peak = 1  # most requests in flight together so far
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    @property
    def allowance(self) -> int:
        """Requests a window allows at ``per_minute``."""
        return max(1, int(self.per_minute * self.window / 60))

    def acquire(self) -> None:
        """Wait until a request may be sent, then count it as in flight."""
        while True:
            with self._lock:
                now = self._clock()
                self._roll(now)
                assert self._reset_at is not None
                wait = self._blocked_until - now
                if wait <= 0 and self._left() > self.reserve:
                    self._sent += 1
                    self._in_flight += 1
                    self._peak = max(self._peak, self._in_flight)
                    return
                wait = max(wait, self._reset_at - now)
            self._sleep(min(max(wait, 0.01), 0.25))

    def settle(self, limit: int | None = None, remaining: int | None = None,
               reset: float | None = None, *, unmetered: bool = False) -> None:
        """A request came back (or failed): learn the window's ``limit``, what is
        ``remaining`` and the seconds until it ``reset`` from the answer's headers. An
        ``unmetered`` answer (no rate headers from a platform that sends them) gives its
        place in the window back."""
        with self._lock:
            self._in_flight = max(0, self._in_flight - 1)
            now = self._clock()
            if limit and (limit < self.allowance or self.follow_headers):
                self.per_minute = max(1, round(limit * 60 / self.window))
            if reset is not None and not self._same_window(now + reset):
                return  # an answer from the window before: what it says is out of date
            if remaining is None:
                if self._metered and unmetered:
                    self._sent = max(0, self._sent - 1)  # e.g. a signed file URL: not counted
                elif self._low is not None:
                    self._low -= 1  # no answer (a dropped connection): it may have counted
                return
            self._metered = True
            if reset is None and self._low is not None and remaining > self._low + self._peak:
                self._begin(now + self.window, known=False)  # the platform began a window
            self._low = remaining if self._low is None else min(self._low, remaining)

    def block_for(self, seconds: float) -> None:
        """Hold every request on this budget for ``seconds`` (a 429, a 503)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    def held_for(self) -> float:
        """Seconds every request on this budget still waits: a 429's Retry-After, a 503, or
        the rest of a spent window; 0 when a request may go now. Progress displays poll it."""
        with self._lock:
            now = self._clock()
            wait = self._blocked_until - now
            if self._reset_at is not None and self._left() <= self.reserve:
                wait = max(wait, self._reset_at - now)
            return max(0.0, wait)

    def twin(self) -> RateBudget:
        """A budget of this one's size and settings, counted apart from it."""
        return RateBudget(self.per_minute, window=self.window, reserve=self.reserve,
                          follow_headers=self.follow_headers, clock=self._clock,
                          sleep=self._sleep)

    # -- internals (called with the lock held) ---------------------------------------------
    def _left(self) -> int:
        own = self.allowance - self._sent
        if self._low is None:
            return own
        told = self._low - self._in_flight
        return told if self.follow_headers else min(own, told)

    def _roll(self, now: float) -> None:
        if self._reset_at is None:
            self._begin(now + self.window, known=False)
        elif now >= self._reset_at:
            ahead = self._reset_at + self.window
            self._begin(ahead if self._reset_known and ahead > now else now + self.window,
                        known=self._reset_known and ahead > now)

    def _begin(self, reset_at: float, *, known: bool) -> None:
        """A new window: requests still in flight may count against it."""
        self._reset_at, self._reset_known = reset_at, known
        self._sent, self._low = self._in_flight, None

    def _same_window(self, reset_at: float) -> bool:
        """Whether a header's reset time is this window's (then the earliest wins, as the
        header is rounded up); a later one begins a new window."""
        assert self._reset_at is not None
        if not self._reset_known or reset_at > self._reset_at + self.window / 2:
            if self._reset_known:
                self._begin(reset_at, known=True)
            else:
                self._reset_at, self._reset_known = reset_at, True
            return True
        if reset_at < self._reset_at - self.window / 2:
            return False
        self._reset_at = min(self._reset_at, reset_at)
        return True


def seconds_until(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a header value: a number of seconds, epoch seconds or
    milliseconds, an ISO 8601 date or an HTTP date (RFC 9110); None if unreadable.
    ``now`` is the epoch time to count from (default: the clock)."""
    if value is None or not value.strip():
        return None
    now = time.time() if now is None else now
    value = value.strip()
    try:
        number = float(value)
    except ValueError:
        moment = _parse_date(value)
        return None if moment is None else max(0.0, moment.timestamp() - now)
    if number > 1e12:  # epoch milliseconds
        number = number / 1000 - now
    elif number > 1e9:  # epoch seconds
        number -= now
    return max(0.0, number)


def _parse_date(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def header_int(headers: Mapping[str, str], names: tuple[str, ...]) -> int | None:
    """The first of the headers ``names`` holding a number, as an int."""
    for name in names:
        value = headers.get(name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                continue
    return None


def retry_after(response: httpx.Response, now: float | None = None) -> float | None:
    """The Retry-After header as seconds (it may be seconds or an HTTP date)."""
    return seconds_until(response.headers.get("retry-after"), now)


class SeparateApi:
    """An API of the account that the platform counts in a window of its own, of the
    account's size (e.g. a knowledge base API whose requests don't count against the rest,
    nor the rest against it): requests whose path starts with one of its prefixes spend
    their own budget, the others the account's."""

    def __init__(self, account: RateBudget, prefixes: Sequence[str]) -> None:
        self.account = account
        self.prefixes = tuple(p.strip("/") for p in prefixes)
        self.budget = account.twin() if self.prefixes else account

    def of(self, url: str) -> RateBudget:
        """The budget a request to ``url`` (or to its path) spends."""
        path = urlsplit(url).path.lstrip("/")
        return self.budget if self.prefixes and path.startswith(self.prefixes) else self.account


UNKNOWN_LIMIT = 1_000_000  # an endpoint's limit before its header has told it


class EndpointBudgets:
    """Endpoints with their own rate limit on top of the account's (e.g. a help desk's
    incremental exports, 10 a minute): requests whose path starts with a prefix share a
    :class:`RateBudget`, learnt from the header the platform names for it
    (``total=N; remaining=N; resets=S``). Until that header has been seen the endpoint is
    not paced: a platform (or sandbox) without the limit costs nothing."""

    def __init__(self, limits: Sequence[tuple[str, str]], *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Any] = time.sleep) -> None:
        self._routes = [(prefix.strip("/"), header.lower(),
                         RateBudget(UNKNOWN_LIMIT, follow_headers=True, clock=clock,
                                    sleep=sleep))
                        for prefix, header in limits]

    def route(self, path: str) -> tuple[str, RateBudget] | None:
        """The header and budget of the first prefix ``path`` starts with, or None."""
        path = path.lstrip("/")
        for prefix, header, budget in self._routes:
            if path.startswith(prefix):
                return header, budget
        return None

    @staticmethod
    def settle(route: tuple[str, RateBudget], headers: Mapping[str, str] | None) -> bool:
        """Tell the endpoint's budget what its header says (None: no answer); True when
        the header says the endpoint's window is spent."""
        name, budget = route
        told = _fields(headers.get(name)) if headers is not None else {}
        budget.settle(told.get("total"), told.get("remaining"),
                      None if told.get("resets") is None else float(told["resets"]))
        return told.get("remaining") == 0


def _fields(value: str | None) -> dict[str, int]:
    """``total=10; remaining=9; resets=41`` as numbers (what is unreadable is left out)."""
    out: dict[str, int] = {}
    for part in (value or "").split(";"):
        key, _, number = part.partition("=")
        try:
            out[key.strip().lower()] = int(number.strip())
        except ValueError:
            continue
    return out
