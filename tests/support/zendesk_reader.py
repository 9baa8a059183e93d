"""Primitives of an independent Zendesk API reader for end-to-end comparisons (plain
httpx; it shares no code with the connector under test)."""

from __future__ import annotations

import re
from typing import Any

import httpx

IMG_SRC = re.compile(r'(<img[^>]*?\bsrc=")[^"]*(")')


def client(url: str, credentials: dict[str, str]) -> httpx.Client:
    auth = (f"{credentials['email']}/token", credentials["token"])
    return httpx.Client(base_url=url, auth=auth, timeout=30)


def pages(http: httpx.Client, path: str, key: str) -> list[dict[str, Any]]:
    """Every row of a cursor-paginated list, following ``links.next`` as given."""
    rows: list[dict[str, Any]] = []
    url: str | None = f"{path}{'&' if '?' in path else '?'}page[size]=100"
    while url:
        body = http.get(url).raise_for_status().json()
        rows.extend(body[key])
        url = body["links"]["next"] if body["meta"]["has_more"] else None
    return rows


def export_tickets(http: httpx.Client) -> list[dict[str, Any]]:
    """Every live ticket (archived ones too) through the incremental cursor export."""
    body = http.get("/api/v2/incremental/tickets/cursor.json", params={"start_time": 0}).json()
    rows = list(body["tickets"])
    while not body["end_of_stream"]:
        body = http.get("/api/v2/incremental/tickets/cursor.json",
                        params={"cursor": body["after_cursor"]}).json()
        rows.extend(body["tickets"])
    return [t for t in rows if t.get("status") != "deleted"]
