"""Paginators: each style walks every page once, stops at the last, refuses a repeat."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from deskmigrate.core.errors import ApiError
from deskmigrate.core.http import HttpClient
from deskmigrate.core.paging import (
    CursorPaginator,
    LinkHeaderPaginator,
    NextUrlPaginator,
    OffsetPaginator,
    PageNumberPaginator,
    PageRequest,
    PagingError,
    ScrollPaginator,
    StartingAfterPaginator,
    dig,
    merge_query,
)

BASE = "http://127.0.0.1:9"


def api(answer: Callable[[httpx.Request, dict, object], httpx.Response]
        ) -> tuple[HttpClient, list[httpx.Request]]:
    """A client whose transport answers through ``answer(request, query, json_body)``."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        query = dict(parse_qsl(urlsplit(str(request.url)).query))
        body = json.loads(request.content) if request.content else None
        return answer(request, query, body)

    return HttpClient(BASE, platform="acme", transport=httpx.MockTransport(handler),
                      rate_per_minute=100_000, sleep=lambda s: None), calls


def test_dig_and_merge_query() -> None:
    assert dig({"links": {"next": "u"}}, "links.next") == "u"
    assert dig({"links": None}, "links.next") is None
    assert dig([1], None) == [1]
    assert dict(parse_qsl(urlsplit(merge_query("/x?cursor=a", {"cursor": "b", "n": 2})).query)
                ) == {"cursor": "a", "n": "2"}


def test_next_url_with_has_more_and_carried_params() -> None:
    def answer(request, query, body):
        after = int(query.get("after", 0))
        more = after < 2
        return httpx.Response(200, json={
            "items": [after], "meta": {"has_more": more},
            "links": {"next": f"/list?after={after + 1}" if after < 3 else None}})

    client, calls = api(answer)
    paginator = NextUrlPaginator("links.next", items="items", has_more="meta.has_more",
                                 carry={"include": "users"})
    assert list(paginator.items(client, PageRequest("list"))) == [0, 1, 2]
    # the relative next URL is resolved against the page's URL; carried params are added
    assert [dict(parse_qsl(c.url.query.decode())) for c in calls[1:]] == [
        {"after": "1", "include": "users"}, {"after": "2", "include": "users"}]


def test_next_url_stops_at_done_flag() -> None:
    def answer(request, query, body):
        page = int(query.get("page", 1))
        return httpx.Response(200, json={"rows": [page], "end_of_stream": page == 2,
                                         "next_page": f"{BASE}/x?page={page + 1}"})

    client, _ = api(answer)
    paginator = NextUrlPaginator("next_page", items="rows", done="end_of_stream")
    assert list(paginator.items(client, PageRequest("x"))) == [1, 2]


def test_next_url_repeated_is_refused() -> None:
    client, calls = api(lambda r, q, b: httpx.Response(
        200, json={"rows": [1], "next_page": f"{BASE}/x?page=2"}))
    with pytest.raises(PagingError, match="pointed again at a page already read"):
        list(NextUrlPaginator("next_page", items="rows").items(client, PageRequest("x")))
    assert len(calls) == 2  # page 1, page 2, then the repeat of page 2 is refused unsent


def test_cursor_with_has_more() -> None:
    def answer(request, query, body):
        n = int(query.get("page[after]", "0"))
        return httpx.Response(200, json={"data": [n], "meta": {"after_cursor": str(n + 1),
                                                               "has_more": n < 2}})

    client, calls = api(answer)
    paginator = CursorPaginator("meta.after_cursor", "page[after]", items="data",
                                has_more="meta.has_more")
    assert list(paginator.items(client, PageRequest("d", {"page[size]": 1}))) == [0, 1, 2]
    assert all(c.url.params["page[size]"] == "1" for c in calls)  # first params kept


def test_cursor_repeated_is_refused() -> None:
    client, _ = api(lambda r, q, b: httpx.Response(
        200, json={"data": [1], "meta": {"after_cursor": "same", "has_more": True}}))
    paginator = CursorPaginator("meta.after_cursor", "page[after]", items="data",
                                has_more="meta.has_more")
    with pytest.raises(PagingError):
        list(paginator.items(client, PageRequest("d")))


def test_cursor_until_done_flag() -> None:
    """Jira's ``/search/jql``: ``nextPageToken`` until ``isLast`` (no total)."""
    def answer(request, query, body):
        n = int(query.get("nextPageToken", "0"))
        return httpx.Response(200, json={"issues": [n], "nextPageToken": str(n + 1),
                                         "isLast": n == 2})

    client, calls = api(answer)
    paginator = CursorPaginator("nextPageToken", "nextPageToken", items="issues",
                                done="isLast")
    assert list(paginator.items(client, PageRequest("search/jql", {"jql": "x"}))) == [0, 1, 2]
    assert len(calls) == 3 and all(c.url.params["jql"] == "x" for c in calls)


def test_link_header() -> None:
    def answer(request, query, body):
        page = int(query.get("page", 1))
        headers = {"link": f'<{BASE}/t?page={page + 1}>; rel="next"'} if page < 3 else {}
        return httpx.Response(200, json=[page], headers=headers)

    client, _ = api(answer)
    assert list(LinkHeaderPaginator().items(client, PageRequest("t"))) == [1, 2, 3]


def test_link_header_repeated_is_refused() -> None:
    client, _ = api(lambda r, q, b: httpx.Response(
        200, json=[1], headers={"link": f'<{BASE}/t?page=1>; rel="next"'}))
    with pytest.raises(PagingError):
        list(LinkHeaderPaginator().items(client, PageRequest("t", {"page": 1})))


@pytest.mark.parametrize("style", ["is_last", "total", "short_page"])
def test_offset(style: str) -> None:
    rows = list(range(7))

    def answer(request, query, body):
        start, limit = int(query["start"]), int(query["limit"])
        chunk = rows[start:start + limit]
        payload: dict = {"values": chunk}
        if style == "is_last":
            payload["isLastPage"] = start + limit >= len(rows)
        if style == "total":
            payload["total"] = len(rows)
        return httpx.Response(200, json=payload)

    client, calls = api(answer)
    paginator = OffsetPaginator(items="values", size=3)
    assert list(paginator.items(client, PageRequest("r"))) == rows
    # 7 rows by 3: pages at 0, 3 and 6, never an empty fourth page
    assert [c.url.params["start"] for c in calls] == ["0", "3", "6"]


def test_offset_short_page_is_not_last_when_the_platform_says_more() -> None:
    """A platform may return fewer rows than asked (a server-side cap): isLastPage rules."""
    rows = list(range(5))

    def answer(request, query, body):
        start = int(query["start"])
        return httpx.Response(200, json={"values": rows[start:start + 2],
                                         "isLastPage": start + 2 >= len(rows)})

    client, _ = api(answer)
    assert list(OffsetPaginator(items="values", size=50).items(client, PageRequest("r"))) == rows


def test_offset_stuck_is_refused() -> None:
    client, _ = api(lambda r, q, b: httpx.Response(200, json={"values": [], "isLastPage": False}))
    # an empty page that is not the last ends the walk rather than asking again
    assert list(OffsetPaginator(items="values").items(client, PageRequest("r"))) == []


def test_starting_after_in_query() -> None:
    def answer(request, query, body):
        after = query.get("starting_after")
        nxt = {None: "c1", "c1": "c2", "c2": None}[after]
        return httpx.Response(200, json={"data": [after or "first"],
                                         "pages": {"next": {"starting_after": nxt}
                                                   if nxt else None}})

    client, _ = api(answer)
    assert list(StartingAfterPaginator(items="data").items(client, PageRequest("contacts"))
                ) == ["first", "c1", "c2"]


def test_starting_after_in_json_body() -> None:
    bodies: list = []

    def answer(request, query, body):
        bodies.append(body)
        after = (body.get("pagination") or {}).get("starting_after")
        nxt = {None: "c1", "c1": None}[after]
        return httpx.Response(200, json={"data": [after], "pages": {
            "next": {"starting_after": nxt} if nxt else None}})

    client, calls = api(answer)
    search = {"query": {"field": "updated_at", "operator": ">", "value": 0},
              "pagination": {"per_page": 2}}
    paginator = StartingAfterPaginator(items="data", body_path="pagination.starting_after")
    assert list(paginator.items(client, PageRequest("search", json=search, method="POST"))
                ) == [None, "c1"]
    assert [c.method for c in calls] == ["POST", "POST"]
    assert bodies[1] == {"query": search["query"],
                         "pagination": {"per_page": 2, "starting_after": "c1"}}
    assert search["pagination"] == {"per_page": 2}  # the caller's body is not changed


def test_starting_after_repeated_is_refused() -> None:
    client, _ = api(lambda r, q, b: httpx.Response(
        200, json={"data": [1], "pages": {"next": {"starting_after": "x"}}}))
    with pytest.raises(PagingError):
        list(StartingAfterPaginator(items="data").items(client, PageRequest("contacts")))


def _timed_rows(count: int) -> list[dict]:
    """Rows in updated_at order, two per second."""
    return [{"id": i, "updated_at": i // 2} for i in range(count)]


def _by_time(rows: list[dict], per: int):
    def answer(request, query, body):
        since, page = int(query["updated_since"]), int(query["page"])
        if page > 3:
            return httpx.Response(400, json={"message": "page beyond the cap"})
        listed = [r for r in rows if r["updated_at"] >= since]
        chunk = listed[(page - 1) * per:page * per]
        more = page * per < len(listed)
        headers = {"link": f'<{BASE}/t?page={page + 1}>; rel="next"'} if more else {}
        return httpx.Response(200, json=chunk, headers=headers)
    return answer


def _restart(request: PageRequest, last: dict | None) -> PageRequest | None:
    return request.with_params(updated_since=last["updated_at"]) if last else None


def test_page_number_restarts_from_timestamp_past_the_cap() -> None:
    rows = _timed_rows(20)
    client, calls = api(_by_time(rows, per=2))
    paginator = PageNumberPaginator(size=2, max_page=3, restart=_restart)
    seen = [r["id"] for r in paginator.items(client, PageRequest("t", {"updated_since": 0}))]
    assert set(seen) == set(range(20))  # nothing lost; rows of the restart second repeat
    assert max(int(c.url.params["page"]) for c in calls) == 3


def test_page_number_cap_error_restarts_too() -> None:
    """The platform refuses page 4 before the paginator's own cap (max_page=None)."""
    rows = _timed_rows(12)
    client, _ = api(_by_time(rows, per=2))
    paginator = PageNumberPaginator(size=2, restart=_restart,
                                    capped=lambda e: "beyond the" in str(e))
    seen = {r["id"] for r in paginator.items(client, PageRequest("t", {"updated_since": 0}))}
    assert seen == set(range(12))


def test_page_number_cap_without_restart_is_an_error() -> None:
    client, _ = api(_by_time(_timed_rows(20), per=2))
    with pytest.raises(PagingError, match="more than 3 pages"):
        list(PageNumberPaginator(size=2, max_page=3).items(
            client, PageRequest("t", {"updated_since": 0})))


def test_page_number_restart_that_makes_no_progress_is_refused() -> None:
    """More rows share one timestamp than fit under the cap: restarting cannot move on."""
    rows = [{"id": i, "updated_at": 5} for i in range(10)]
    client, _ = api(_by_time(rows, per=2))
    with pytest.raises(PagingError):
        list(PageNumberPaginator(size=2, max_page=3, restart=_restart).items(
            client, PageRequest("t", {"updated_since": 5})))


def test_page_number_without_link_header_stops_at_short_page() -> None:
    def answer(request, query, body):
        page = int(query["page"])
        return httpx.Response(200, json={"rows": [page] * (2 if page < 3 else 1)})

    client, calls = api(answer)
    paginator = PageNumberPaginator(items="rows", size=2)
    assert list(paginator.items(client, PageRequest("r"))) == [1, 1, 2, 2, 3]
    assert len(calls) == 3


def test_page_number_other_errors_propagate() -> None:
    client, _ = api(lambda r, q, b: httpx.Response(400, json={"message": "bad filter"}))
    paginator = PageNumberPaginator(capped=lambda e: "beyond the" in str(e), restart=_restart)
    with pytest.raises(ApiError, match="bad filter"):
        list(paginator.items(client, PageRequest("t")))


def test_page_number_with_a_page_count() -> None:
    """Intercom's help center: ``pages.total_pages`` ends the walk, even on a full page."""
    def answer(request, query, body):
        page = int(query["page"])
        return httpx.Response(200, json={"data": [page, page], "pages": {"total_pages": 2}})

    client, calls = api(answer)
    paginator = PageNumberPaginator(items="data", size=2, total_pages="pages.total_pages")
    assert list(paginator.items(client, PageRequest("articles"))) == [1, 1, 2, 2]
    assert len(calls) == 2  # the second page is full, yet no third is asked for


def test_scroll_sends_one_token_until_an_empty_page() -> None:
    rows = [{"id": str(i)} for i in range(5)]
    position = {"at": 0}

    def answer(request, query, body):
        assert query.get("scroll_param") in (None, "s1")
        chunk = rows[position["at"]:position["at"] + 2]
        position["at"] += 2
        return httpx.Response(200, json={"data": chunk, "scroll_param": "s1"})

    client, calls = api(answer)
    got = list(ScrollPaginator(items="data").items(client, PageRequest("companies/scroll")))
    assert got == rows
    assert [c.url.params.get("scroll_param") for c in calls] == [None, "s1", "s1", "s1"]


def test_scroll_that_gives_a_page_again_is_refused() -> None:
    client, calls = api(lambda r, q, b: httpx.Response(
        200, json={"data": [{"id": "1"}, {"id": "2"}], "scroll_param": "s1"}))
    with pytest.raises(PagingError, match="gave again a page already read"):
        list(ScrollPaginator(items="data").items(client, PageRequest("companies/scroll")))
    assert len(calls) == 2
