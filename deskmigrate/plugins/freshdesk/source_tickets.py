"""Reading Freshdesk tickets: the ``updated_since`` walk past the 300-page cap, spam and
deleted tickets, and each ticket's description, conversations and files."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import structlog
from selectolax.lexbor import LexborHTMLParser

from deskmigrate.core.errors import ApiError
from deskmigrate.core.paging import PageNumberPaginator, PageRequest
from deskmigrate.core.records import Attachment, Comment, Ticket

from .hosts import file_url_refusal
from .mapping import (
    PRIORITY_TO_CANONICAL,
    STATUS_TO_CANONICAL,
    conversation_channel,
    format_time,
    parse_time,
    ticket_channel,
    type_to_canonical,
)
from .paging import PER_PAGE, FreshdeskApi, SeenIds, rows

log = structlog.get_logger("deskmigrate.freshdesk")

MAX_PAGE = 300  # Freshdesk refuses page 301 of a ticket list
EPOCH = "1970-01-01T00:00:00Z"
LIST_FILTERS = (None, "spam", "deleted")  # plain list, then spam, then trash
FILTER_TAGS = {"spam": "spam", "deleted": "deleted"}
INLINE_PATH = "/inline/attachment"


def _restart(request: PageRequest, last: dict | None) -> PageRequest | None:
    """Past the page cap: list again from the last row's ``updated_at``."""
    if last is None:
        return None
    return request.with_params(updated_since=last["updated_at"])


def _past_cap(error: ApiError) -> bool:
    """Freshdesk's answer to a page past its cap (it can come before page 300)."""
    return error.status == 400 and "beyond the" in str(error)


class TicketReader:
    """Lists and assembles tickets; ``labels`` maps ``cf_`` keys to field labels."""

    def __init__(self, api: FreshdeskApi, labels: Callable[[], dict[str, str]]) -> None:
        self.api = api
        self.labels = labels
        self.account_host = urlsplit(api.http.base_url).hostname

    # -- listing --------------------------------------------------------------------------
    def listed(self, since: datetime | None = None) -> Iterator[dict]:
        """Every ticket row once: the open list, then spam, then deleted ones."""
        seen = SeenIds()
        for name in LIST_FILTERS:
            for row in self._walk(name, since):
                if seen.add(row["id"]):
                    yield {**row, "_filter": name}

    def _walk(self, name: str | None, since: datetime | None) -> Iterator[dict]:
        """``updated_at`` ascending from ``since``; past page 300 the walk restarts at page
        1 from the last ``updated_at`` seen (rows seen twice are dropped by the caller)."""
        params: dict[str, Any] = {"updated_since": format_time(since) if since else EPOCH,
                                  "order_by": "updated_at", "order_type": "asc"}
        if name:
            params["filter"] = name
        paginator = PageNumberPaginator(size=PER_PAGE, max_page=MAX_PAGE, restart=_restart,
                                        capped=_past_cap)
        yield from paginator.items(self.api, PageRequest("tickets", params))

    # -- one ticket -----------------------------------------------------------------------
    def ticket(self, ticket_id: int | str, listed_as: str | None = None) -> Ticket | None:
        """The full ticket with every message and file, or None if it is gone."""
        response = self.api.request("GET", f"tickets/{ticket_id}", params={"include": "stats"},
                                    ok_404=True)
        if response.status_code == 404:
            return None
        view = response.json()
        conversations = list(rows(self.api, f"tickets/{ticket_id}/conversations"))
        return self._build(view, conversations, listed_as)

    def _build(self, view: dict, conversations: list[dict], listed_as: str | None) -> Ticket:
        labels = self.labels()
        warnings: list[str] = []
        ticket_type, type_tag = type_to_canonical(view.get("type"))
        tags = list(view.get("tags") or [])
        tags += [t for t in (type_tag, FILTER_TAGS.get(listed_as or "")) if t]
        if view.get("spam") and "spam" not in tags:
            tags.append("spam")
        if view.get("deleted") and "deleted" not in tags:
            tags.append("deleted")
        requester = _sid(view.get("requester_id"))
        first = Comment(
            source_id=f"{view['id']}-description", author_id=requester,
            body_html=view.get("description") or "", body_text=view.get("description_text")
            or "", public=True, created_at=parse_time(view.get("created_at")),
            attachments=self._files(view.get("attachments", []), view.get("description"),
                                    warnings),
            channel=ticket_channel(view.get("source")), incoming=view.get("source") != 10)
        comments = [first, *(self._comment(c, warnings) for c in conversations)]
        stats = view.get("stats") or {}
        return Ticket(
            source_id=str(view["id"]), subject=view.get("subject") or "",
            status=STATUS_TO_CANONICAL.get(view.get("status", 2), "open"),
            priority=PRIORITY_TO_CANONICAL.get(view.get("priority", 1)), type=ticket_type,
            tags=tags, custom_fields={labels.get(k, k): v for k, v in
                                      (view.get("custom_fields") or {}).items() if v is not None},
            requester_id=requester, assignee_id=_sid(view.get("responder_id")),
            group_id=_sid(view.get("group_id")), company_id=_sid(view.get("company_id")),
            created_at=parse_time(view.get("created_at")),
            updated_at=parse_time(view.get("updated_at")),
            solved_at=parse_time(stats.get("resolved_at") or stats.get("closed_at")),
            channel=ticket_channel(view.get("source")), comments=comments,
            warnings=warnings)

    def _comment(self, conversation: dict, warnings: list[str]) -> Comment:
        return Comment(
            source_id=str(conversation["id"]), author_id=_sid(conversation.get("user_id")),
            body_html=conversation.get("body") or "",
            body_text=conversation.get("body_text") or "",
            public=not conversation.get("private", False),
            created_at=parse_time(conversation.get("created_at")),
            attachments=self._files(conversation.get("attachments", []),
                                    conversation.get("body"), warnings),
            channel=conversation_channel(conversation.get("source")),
            incoming=bool(conversation.get("incoming")))

    def _files(self, attachments: list[dict], body_html: str | None, warnings: list[str]
               ) -> list[Attachment]:
        """Attachments downloaded now (their URLs expire in minutes), then inline images.
        A file on a host that is not Freshdesk's, or that cannot be downloaded, is left out
        with a warning on the ticket."""
        files = []
        for item in attachments:
            url = item.get("attachment_url") or ""
            refusal = file_url_refusal(url, self.account_host)
            if refusal is not None:
                warnings.append(f"attachment {item.get('name')!r} left out: {refusal}")
                continue
            try:
                data = self.api.download(url)
            except ApiError as exc:
                warnings.append(f"attachment {item.get('name')!r} left out: {exc}")
                continue
            files.append(Attachment(
                source_id=str(item["id"]), file_name=item["name"],
                content_type=item.get("content_type") or "application/octet-stream",
                size=len(data), url=url, public_url=True,  # a signed link, for minutes
                fetch=_held(data)))
        return files + self._inline_images(body_html or "", warnings)

    def _inline_images(self, body_html: str, warnings: list[str]) -> list[Attachment]:
        """``<img>`` tags pointing at Freshdesk's inline attachment URL on any data
        centre's attachment host (or the account's own)."""
        images = []
        for img in LexborHTMLParser(body_html).css("img") if body_html else ():
            url = img.attributes.get("src") or ""
            if urlsplit(url).path != INLINE_PATH:
                if url and not url.startswith("data:"):
                    log.debug("freshdesk.external_image", host=urlsplit(url).hostname)
                continue
            refusal = file_url_refusal(url, self.account_host)
            if refusal is not None:
                warnings.append(f"inline image left out: {refusal}")
                continue
            key = img.attributes.get("data-id") or hashlib.sha1(url.encode()).hexdigest()[:16]
            name = img.attributes.get("alt") or f"inline-{key}"
            images.append(Attachment(
                source_id=f"inline-{key}", file_name=name,
                content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
                size=0, url=url, inline=True, fetch=_downloader(self.api, url)))
        return images


def _held(data: bytes) -> Callable[[], bytes]:
    """``fetch`` for bytes already downloaded (plain closures copy cleanly in fingerprints)."""
    def fetch() -> bytes:
        return data
    return fetch


def _downloader(api: FreshdeskApi, url: str) -> Callable[[], bytes]:
    """``fetch`` that downloads ``url`` when the bytes are wanted."""
    def fetch() -> bytes:
        return api.download(url)
    return fetch


def _sid(value: Any) -> str | None:
    return None if value is None else str(value)
