"""Intercom's ways of paging, on the SDK's paginators (each refuses a page it has already
read, so a looping server cannot loop the migration): cursor lists
(``pages.next.starting_after``), search with the cursor in the JSON body, page numbers
(help center) and the companies scroll."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from deskmigrate.core.errors import ApiError
from deskmigrate.core.http import HttpClient
from deskmigrate.core.paging import (
    PageNumberPaginator,
    PageRequest,
    ScrollPaginator,
    StartingAfterPaginator,
)

PER_PAGE = 150  # Intercom's maximum for lists and search
SCROLL_RESTARTS = 3


class Reads:
    """The host's client as a paginator sees it: every paging request only reads, so a
    search ``POST`` is retried like a ``GET``."""

    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None) -> httpx.Response:
        return self.http.request(method, path, params=params, json=json, idempotent=True)


def cursor_list(http: HttpClient, path: str, key: str) -> Iterator[dict]:
    """Every row of a ``GET`` cursor list (``key`` holds the rows)."""
    yield from StartingAfterPaginator(items=key).items(
        http, PageRequest(path, {"per_page": PER_PAGE}))


def search(http: HttpClient, path: str, key: str, query: dict) -> Iterator[dict]:
    """Every row a ``POST .../search`` finds; the cursor goes in the body."""
    paginator = StartingAfterPaginator(items=key, body_path="pagination.starting_after")
    yield from paginator.items(Reads(http), PageRequest(
        path, json={"query": query, "pagination": {"per_page": PER_PAGE}}, method="POST"))


def numbered(http: HttpClient, path: str, key: str = "data") -> Iterator[dict]:
    """Every row of a page-numbered list (``pages.total_pages``)."""
    yield from PageNumberPaginator(items=key, size=PER_PAGE, total_pages="pages.total_pages"
                                   ).items(http, PageRequest(path))


def scroll_companies(http: HttpClient) -> Iterator[dict]:
    """Every company through the scroll API: one scroll per workspace, restarted from the
    beginning when Intercom answers 500 (it cannot continue a broken scroll); companies
    already given are not given twice."""
    given: set[str] = set()
    for _ in range(SCROLL_RESTARTS):
        try:
            for row in ScrollPaginator(items="data").items(http, PageRequest("companies/scroll")):
                if row["id"] not in given:
                    given.add(row["id"])
                    yield row
            return
        except ApiError as exc:
            if exc.status != 500:
                raise
    raise ApiError("Intercom's company scroll kept failing; try again later.")
