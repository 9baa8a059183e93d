"""Thin helpers over the host's HTTP client for Jira's two pagination styles and
attachment downloads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from deskmigrate.core.errors import ApiError
from deskmigrate.core.http import HttpClient

SD = "rest/servicedeskapi"
V3 = "rest/api/3"
EXPERIMENTAL = {"X-ExperimentalApi": "opt-in"}
NO_CHECK = {"X-Atlassian-Token": "no-check"}
PAGE = 50


class JiraApi:
    def __init__(self, http: HttpClient) -> None:
        self.http = http

    def get(self, path: str, params: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> Any:
        return self.http.request("GET", path, params=params, headers=headers).json()

    def sd_values(self, path: str, params: dict[str, Any] | None = None,
                  headers: dict[str, str] | None = None) -> Iterator[dict]:
        """servicedeskapi lists: ``start``/``limit`` until ``isLastPage``."""
        start = 0
        while True:
            page = self.get(f"{SD}/{path}", {**(params or {}), "start": start, "limit": PAGE},
                            headers)
            yield from page.get("values") or []
            if page.get("isLastPage", True) or not page.get("values"):
                return
            start += len(page["values"])

    def v3_values(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict]:
        """Platform lists paged by ``startAt``/``maxResults`` with ``isLast``, or returned
        as a bare list (``users/search``) until a short page."""
        start = 0
        while True:
            page = self.get(f"{V3}/{path}", {**(params or {}), "startAt": start,
                                             "maxResults": PAGE})
            rows = page if isinstance(page, list) else page.get("values") or []
            yield from rows
            last = len(rows) < PAGE if isinstance(page, list) else page.get("isLast", True)
            if last or not rows:
                return
            start += len(rows)

    def search(self, jql: str, fields: str, properties: str = "") -> Iterator[dict]:
        """``GET /search/jql`` following ``nextPageToken`` (no total, ``isLast``)."""
        token: str | None = None
        seen: set[str] = set()
        while True:
            params: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": PAGE}
            if properties:
                params["properties"] = properties
            if token:
                params["nextPageToken"] = token
            page = self.get(f"{V3}/search/jql", params)
            yield from page.get("issues") or []
            token = page.get("nextPageToken")
            if page.get("isLast", True) or not token:
                return
            if token in seen:
                raise ApiError("Jira repeated a nextPageToken; the search cannot go on.")
            seen.add(token)

    def download(self, url: str) -> bytes:
        """Attachment content: Jira answers with a 303 to its media service; the host's
        client follows it only to the platform's file hosts, without credentials."""
        return self.http.download(url)
