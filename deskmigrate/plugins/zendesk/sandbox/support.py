"""Small helpers shared by the Zendesk sandbox handlers: time formats, ids, request
bodies, rendering stored documents and Zendesk-shaped errors."""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from werkzeug.routing import Rule
from werkzeug.wrappers import Request

from deskmigrate.sandbox import SandboxStore
from deskmigrate.sandbox.app import ApiHTTPError

ACCOUNT_ID = 10_123_456  # the account id job results carry
HOST = "__HOST__"  # stored in place of the sandbox's own base URL inside HTML bodies

# Realistic-looking, distinct id ranges per collection (tickets count from 1 like Zendesk).
ID_START = {
    "tickets": 1, "users": 361_000_000_001, "organizations": 362_000_000_001,
    "groups": 363_000_000_001, "comments": 364_000_000_001, "attachments": 365_000_000_001,
    "ticket_fields": 366_000_000_001, "user_fields": 367_000_000_001,
    "organization_fields": 368_000_000_001, "group_memberships": 369_000_000_001,
    "categories": 360_100_000_001, "sections": 360_200_000_001, "articles": 360_300_000_001,
    "translations": 360_400_000_001, "permission_groups": 360_500_000_001,
    "article_attachments": 360_600_000_001,
    "identities": 370_500_000_001,  # below it: primary emails' identities (identities.py)
}


def routes(path: str, endpoint: str, methods: tuple[str, ...] = ("GET",)) -> list[Rule]:
    """Rules for ``/api/v2{path}`` with and without the optional ``.json`` suffix."""
    full = f"/api/v2{path}"
    return [Rule(full, endpoint=endpoint, methods=list(methods)),
            Rule(f"{full}.json", endpoint=endpoint, methods=list(methods))]


def iso(ts: float) -> str:
    """Zendesk's timestamp format: ``2024-05-01T12:00:00Z``."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def now() -> float:
    return float(int(time.time()))


class Ids:
    """Id sequences kept in the store's meta table, one per collection."""

    def __init__(self, store: SandboxStore) -> None:
        self.store = store
        self._lock = threading.Lock()

    def reserve(self, collection: str, count: int = 1) -> int:
        """The first of ``count`` fresh ids of ``collection``."""
        key = f"zendesk:seq:{collection}"
        with self._lock:
            current = self.store.meta(key)
            first = int(current) + 1 if current else ID_START[collection]
            self.store.set_meta(key, str(first + count - 1))
        return first

    def next(self, collection: str) -> int:
        return self.reserve(collection, 1)


def audited(store: SandboxStore, ticket_id: int, stamp: float) -> None:
    """An audit at ``stamp`` (a side-conversation change, a call) is a system update of the
    ticket: its ``generated_timestamp``, which the ticket export orders by, is never earlier
    than its events (``updated_at`` stays)."""
    ticket = store.get("tickets", ticket_id)
    if ticket is not None and stamp > ticket["_ts"]:
        store.put("tickets", {**ticket, "_ts": stamp})


def body(request: Request, root: str | None = None) -> Any:
    """The JSON request body (or its ``root`` object); 400 when it is not JSON."""
    try:
        data = json.loads(request.get_data() or b"null")
    except ValueError:
        raise ApiHTTPError(400, "InvalidJSON", "The request body is not valid JSON") from None
    if root is None:
        return data
    if not isinstance(data, dict) or not isinstance(data.get(root), dict | list):
        raise invalid(f"The request must have a '{root}' object", {root: "missing"})
    return data[root]


def invalid(description: str, details: dict[str, Any] | None = None) -> ApiHTTPError:
    """A 422 RecordInvalid with Zendesk's ``details`` shape."""
    shaped = {field: [{"description": f"{field.capitalize()}: {why}", "error": "InvalidValue"}]
              for field, why in (details or {}).items()}
    return ApiHTTPError(422, "RecordInvalid", {"description": description, "details": shaped})


def failure_details(exc: ApiHTTPError) -> str:
    """The one-line ``details`` of an item a bulk job refused."""
    details = exc.details.get("details", {}) if isinstance(exc.details, dict) else {}
    return "; ".join(e["description"] for errors in details.values() for e in errors)


def not_found() -> ApiHTTPError:
    return ApiHTTPError(404, "RecordNotFound", {"description": "Not found"})


def bad_request(error: str, description: str) -> ApiHTTPError:
    return ApiHTTPError(400, error, {"description": description})


def id_list(request: Request, name: str = "ids", limit: int = 100) -> list[int]:
    """``?ids=1,2,3`` as integers (at most ``limit``)."""
    raw = request.args.get(name, "")
    try:
        ids = [int(x) for x in raw.split(",") if x.strip()]
    except ValueError:
        raise bad_request("InvalidValue", f"'{name}' must be a comma-separated id list") from None
    if not ids:
        raise bad_request("InvalidValue", f"'{name}' is required")
    if len(ids) > limit:
        raise bad_request("TooManyValues", f"Too many values in '{name}' (at most {limit})")
    return ids


def base_url(request: Request) -> str:
    return request.host_url.rstrip("/")


def public(doc: dict[str, Any], base: str) -> dict[str, Any]:
    """A stored document as the API shows it: no ``_private`` keys, host placeholders filled."""
    return {k: _fill(v, base) for k, v in doc.items() if not k.startswith("_")}


def count_body(value: int) -> dict[str, Any]:
    """A ``/count`` answer."""
    return {"count": {"value": value, "refreshed_at": iso(now())}}


def rendered(collection: str, base: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Render stored documents of ``collection`` with their API ``url``."""
    def render(doc: dict[str, Any]) -> dict[str, Any]:
        return {**public(doc, base), "url": f"{base}/api/v2/{collection}/{doc['id']}.json"}
    return render


def _fill(value: Any, base: str) -> Any:
    if isinstance(value, str):
        return value.replace(HOST, base) if HOST in value else value
    if isinstance(value, list):
        return [_fill(v, base) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, base) for k, v in value.items() if not k.startswith("_")}
    return value


def unfill(text: str, base: str) -> str:
    """Store the sandbox's own URLs host-independently."""
    return text.replace(base, HOST)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in ("p", "div", "li") and self.parts:
            self.parts.append("\n\n")


def html_to_text(markup: str) -> str:
    """Plain text of an HTML body: paragraphs separated by a blank line."""
    parser = _Text()
    parser.feed(markup)
    return re.sub(r"\n{3,}", "\n\n", "".join(parser.parts)).strip()


def text_to_html(text: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if p.strip()] or [""]
    inner = "".join(f'<p dir="auto">{html.escape(p).replace(chr(10), "<br>")}</p>'
                    for p in paragraphs)
    return f'<div class="zd-comment" dir="auto">{inner}</div>'
