"""Thin helpers over the host's HTTP client: Jira's list styles on the SDK's paginators
(each refuses a page it has already read) and attachment downloads."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import httpx

from deskmigrate.core.http import HttpClient
from deskmigrate.core.paging import CursorPaginator, OffsetPaginator, PageRequest

SD = "rest/servicedeskapi"
V3 = "rest/api/3"
EXPERIMENTAL = {"X-ExperimentalApi": "opt-in"}
NO_CHECK = {"X-Atlassian-Token": "no-check"}
PAGE = 50
COMMENT_PAGE = 100

# servicedeskapi lists: ``start``/``limit`` until ``isLastPage``
SD_PAGES = OffsetPaginator(items="values", size=PAGE)
# platform lists (``group/bulk``, ``group/member``): ``startAt``/``maxResults``, ``isLast``
V3_PAGES = OffsetPaginator(items="values", start="startAt", limit="maxResults", size=PAGE,
                           is_last="isLast")
# an issue's comments: ``startAt``/``maxResults`` until ``total``
COMMENT_PAGES = OffsetPaginator(items="comments", start="startAt", limit="maxResults",
                                size=COMMENT_PAGE, is_last=None)
# ``GET /search/jql``: ``nextPageToken`` until ``isLast`` (no total)
SEARCH_PAGES = CursorPaginator("nextPageToken", "nextPageToken", items="issues",
                               done="isLast")


class JiraApi:
    def __init__(self, http: HttpClient, headers: Mapping[str, str] | None = None) -> None:
        self.http = http
        self.headers = headers

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                json: Any = None) -> httpx.Response:
        """One request with this API's headers (what the paginators call)."""
        return self.http.request(method, path, params=params, json=json, headers=self.headers)

    def get(self, path: str, params: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> Any:
        return self.http.request("GET", path, params=params, headers=headers).json()

    def sd_values(self, path: str, params: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> Iterator[dict]:
        yield from SD_PAGES.items(JiraApi(self.http, headers),
                                  PageRequest(f"{SD}/{path}", params or {}))

    def v3_values(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict]:
        yield from V3_PAGES.items(self, PageRequest(f"{V3}/{path}", params or {}))

    def comments(self, key: str) -> Iterator[dict]:
        """An issue's comments (ADF bodies, ``jsdPublic``) with their entity properties."""
        yield from COMMENT_PAGES.items(self, PageRequest(f"{V3}/issue/{key}/comment",
                                                         {"expand": "properties"}))

    def search(self, jql: str, fields: str, properties: str = "") -> Iterator[dict]:
        params: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": PAGE}
        if properties:
            params["properties"] = properties
        yield from SEARCH_PAGES.items(self, PageRequest(f"{V3}/search/jql", params))

    def download(self, url: str) -> bytes:
        """Attachment content: Jira answers with a 303 to its media service; the host's
        client follows it only to the platform's file hosts, without credentials."""
        return self.http.download(url)
