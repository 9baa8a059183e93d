"""Intercom's three ways of paging: cursor lists (``pages.next.starting_after``), search
with the cursor in the body, page numbers (help center, companies) and the companies scroll.
Each refuses a cursor it has already seen, so a looping server cannot loop the migration."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deskmigrate.core.errors import ApiError
from deskmigrate.core.http import HttpClient

PER_PAGE = 150  # Intercom's maximum for lists and search
SCROLL_RESTARTS = 3


def _next_cursor(body: dict, seen: set[str]) -> str | None:
    following = (body.get("pages") or {}).get("next") or {}
    cursor = following.get("starting_after") if isinstance(following, dict) else None
    if cursor is None:
        return None
    if cursor in seen:
        raise ApiError(f"Intercom repeated the cursor {cursor[:20]}: stopping the listing.")
    seen.add(cursor)
    return str(cursor)


def cursor_list(http: HttpClient, path: str, key: str) -> Iterator[dict]:
    """Every row of a ``GET`` cursor list (``key`` holds the rows)."""
    params: dict[str, Any] = {"per_page": PER_PAGE}
    seen: set[str] = set()
    while True:
        body = http.get_json(path, params)
        yield from body.get(key) or []
        cursor = _next_cursor(body, seen)
        if cursor is None:
            return
        params["starting_after"] = cursor


def search(http: HttpClient, path: str, key: str, query: dict) -> Iterator[dict]:
    """Every row a ``POST .../search`` finds; the cursor goes in the body."""
    pagination: dict[str, Any] = {"per_page": PER_PAGE}
    seen: set[str] = set()
    while True:
        body = http.request("POST", path, json={"query": query, "pagination": pagination},
                            idempotent=True).json()
        yield from body.get(key) or []
        cursor = _next_cursor(body, seen)
        if cursor is None:
            return
        pagination["starting_after"] = cursor


def numbered(http: HttpClient, path: str, key: str = "data") -> Iterator[dict]:
    """Every row of a page-numbered list (``pages.total_pages``)."""
    page = 1
    while True:
        body = http.get_json(path, {"page": page, "per_page": PER_PAGE})
        yield from body.get(key) or []
        if page >= int((body.get("pages") or {}).get("total_pages") or 0):
            return
        page += 1


def scroll_companies(http: HttpClient) -> Iterator[dict]:
    """Every company through the scroll API: one scroll per workspace, restarted from the
    beginning when Intercom answers 500 (it cannot continue a broken scroll); companies
    already given are not given twice."""
    given: set[str] = set()
    for _ in range(SCROLL_RESTARTS):
        try:
            param: str | None = None
            while True:
                body = http.get_json("companies/scroll",
                                     {"scroll_param": param} if param else None)
                rows = body.get("data") or []
                if not rows:
                    return
                for row in rows:
                    if row["id"] not in given:
                        given.add(row["id"])
                        yield row
                param = body.get("scroll_param")
        except ApiError as exc:
            if exc.status != 500:
                raise
    raise ApiError("Intercom's company scroll kept failing; try again later.")
