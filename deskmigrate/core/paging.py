"""Paginators: one class per way a platform chains the pages of a list.

A connector builds a :class:`PageRequest` for the first page and hands it, with the API
client, to a paginator; the paginator sends every request and yields :class:`Page` objects
(or just the records with :meth:`Paginator.items`). Every paginator refuses to ask for the
same page twice, so a platform that repeats a cursor or a next URL stops the read with
:class:`PagingError` instead of looping forever.

=======================  =====================================================
Style                    Paginator
=======================  =====================================================
next URL in the body     :class:`NextUrlPaginator` (``links.next``, ``next_page``)
cursor + ``has_more``    :class:`CursorPaginator` (``meta.after_cursor``, ``nextPageToken``)
``Link`` header          :class:`LinkHeaderPaginator` (``rel="next"``)
offset                   :class:`OffsetPaginator` (``isLastPage`` / ``total``)
``starting_after``       :class:`StartingAfterPaginator` (query or JSON body)
page number              :class:`PageNumberPaginator` (hard cap, restart, page count)
scroll                   :class:`ScrollPaginator` (one token for the whole walk)
=======================  =====================================================
"""

from __future__ import annotations

import copy
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import httpx

from .errors import ApiError

_CAPPED = object()  # the body of a page the platform refused for being past its cap


class PagingError(ApiError):
    """The platform pointed at a page that was already read: the list would never end."""


class Requester(Protocol):
    """What a paginator needs from an API client (:class:`~deskmigrate.core.http.HttpClient`
    or a connector's wrapper around it)."""

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = ...,
                json: Any = ...) -> httpx.Response: ...


class RaisingClient:
    """A plain ``httpx.Client`` as a :class:`Requester` that raises ``httpx.HTTPStatusError``
    for an error answer (scripts and simulators paging an API without the host's client)."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None) -> httpx.Response:
        return self.client.request(method, path, params=params, json=json).raise_for_status()


@dataclass(frozen=True)
class PageRequest:
    """One page's request: a path (or absolute URL), query parameters and a JSON body."""

    path: str
    params: Mapping[str, Any] = field(default_factory=dict)
    json: Any = None
    method: str = "GET"

    def key(self) -> str:
        """What identifies the page: two requests with the same key ask for the same page."""
        parts = urlsplit(self.path)
        query = sorted([*parse_qsl(parts.query), *((k, str(v)) for k, v in self.params.items())])
        return json.dumps([self.method, parts._replace(query="").geturl(), query, self.json],
                          sort_keys=True, default=str)

    def with_params(self, **params: Any) -> PageRequest:
        return replace(self, params={**self.params, **params})


@dataclass
class Page:
    """A page read: its request, the response, the decoded body and the records on it."""

    request: PageRequest
    response: httpx.Response
    body: Any
    items: list[Any]


def dig(body: Any, path: str | None) -> Any:
    """The value at a dotted ``path`` of a JSON body (``"links.next"``); None if absent.
    A ``None`` or empty path is the body itself."""
    value = body
    for part in (path or "").split(".") if path else ():
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def merge_query(url: str, params: Mapping[str, Any]) -> str:
    """``url`` with ``params`` added to its query string (the URL's own keys win)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    merged = {**{k: str(v) for k, v in params.items()}, **query}
    return parts._replace(query=urlencode(merged)).geturl()


class Paginator(ABC):
    """Walks the pages of one list. Subclasses say how the next page is asked for.

    ``items`` is the dotted path of the records in the body (None: the body is the list).
    """

    def __init__(self, items: str | None = None) -> None:
        self.items_path = items

    def first(self, request: PageRequest) -> PageRequest:
        """The first page's request (page-number and offset styles add their parameters)."""
        return request

    @abstractmethod
    def next_request(self, page: Page) -> PageRequest | None:
        """The request of the page after ``page``, or None when ``page`` was the last."""

    def fetch(self, api: Requester, request: PageRequest) -> Page:
        """Send one page's request and decode it."""
        response = api.request(request.method, request.path, params=request.params or None,
                               json=request.json)
        body = response.json()
        items = dig(body, self.items_path)
        return Page(request, response, body, list(items or []))

    def pages(self, api: Requester, request: PageRequest) -> Iterator[Page]:
        """Every page from ``request`` on; raises :class:`PagingError` on a repeated page."""
        seen: set[str] = set()
        current: PageRequest | None = self.first(request)
        while current is not None:
            key = current.key()
            if key in seen:
                raise PagingError(f"Paging stopped: {urlsplit(current.path).path} pointed "
                                  f"again at a page already read ({_describe(current)}).")
            seen.add(key)
            page = self.fetch(api, current)
            yield page
            current = self.next_request(page)

    def items(self, api: Requester, request: PageRequest) -> Iterator[Any]:
        """Every record of every page."""
        for page in self.pages(api, request):
            yield from page.items


def _describe(request: PageRequest) -> str:
    shown = {**dict(parse_qsl(urlsplit(request.path).query)), **request.params}
    if request.json is not None:
        shown["body"] = request.json
    return json.dumps(shown, sort_keys=True, default=str)[:200]


class NextUrlPaginator(Paginator):
    """The body names the next page's URL (``links.next``, ``next_page``, ``after_url``).

    ``has_more``: a body flag that must be true for another page; ``done``: a body flag
    that ends the list (``end_of_stream``); ``carry``: parameters added to every next URL
    that the platform leaves out of it (sideloads, page size).
    """

    def __init__(self, next_url: str, *, items: str | None = None, has_more: str | None = None,
                 done: str | None = None, carry: Mapping[str, Any] | None = None) -> None:
        super().__init__(items)
        self.next_url, self.has_more, self.done = next_url, has_more, done
        self.carry = dict(carry or {})

    def next_request(self, page: Page) -> PageRequest | None:
        url = dig(page.body, self.next_url)
        if not url or (self.has_more and not dig(page.body, self.has_more)) or (
                self.done and dig(page.body, self.done)):
            return None
        url = urljoin(str(page.response.url), str(url))
        return PageRequest(merge_query(url, self.carry) if self.carry else url,
                           method=page.request.method)


class CursorPaginator(Paginator):
    """An opaque cursor in the body sent back as a query parameter while ``has_more`` (a
    flag that must be true for another page) and until ``done`` (a flag ending the list,
    such as ``isLast``)."""

    def __init__(self, cursor: str, param: str, *, items: str | None = None,
                 has_more: str | None = None, done: str | None = None) -> None:
        super().__init__(items)
        self.cursor, self.param, self.has_more, self.done = cursor, param, has_more, done

    def next_request(self, page: Page) -> PageRequest | None:
        token = dig(page.body, self.cursor)
        if not token or (self.has_more and not dig(page.body, self.has_more)) or (
                self.done and dig(page.body, self.done)):
            return None
        return page.request.with_params(**{self.param: token})


class LinkHeaderPaginator(Paginator):
    """The ``Link: <url>; rel="next"`` response header names the next page (RFC 8288)."""

    def next_request(self, page: Page) -> PageRequest | None:
        url = page.response.links.get("next", {}).get("url")
        if not url:
            return None
        return PageRequest(urljoin(str(page.response.url), url), method=page.request.method)


class OffsetPaginator(Paginator):
    """``start``/``limit`` offsets; the body says ``isLastPage`` or the ``total`` count.
    Without either, a page shorter than ``size`` is the last."""

    def __init__(self, *, items: str | None = None, start: str = "start",
                 limit: str = "limit", size: int = 50, is_last: str | None = "isLastPage",
                 total: str | None = "total") -> None:
        super().__init__(items)
        self.start, self.limit, self.size = start, limit, size
        self.is_last, self.total = is_last, total

    def first(self, request: PageRequest) -> PageRequest:
        return request.with_params(**{self.start: 0, self.limit: self.size})

    def next_request(self, page: Page) -> PageRequest | None:
        offset = int(page.request.params.get(self.start, 0)) + len(page.items)
        last = dig(page.body, self.is_last) if self.is_last else None
        total = dig(page.body, self.total) if self.total else None
        if not page.items or last is True:
            return None
        if isinstance(total, int) and offset >= total:
            return None
        if last is None and total is None and len(page.items) < self.size:
            return None
        return page.request.with_params(**{self.start: offset})


class StartingAfterPaginator(Paginator):
    """A ``starting_after`` cursor from the body, sent back in the query or, for search
    endpoints taking a JSON body, at the dotted path ``body_path`` of that body."""

    def __init__(self, cursor: str = "pages.next.starting_after", *, items: str | None = None,
                 param: str = "starting_after", body_path: str | None = None) -> None:
        super().__init__(items)
        self.cursor, self.param, self.body_path = cursor, param, body_path

    def next_request(self, page: Page) -> PageRequest | None:
        token = dig(page.body, self.cursor)
        if not token:
            return None
        if self.body_path is None:
            return page.request.with_params(**{self.param: token})
        body = copy.deepcopy(page.request.json) if page.request.json is not None else {}
        *parents, leaf = self.body_path.split(".")
        node = body
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = token
        return replace(page.request, json=body)


class PageNumberPaginator(Paginator):
    """``page=1, 2, ...`` while there is more (a ``Link: rel="next"`` header, else a full
    page). Platforms refusing pages past ``max_page`` are read past the cap by ``restart``:
    given the last record read, it returns the first request of a new walk (typically
    ``updated_since`` = that record's time); without it, reaching the cap is an error.
    ``capped`` recognises the platform's error for a page past its cap, so a cap that comes
    early restarts too. A restart that repeats an earlier walk raises :class:`PagingError`.
    ``total_pages``: where the body gives the number of pages (then it decides, not the
    page's length).
    """

    def __init__(self, *, items: str | None = None, param: str = "page",
                 size_param: str | None = "per_page", size: int = 100,
                 max_page: int | None = None,
                 restart: Callable[[PageRequest, Any], PageRequest | None] | None = None,
                 capped: Callable[[ApiError], bool] | None = None,
                 total_pages: str | None = None) -> None:
        super().__init__(items)
        self.param, self.size_param, self.size = param, size_param, size
        self.max_page, self.restart, self.capped = max_page, restart, capped
        self.total_pages = total_pages
        self._last: Any = None

    def first(self, request: PageRequest) -> PageRequest:
        params: dict[str, Any] = {self.param: 1}
        if self.size_param:
            params[self.size_param] = self.size
        return request.with_params(**params)

    def pages(self, api: Requester, request: PageRequest) -> Iterator[Page]:
        self._last = None
        yield from super().pages(api, request)

    def fetch(self, api: Requester, request: PageRequest) -> Page:
        try:
            page = super().fetch(api, request)
        except ApiError as exc:
            if self.capped is None or not self.capped(exc) or self._number(request) == 1:
                raise
            return Page(request, httpx.Response(200), _CAPPED, [])
        if page.items:
            self._last = page.items[-1]
        return page

    def _number(self, request: PageRequest) -> int:
        return int(request.params.get(self.param, 1))

    def next_request(self, page: Page) -> PageRequest | None:
        capped = page.body is _CAPPED
        if not capped and not self._more(page):
            return None
        number = self._number(page.request)
        if not capped and (self.max_page is None or number < self.max_page):
            return page.request.with_params(**{self.param: number + 1})
        if self.restart is None:
            raise PagingError(f"{urlsplit(page.request.path).path} has more than "
                              f"{number} pages, the most the platform lists.")
        following = self.restart(page.request.with_params(**{self.param: 1}), self._last)
        return None if following is None else self.first(following)

    def _more(self, page: Page) -> bool:
        total = dig(page.body, self.total_pages) if self.total_pages else None
        if isinstance(total, int):
            return self._number(page.request) < total
        if "link" in page.response.headers:
            return "next" in page.response.links
        return len(page.items) >= self.size


class ScrollPaginator(Paginator):
    """A scroll: one token (``scroll_param``) names the whole walk and is sent back until a
    page comes empty (a companies scroll, say). The token does not change from page to
    page, so a repeat is seen in the records: a page whose records ``key`` were all read
    already raises :class:`PagingError`."""

    def __init__(self, token: str = "scroll_param", *, items: str | None = None,
                 param: str = "scroll_param",
                 key: Callable[[Any], Any] = lambda row: row["id"]) -> None:
        super().__init__(items)
        self.token, self.param, self.key = token, param, key

    def pages(self, api: Requester, request: PageRequest) -> Iterator[Page]:
        seen: set[Any] = set()
        current: PageRequest | None = request
        while current is not None:
            page = self.fetch(api, current)
            keys = {self.key(row) for row in page.items}
            if keys and keys <= seen:
                raise PagingError(f"Paging stopped: {urlsplit(current.path).path} gave again "
                                  "a page already read.")
            seen |= keys
            yield page
            current = self.next_request(page)

    def next_request(self, page: Page) -> PageRequest | None:
        token = dig(page.body, self.token)
        if not page.items or not token:
            return None
        return page.request.with_params(**{self.param: token})
