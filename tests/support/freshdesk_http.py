"""A plain httpx client of a Freshdesk account's REST API v2 and its ``Link`` paging, for
the independent readers of the end-to-end tests (no connector code)."""

from __future__ import annotations

import re
from typing import Any

import httpx

NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')


def client(url: str, credentials: dict[str, str]) -> httpx.Client:
    return httpx.Client(base_url=f"{url}/api/v2", auth=(credentials["api_key"], "X"),
                        timeout=30)


def rows(http: httpx.Client, path: str, params: dict[str, Any] | None = None) -> list[dict]:
    """Every row of a list, following the ``Link`` header."""
    out: list[dict] = []
    response = http.get(path, params={"per_page": 100, **(params or {})})
    while True:
        out.extend(response.raise_for_status().json())
        found = NEXT.search(response.headers.get("link", ""))
        if found is None:
            return out
        response = http.get(found.group(1))
