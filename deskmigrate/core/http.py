"""The one HTTP client every connector uses: auth, timeouts, a shared rate budget
(:mod:`deskmigrate.core.budget`), retries that honour Retry-After, and error
classification in one table.

Connectors call :meth:`HttpClient.request` (or ``get_json``); they never import tenacity.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import structlog
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from .budget import EndpointBudgets, RateBudget, SeparateApi, header_int, retry_after, seconds_until
from .errors import AmbiguousWrite, ApiError, AuthError, NotFound, Unreachable
from .errortext import answered, error_body, is_html, one_line
from .origins import (  # noqa: F401  (check_url, is_loopback: imported from here too)
    ANSWER_LIMIT,
    DOWNLOAD_LIMIT,
    REDIRECTS,
    OriginPolicy,
    check_url,
    is_loopback,
    read_capped,
    rebuilt,
)

log = structlog.get_logger("deskmigrate.http")

IDEMPOTENT_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
# Errors after which the server may have acted on a request.
AMBIGUOUS_STATUSES = {500, 502, 504}
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class Verdict(Enum):
    OK = "ok"
    RETRY = "retry"  # transient server trouble: 5xx
    RATE_LIMITED = "rate_limited"  # 429: wait Retry-After, then retry
    AUTH = "auth"  # 401 / 403: fail at once
    NOT_FOUND = "not_found"  # 404: fail at once
    FAIL = "fail"  # any other 4xx: the request itself is wrong


def classify(status: int, overrides: Mapping[int, Verdict] | None = None) -> Verdict:
    """The one table deciding what a response status means (a platform may override a row,
    e.g. a 409 that means a duplicate value, not a transient conflict)."""
    if overrides and status in overrides:
        return overrides[status]
    if status < 400:
        return Verdict.OK
    if status == 429:
        return Verdict.RATE_LIMITED
    if status in (401, 403):
        return Verdict.AUTH
    if status == 404:
        return Verdict.NOT_FOUND
    if status in (408, 409, 423) or status >= 500:
        return Verdict.RETRY
    return Verdict.FAIL


class _Retryable(Exception):
    """Raised inside the retry loop for a response worth retrying."""

    def __init__(self, response: httpx.Response | None, delay: float | None, why: str) -> None:
        super().__init__(why)
        self.response = response
        self.delay = delay


@dataclass
class RateHeaders:
    """Names of a platform's rate-limit headers (first present wins). A reset header may
    hold seconds to wait, epoch seconds (or milliseconds), an ISO 8601 or an HTTP date."""

    limit: tuple[str, ...] = ("x-rate-limit", "ratelimit-limit", "x-ratelimit-limit",
                              "x-ratelimit-total")
    remaining: tuple[str, ...] = ("x-rate-limit-remaining", "ratelimit-remaining",
                                  "x-ratelimit-remaining")
    reset: tuple[str, ...] = ("ratelimit-reset", "x-ratelimit-reset")


Backoff = Callable[[httpx.Response], "float | None"]


@dataclass(frozen=True)
class HttpOptions:
    """What a platform tells its :class:`HttpClient` (``Platform.http_options``).

    ``rate_window`` is how many seconds the platform's rate limit counts (60: per minute).
    ``backoff`` is the platform's say on how long to wait after a 429 or a retryable
    answer (seconds), for platforms signalling it in their own way; None falls back to
    Retry-After, then the rate-limit reset header. ``endpoint_limits``: ``(path prefix,
    header)`` of endpoints with their own limit (:class:`EndpointBudgets`);
    ``separate_api``: path prefixes of an API counted apart (:class:`SeparateApi`).
    """

    rate_headers: RateHeaders | None = None
    error_message: Callable[[httpx.Response], str] | None = None
    allowed_hosts: tuple[str, ...] = ()
    credentialed_hosts: tuple[str, ...] = ()
    status_verdicts: Mapping[int, Verdict] | None = None
    backoff: Backoff | None = None
    rate_window: float = 60.0
    endpoint_limits: tuple[tuple[str, str], ...] = ()
    separate_api: tuple[str, ...] = ()

    def client_arguments(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class HttpStats:
    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    by_method: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, method: str) -> None:
        with self._lock:
            self.requests += 1
            self.by_method[method] = self.by_method.get(method, 0) + 1


class HttpClient:
    """One per connection, owned by the host. Thread-safe."""

    def __init__(
        self,
        base_url: str,
        *,
        platform: str,
        auth: Any = None,
        rate_per_minute: int | None = None,
        default_rate: int = 200,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
        max_attempts: int = 8,
        max_wait: float = 60.0,
        allowed_hosts: tuple[str, ...] = (),
        credentialed_hosts: tuple[str, ...] = (),
        max_download_bytes: int | None = None,
        rate_headers: RateHeaders | None = None,
        error_message: Any = None,
        concurrency: int = 8,
        max_in_flight: int | None = None,
        sleep: Any = time.sleep,
        status_verdicts: Mapping[int, Verdict] | None = None,
        backoff: Backoff | None = None,
        budget: RateBudget | None = None,
        rate_window: float = 60.0,
        endpoint_limits: tuple[tuple[str, str], ...] = (),
        separate_api: tuple[str, ...] = (),
    ) -> None:
        self.base_url = check_url(base_url)
        self.platform = platform
        self.budget = budget or RateBudget(rate_per_minute or default_rate, window=rate_window,
                                           follow_headers=rate_per_minute is None)
        self.endpoints = EndpointBudgets(endpoint_limits, sleep=sleep)
        self.separate = SeparateApi(self.budget, separate_api)
        self.concurrency = concurrency  # requests a run sends at once on this connection
        # a hard cap (an account's own concurrency key), else the connection pool's size
        self._in_flight = threading.BoundedSemaphore(max_in_flight or concurrency * 2)
        self._backoff = backoff
        self.stats = HttpStats()
        self.rate_headers = rate_headers or RateHeaders()
        self.max_attempts = max_attempts
        self.max_wait = max_wait
        self._sleep = sleep
        self._verdicts = dict(status_verdicts or {})
        self.hosts = {urlsplit(self.base_url).hostname, *allowed_hosts}
        self.origins = OriginPolicy(self.base_url, platform, allowed_hosts, credentialed_hosts)
        self.max_download_bytes = max_download_bytes or DOWNLOAD_LIMIT
        self.max_answer_bytes = ANSWER_LIMIT  # an API answer is capped too (a giant page)
        self._describe_error = error_message or _default_error_message
        self._client = httpx.Client(
            auth=auth, timeout=timeout, transport=transport, follow_redirects=False,
            limits=httpx.Limits(max_connections=concurrency * 2,
                                max_keepalive_connections=concurrency * 2),
        )

    # -- public -------------------------------------------------------------------------
    def url(self, path: str) -> str:
        """An absolute URL for an API path (absolute URLs are kept as given)."""
        return path if "://" in path else f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None, content: bytes | None = None, files: Any = None,
                data: Any = None, headers: Mapping[str, str] | None = None,
                ok_404: bool = False, idempotent: bool | None = None,
                limit: int | None = None) -> httpx.Response:
        """Send one request with retries; raise AuthError / NotFound / ApiError / Unreachable.

        With ``ok_404`` a 404 response is returned instead of raised. A request that is not
        idempotent (POST, PATCH, unless ``idempotent=True``) is retried only when it surely
        did not reach the server; otherwise :class:`AmbiguousWrite` is raised. Every body is
        streamed and :class:`TooLarge` raised past ``limit`` bytes (default: a hostile
        source's giant answer, past ``max_answer_bytes``).
        """
        url = self.url(path)
        auth = httpx.USE_CLIENT_DEFAULT if self.origins.credentials_for(url) else None
        retrying = Retrying(
            stop=self._stop,
            wait=self._wait,
            retry=retry_if_exception_type((_Retryable, httpx.TransportError)),
            reraise=True,
            sleep=self._sleep,
            before_sleep=self._before_sleep,
        )
        try:
            for attempt in retrying:
                with attempt, self._in_flight:  # released while a retry waits
                    return self._send(method, url, params=params, json=json, content=content,
                                      files=files, data=data, headers=headers, ok_404=ok_404,
                                      auth=auth, limit=limit,
                                      safe=method in IDEMPOTENT_METHODS if idempotent is None
                                      else idempotent)
        except _Retryable as exc:
            if exc.response is not None:
                raise self._error(exc.response) from None
            raise Unreachable(f"{self.platform} kept failing: {exc}.") from None
        except httpx.TransportError as exc:
            raise Unreachable(f"Could not reach {self.platform} at {self.base_url} "
                              f"({type(exc).__name__}).") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        response = self.request("GET", path, params=params)
        try:
            return response.json()
        except ValueError:  # not JSON, or not UTF-8
            raise ApiError(f"{self.platform} answered GET {path} with no JSON.") from None

    def download(self, url: str, limit: int | None = None) -> bytes:
        """Attachment bytes, streamed and refused past ``limit`` (default: the platform's
        attachment limit); each redirect hop is checked by the origin rules before it is
        followed."""
        for _ in range(4):  # the first request and three redirects
            response = self.request("GET", url, limit=limit or self.max_download_bytes)
            if response.status_code not in REDIRECTS:
                return response.content
            url = urljoin(url, response.headers.get("location", ""))
        raise ApiError(f"{self.platform} redirected a download more than three times.")

    def close(self) -> None:
        self._client.close()

    # -- internals ----------------------------------------------------------------------
    def _send(self, method: str, url: str, *, ok_404: bool, safe: bool, auth: Any,
              limit: int | None, **kwargs: Any) -> httpx.Response:
        if kwargs.get("files"):
            kwargs["files"] = [(k, (n, _rewind(b), t)) for k, (n, b, t) in kwargs["files"]]
        path = urlsplit(url).path
        endpoint, budget = self.endpoints.route(path), self.separate.of(path)
        if endpoint is not None:
            endpoint[1].acquire()  # the endpoint's own limit first, then the account's
        budget.acquire()
        self.stats.count(method)
        response: httpx.Response | None = None
        spent = False  # the endpoint's own window is empty
        try:
            request = self._client.build_request(method, url, **{
                k: v for k, v in kwargs.items() if v is not None})
            response = read_capped(self._client.send(request, auth=auth, stream=True),
                                   limit or self.max_answer_bytes, self.platform,
                                   "has a file" if limit else "sent an answer")
        except httpx.TransportError as exc:
            if safe or isinstance(exc, NOT_SENT):
                raise
            raise AmbiguousWrite(f"{self.platform} dropped the connection during {method} "
                                 f"{path}.") from None
        finally:
            self._settle(budget, response)
            if endpoint is not None:
                spent = EndpointBudgets.settle(
                    endpoint, None if response is None else response.headers)
        verdict = classify(response.status_code, self._verdicts)
        if verdict is Verdict.OK and limit is None and is_html(response):
            raise ApiError(f"{self.platform} answered {method} {path} with a web "
                           f"page ({error_body(response)}) instead of its API; check that the "
                           f"url {self.base_url} is the account's own address.")
        if verdict is Verdict.OK or (ok_404 and verdict is Verdict.NOT_FOUND):
            answered(self.platform, method, path)
            return response
        if verdict is Verdict.RATE_LIMITED:
            delay = self._delay(response)
            delay = self._reset(response) if delay is None else delay
            with self.stats._lock:
                self.stats.rate_limited += 1
            hold = min(delay if delay is not None else 1.0, self.max_wait)
            log.info("http.rate_limited", platform=self.platform, wait_s=hold)
            # an endpoint's own limit holds that endpoint only, not the whole account
            (endpoint[1] if spent and endpoint else budget).block_for(hold)
            raise _Retryable(response, delay, "rate limited")
        if verdict is Verdict.RETRY:
            if not safe and response.status_code in AMBIGUOUS_STATUSES:
                raise AmbiguousWrite(f"{self.platform} answered {response.status_code} to "
                                     f"{method} {path}.")
            delay = self._delay(response)
            if delay is not None and response.status_code == 503:
                budget.block_for(min(delay, self.max_wait))  # unavailable for everyone
            raise _Retryable(response, delay, f"status {response.status_code}")
        raise self._error(response)

    def _settle(self, budget: RateBudget, response: httpx.Response | None) -> None:
        """Tell the request's budget what the answer's rate-limit headers say."""
        if response is None:
            budget.settle()
            return
        headers = response.headers
        remaining = header_int(headers, self.rate_headers.remaining)
        budget.settle(header_int(headers, self.rate_headers.limit), remaining,
                           self._reset(response), unmetered=remaining is None)

    def _delay(self, response: httpx.Response) -> float | None:
        """How long the platform asks us to wait: its backoff hook, else Retry-After."""
        delay = self._backoff(response) if self._backoff else None
        return retry_after(response) if delay is None else max(0.0, delay)

    def _reset(self, response: httpx.Response) -> float | None:
        for name in self.rate_headers.reset:
            delay = seconds_until(response.headers.get(name))
            if delay is not None:
                return delay
        return None

    def _stop(self, state: RetryCallState) -> bool:
        """Stop after ``max_attempts``; a refused connection gets three tries, not more."""
        exc = state.outcome.exception() if state.outcome else None
        limit = min(3, self.max_attempts) if isinstance(exc, httpx.ConnectError) else (
            self.max_attempts)
        return stop_after_attempt(limit)(state)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.delay is not None:
            return min(exc.delay, self.max_wait)
        return wait_exponential_jitter(multiplier=0.2, max=self.max_wait)(state)

    def _before_sleep(self, state: RetryCallState) -> None:
        with self.stats._lock:
            self.stats.retries += 1
        exc = state.outcome.exception() if state.outcome else None
        log.debug("http.retry", platform=self.platform, attempt=state.attempt_number,
                  reason=type(exc).__name__ if exc else None)

    def _error(self, response: httpx.Response) -> Exception:
        status = response.status_code
        path = urlsplit(str(response.request.url)).path
        detail = one_line(self._describe_error(rebuilt(response, error_body(response).encode())))
        verdict = classify(status, self._verdicts)
        if verdict is Verdict.AUTH:
            what = "credentials" if status == 401 else "permissions"
            reason = f"{status}: {detail}" if detail else str(status)
            return AuthError(f"{self.platform} refused the {what} ({reason}).")
        message = f"{self.platform} answered {status} to {response.request.method} {path}"
        message += f": {detail}." if detail else "."
        if verdict is Verdict.NOT_FOUND:
            return NotFound(message, status)
        return ApiError(message, status)


def _rewind(body: Any) -> Any:
    if hasattr(body, "seek"):
        body.seek(0)
    return body


def _default_error_message(response: httpx.Response) -> str:
    """A short, credential-free description from a JSON error body."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        parts = [body[key] for key in ("error", "code", "description", "message", "errorMessage")
                 if isinstance(body.get(key), str)]
        if parts:
            return ": ".join(parts)[:300]
        if isinstance(body.get("errors"), list) and body["errors"]:
            first = body["errors"][0]
            if isinstance(first, dict):
                return str(first.get("message") or first)[:300]
    return str(body)[:300]
