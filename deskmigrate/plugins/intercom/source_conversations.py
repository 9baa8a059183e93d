"""Conversations and Intercom tickets as neutral tickets: the first message from
``source``, ``comment`` parts as public replies, ``note`` parts as internal notes; other
parts (assignment, open, close, snooze) are state, unless they carry a message body. The
detail view holds only the newest 500 parts: a longer conversation is logged and gets a note
saying how many parts could not be read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import Any

import structlog

from deskmigrate.core.http import HttpClient
from deskmigrate.core.records import (
    TICKET_TYPES,
    Attachment,
    Comment,
    Ticket,
    Unreadable,
    readable,
)

from .api import cursor_list, search
from .mapping import (
    CHANNELS,
    PEOPLE,
    STATE_TO_STATUS,
    TICKET_STATE_TO_STATUS,
    from_epoch,
    image_sources,
    subject_of,
    text_of,
    to_epoch,
)

log = structlog.get_logger("deskmigrate.intercom")
STAMP = "deskmigrate_id"  # the target's own marker, not a customer field
MESSAGE_PARTS = {"comment": True, "note": False}
TICKET_PREFIX = "ticket-"
TICKET_TYPE_FIELD = "Intercom ticket type"
EVERYTHING = {"field": "created_at", "operator": ">", "value": "0"}


class ConversationReader:
    """Reads conversations and tickets; ``tags`` maps tag ids to names, ``hosts`` are the
    hosts inline images may be fetched from."""

    def __init__(self, http: HttpClient, hosts: set[str | None]) -> None:
        self.http = http
        self.hosts = hosts

    # -- listing --------------------------------------------------------------------------
    def conversation_ids(self, since: datetime | None = None) -> Iterator[str]:
        if since is None:
            rows = cursor_list(self.http, "conversations", "conversations")
        else:
            query = {"field": "updated_at", "operator": ">", "value": to_epoch(since)}
            rows = search(self.http, "conversations/search", "conversations", query)
        yield from (str(row["id"]) for row in rows)

    def ticket_ids(self, since: datetime | None = None) -> Iterator[str]:
        query = EVERYTHING if since is None else {
            "field": "updated_at", "operator": ">", "value": to_epoch(since)}
        for row in search(self.http, "tickets/search", "tickets", query):
            yield TICKET_PREFIX + str(row["id"])

    def assignees(self) -> set[str]:
        """Admins assigned to a conversation or ticket, from list rows alone."""
        rows = (*cursor_list(self.http, "conversations", "conversations"),
                *search(self.http, "tickets/search", "tickets", EVERYTHING))
        return {str(row["admin_assignee_id"]) for row in rows if row.get("admin_assignee_id")}

    def read(self, since: datetime | None = None) -> Iterator[Ticket | Unreadable]:
        for ticket_id in (*self.conversation_ids(since), *self.ticket_ids(since)):
            found = readable(ticket_id, partial(self.get, ticket_id))
            if found is not None:
                yield found

    def get(self, ticket_id: str) -> Ticket | None:
        if ticket_id.startswith(TICKET_PREFIX):
            number = ticket_id[len(TICKET_PREFIX):]
            if not number.isdigit():
                return None
            response = self.http.request("GET", f"tickets/{number}", ok_404=True)
            return None if response.status_code == 404 else self.ticket(response.json())
        if not ticket_id.isdigit():
            return None
        response = self.http.request("GET", f"conversations/{ticket_id}", ok_404=True)
        return None if response.status_code == 404 else self.conversation(response.json())

    # -- conversations --------------------------------------------------------------------
    def conversation(self, body: dict[str, Any]) -> Ticket:
        cid = str(body["id"])
        source = body.get("source") or {}
        author = source.get("author") or {}
        contacts = [c["id"] for c in (body.get("contacts") or {}).get("contacts", [])]
        requester = author.get("id") if author.get("type") in PEOPLE else (
            contacts[0] if contacts else None)
        created = from_epoch(body.get("created_at"))
        channel = CHANNELS.get(source.get("type", ""), "web")
        comments = [self.comment(f"m{source.get('id') or cid}", author, source.get("body"),
                                 True, created, source.get("attachments"), channel)]
        listing = body.get("conversation_parts") or {}
        parts = listing.get("conversation_parts") or []
        for part in parts:
            public = MESSAGE_PARTS.get(part.get("part_type", ""))
            if public is None and not text_of(part.get("body")) and not part.get("attachments"):
                continue  # assignment / open / close / snooze: state, not a message
            comments.append(self.comment(
                str(part["id"]), part.get("author") or {}, part.get("body"),
                True if public is None else public, from_epoch(part.get("created_at")),
                part.get("attachments"), channel))
        total = max(int(listing.get("total_count") or 0), int(
            (body.get("statistics") or {}).get("count_conversation_parts") or 0))
        if total > len(parts):
            comments.append(self.truncation_note(cid, total, len(parts), body))
        custom = {k: v for k, v in (body.get("custom_attributes") or {}).items()
                  if k != STAMP and v is not None}
        closed = (body.get("statistics") or {}).get("last_close_at")
        return Ticket(
            source_id=cid, subject=subject_of(body.get("title"), source.get("subject"),
                                              source.get("body")),
            status=STATE_TO_STATUS.get(body.get("state", "open"), "open"),
            priority="high" if body.get("priority") == "priority" else "normal",
            type="question",
            tags=[t["name"] for t in (body.get("tags") or {}).get("tags", [])],
            custom_fields=custom, requester_id=requester,
            assignee_id=_id(body.get("admin_assignee_id")),
            group_id=_id(body.get("team_assignee_id")),
            created_at=created, updated_at=from_epoch(body.get("updated_at")),
            solved_at=from_epoch(closed) if body.get("state") == "closed" else None,
            channel=channel, comments=comments)

    def truncation_note(self, cid: str, total: int, returned: int, body: dict) -> Comment:
        missing = total - returned
        log.warning("intercom.parts_truncated", conversation=cid, parts=total,
                    returned=returned)
        text = (f"Intercom returned only the newest {returned} of the {total} parts of this "
                f"conversation: the oldest {missing} could not be migrated.")
        return Comment(source_id=f"{cid}-truncated", author_id=None, body_html=f"<p>{text}</p>",
                       body_text=text, public=False,
                       created_at=from_epoch(body.get("updated_at")))

    def comment(self, source_id: str, author: dict, body_html: str | None, public: bool,
                created: datetime | None, files: list[dict] | None, channel: str) -> Comment:
        html = body_html or ""
        return Comment(source_id=source_id, author_id=author.get("id"), body_html=html,
                       body_text=text_of(html), public=public, created_at=created,
                       attachments=self.attachments(source_id, files or [], html),
                       channel=channel, incoming=author.get("type") in PEOPLE)

    def attachments(self, owner: str, files: list[dict], html: str) -> list[Attachment]:
        found = [Attachment(source_id=f"{owner}-{i}", file_name=f.get("name") or "file",
                            content_type=f.get("content_type") or "application/octet-stream",
                            size=int(f.get("filesize") or 0), url=f["url"], public_url=True,
                            fetch=self._fetcher(f["url"]))
                 for i, f in enumerate(files) if f.get("url")]
        for i, src in enumerate(image_sources(html)):
            host = src.split("/")[2] if "://" in src else None
            if host and host.split(":")[0] in self.hosts:
                found.append(Attachment(
                    source_id=f"{owner}-img{i}", file_name=src.rsplit("/", 1)[-1] or "image",
                    content_type="image/png" if src.endswith(".png") else "image/jpeg",
                    size=0, url=src, inline=True, public_url=True,
                    fetch=self._fetcher(src)))
        return found

    def _fetcher(self, url: str) -> Callable[[], bytes]:
        return lambda: self.http.download(url)

    # -- tickets --------------------------------------------------------------------------
    def ticket(self, body: dict[str, Any]) -> Ticket:
        tid = TICKET_PREFIX + str(body["id"])
        attributes = body.get("ticket_attributes") or {}
        contacts = [c["id"] for c in (body.get("contacts") or {}).get("contacts", [])]
        requester = contacts[0] if contacts else None
        created = from_epoch(body.get("created_at"))
        description = attributes.get("_default_description_") or ""
        comments = [self.comment(f"{tid}-description", {"id": requester, "type": "user"},
                                 description, True, created, [], "web")]
        for part in (body.get("ticket_parts") or {}).get("ticket_parts", []):
            public = MESSAGE_PARTS.get(part.get("part_type", ""))
            if public is None and not text_of(part.get("body")):
                continue
            comments.append(self.comment(
                f"{tid}-{part['id']}", part.get("author") or {}, part.get("body"),
                True if public is None else public, from_epoch(part.get("created_at")),
                part.get("attachments"), "web"))
        kind = (body.get("ticket_type") or {}).get("name") or ""
        state = (body.get("ticket_state") or {}).get("category", "submitted")
        return Ticket(
            source_id=tid, subject=str(attributes.get("_default_title_") or kind or tid),
            status=TICKET_STATE_TO_STATUS.get(state, "open"),
            type=kind.lower() if kind.lower() in TICKET_TYPES else "task",
            custom_fields={TICKET_TYPE_FIELD: kind} if kind else {},
            requester_id=requester, assignee_id=_id(body.get("admin_assignee_id")),
            group_id=_id(body.get("team_assignee_id")), created_at=created,
            updated_at=from_epoch(body.get("updated_at")), channel="web", comments=comments)


def _id(value: Any) -> str | None:
    """Intercom sends unassigned as null, 0 or "0"."""
    return None if value in (None, 0, "0", "") else str(value)
