"""The WSGI base of every sandbox: routing, auth, a per-minute rate limit with headers,
fault injection and platform-shaped error bodies. A platform subclass supplies routes,
authentication, error bodies, rate-limit header names and seed data."""

from __future__ import annotations

import json
import math
import random
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from .store import PLATFORM_KEY, SandboxStore

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> Response:
    return Response(json.dumps(body), status=status, headers=headers,
                    content_type="application/json; charset=utf-8")


class ApiHTTPError(Exception):
    """Raise from a handler to answer with the platform's error body."""

    def __init__(self, status: int, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


class MinuteWindow:
    """A fixed window request counter: one minute (how help desks usually count) or
    ``seconds`` long (some platforms count in 10-second windows)."""

    def __init__(self, limit: int | None, seconds: int = 60) -> None:
        self.limit = limit
        self.seconds = seconds
        self._window = 0
        self._used = 0
        self._lock = threading.Lock()
        self.used: dict[int, int] = {}  # requests counted in each window (start, epoch s)

    def hit(self) -> tuple[bool, int, int]:
        """Count one request: ``(allowed, remaining, seconds until the window resets)``."""
        now = time.time()
        window = int(now // self.seconds)
        with self._lock:
            if window != self._window:
                self._window, self._used = window, 0
            reset = max(1, math.ceil((window + 1) * self.seconds - now))
            if self.limit is None:
                return True, 1_000_000, reset
            if self._used >= self.limit:
                return False, 0, reset
            self._used += 1
            self.used[window * self.seconds] = self._used
            return True, self.limit - self._used, reset


class Faults:
    """Random 429 / 500 / dropped connections at a set rate, reproducible from a seed."""

    KINDS = ("429", "500", "drop")

    def __init__(self, rate: float = 0.0, seed: int = 0) -> None:
        self.rate = rate
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.injected: dict[str, int] = dict.fromkeys(self.KINDS, 0)

    def draw(self) -> str | None:
        if self.rate <= 0:
            return None
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            kind = self._random.choice(self.KINDS)
            self.injected[kind] += 1
            return kind


class SandboxApp:
    """Base WSGI app. Subclasses define ``platform``, ``config_keys``, :meth:`rules`,
    :meth:`authenticate`, :meth:`error_body`, :meth:`rate_limit_headers` and
    :meth:`seed`."""

    platform = "sandbox"
    default_rate_limit = 700

    def __init__(self, db_path: str | Path, *, rate_limit: int | None = None,
                 fault_rate: float = 0.0, fault_seed: int = 0) -> None:
        self.store = SandboxStore(db_path)
        if self.store.meta(PLATFORM_KEY) is None:  # `sandbox serve --data` checks it
            self.store.set_meta(PLATFORM_KEY, self.platform)
        self.limiter = MinuteWindow(rate_limit)
        self.faults = Faults(fault_rate, fault_seed)
        self.url_map = Map(list(self.rules()), strict_slashes=False)
        self.requests_served = 0
        self._count_lock = threading.Lock()
        self.latency = 0.0  # seconds added to every answer (a distant service; benchmarks)

    # -- to override --------------------------------------------------------------------
    def rules(self) -> Iterable[Rule]:
        """Werkzeug rules whose ``endpoint`` is the name of a handler method."""
        return ()

    def credentials(self) -> dict[str, str]:
        """The config keys (exactly the platform's credential fields) that open this sandbox."""
        raise NotImplementedError

    def authenticate(self, request: Request) -> dict[str, Any] | None:
        """The acting user for this request, or None (answered with 401)."""
        raise NotImplementedError

    def error_body(self, status: int, message: str, details: Any = None) -> Any:
        return {"error": message, "details": details}

    def rate_limit_headers(self, limit: int | None, remaining: int, reset: int
                           ) -> dict[str, str]:
        return {}

    def seed(self, *, tickets: int, seed: int, attachments: bool = True) -> None:
        """Fill an empty sandbox with deterministic synthetic data (with files unless
        ``attachments`` is False)."""
        raise NotImplementedError

    def activity(self, client: httpx.Client, *, new: int, updated: int, seed: int
                 ) -> dict[str, int]:
        """Simulate a support team at work through the public REST API only (``client`` is
        authenticated and points at this sandbox): ``new`` new tickets, ``updated`` existing
        tickets given a new comment and a changed field. Returns what was done."""
        raise NotImplementedError(f"the {self.platform} sandbox cannot simulate activity")

    def public_paths(self) -> tuple[str, ...]:
        """Path prefixes served without auth or rate limit (signed attachment URLs)."""
        return ()

    def window(self, path: str) -> MinuteWindow:
        """The window ``path`` is counted in: the account's, unless the platform counts one
        of its APIs apart, in a window of the same size (that API's answers then carry its
        own window's headers)."""
        return self.limiter

    def endpoint_limit(self, path: str) -> tuple[str, MinuteWindow] | None:
        """The endpoint's own limit on top of the account's, if ``path`` has one: the
        header saying ``total=N; remaining=N; resets=S`` and its window."""
        return None

    # -- WSGI ---------------------------------------------------------------------------
    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = Request(environ)
        response = self.dispatch(request)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        with self._count_lock:
            self.requests_served += 1
        if self.latency > 0:
            time.sleep(self.latency)
        fault = self.faults.draw()
        if fault == "drop":
            raise ConnectionResetError("sandbox fault injection: connection dropped")
        if fault == "500":
            return json_response(self.error_body(500, "InternalError"), 500)
        if request.path.startswith(self.public_paths()):
            return self._route(request, None)
        if fault == "429":
            return self._too_many(reset=1)
        endpoint = self.endpoint_limit(request.path)
        own: dict[str, str] = {}
        if endpoint is not None:
            header, window = endpoint
            allowed, left, resets = window.hit()
            own = {header: f"total={window.limit}; remaining={left}; resets={resets}"}
            if not allowed:  # the endpoint's window is spent, not the account's
                return Response("Too Many Requests", status=429, content_type="text/plain",
                                headers={"Retry-After": str(resets), **own})
        limiter = self.window(request.path)
        allowed, remaining, reset = limiter.hit()
        if not allowed:
            return self._too_many(reset)  # every window is of the account's size
        user = self.authenticate(request)
        if user is None:
            response = json_response(self.error_body(401, "Couldn't authenticate you"), 401)
        else:
            response = self._route(request, user)
        response.headers.update(self.rate_limit_headers(limiter.limit, remaining, reset))
        response.headers.update(own)
        return response

    def _route(self, request: Request, user: dict[str, Any] | None) -> Response:
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            endpoint, values = adapter.match()
            if request.method in SAFE_METHODS:
                response = getattr(self, endpoint)(request, user, **values)
            else:  # a write is atomic, as on the real service: no lost update between threads
                with self.store.transaction():
                    response = getattr(self, endpoint)(request, user, **values)
        except ApiHTTPError as exc:
            return json_response(self.error_body(exc.status, exc.message, exc.details),
                                 exc.status)
        except (NotFound, MethodNotAllowed) as exc:
            return json_response(self.error_body(exc.code or 404, "RecordNotFound"),
                                 exc.code or 404)
        except HTTPException as exc:
            return json_response(self.error_body(exc.code or 400, exc.description or ""),
                                 exc.code or 400)
        return response if isinstance(response, Response) else json_response(response)

    def _too_many(self, reset: int) -> Response:
        headers = {"Retry-After": str(reset),
                   **self.rate_limit_headers(self.limiter.limit, 0, reset)}
        return Response("Too Many Requests", status=429, headers=headers,
                        content_type="text/plain")

    # -- in-process ---------------------------------------------------------------------
    def transport(self) -> httpx.BaseTransport:
        """An httpx transport calling this app in-process (no socket)."""
        return _InProcessTransport(self)


class _InProcessTransport(httpx.WSGITransport):
    """WSGITransport that turns an injected dropped connection into httpx's error."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().handle_request(request)
        except ConnectionError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None
