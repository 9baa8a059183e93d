"""Writing tickets to Freshdesk: one ``POST /tickets`` (the first message as description,
its files inside) and one ``POST /tickets/{id}/notes`` per further message - never a reply
or outbound email, which would email customers. Freshdesk cannot set times, so every
message opens with a line naming its original author and time."""

from __future__ import annotations

import hashlib
import html
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from deskmigrate.core.connector import ChildResult, WriteContext, WriteResult
from deskmigrate.core.errors import AmbiguousWrite, ApiError
from deskmigrate.core.history import origin_html, person
from deskmigrate.core.records import Agent, Comment, Contact, Ticket

from .mapping import (
    CHANNEL_TO_SOURCE,
    PRIORITY_FROM_CANONICAL,
    STATUS_FROM_CANONICAL,
    STATUS_TAGS,
    type_from_canonical,
)
from .paging import FreshdeskApi, rows
from .target_fields import FieldMapper
from .target_files import Upload, pack

MARKER_PREFIX = "dm-"
EPOCH = "1970-01-01T00:00:00Z"
COMPLETE_ATTEMPTS = 4  # looks at a found ticket's notes while writes stay ambiguous


def marker_tag(external_id: str) -> str:
    """The tag that finds a ticket again after a crash (Freshdesk has no external_id; tags
    are at most 32 characters, so the engine's marker is hashed)."""
    return MARKER_PREFIX + hashlib.sha1(external_id.encode()).hexdigest()[:16]


@dataclass
class Message:
    """One request's worth of a comment: a note (or the description) and its files."""

    comment: Comment | None
    body: str
    files: list[Upload] = field(default_factory=list)
    private: bool = True
    incoming: bool = False
    user_id: str | None = None


class People:
    """Names and emails for the "originally posted by" lines: of target users (filled by
    the contacts and agents this target writes or matches, fetched once otherwise), else
    the source's own record of the author (an agent without a Freshdesk seat)."""

    def __init__(self, api: FreshdeskApi) -> None:
        self.api = api
        self._known: dict[str, tuple[str, str | None]] = {}
        self._lock = threading.Lock()

    def remember(self, user_id: str, name: str, email: str | None) -> None:
        with self._lock:
            self._known[user_id] = (name, email)

    def author(self, source_id: str | None, ctx: WriteContext) -> str | None:
        """Who wrote a message: the target user it maps to, else the source's person."""
        user_id = ctx.user(source_id)
        if user_id is not None:
            return self.describe(user_id)
        record = ctx.person(source_id)
        if isinstance(record, Agent | Contact):
            return person(record.name, record.email) or None
        return None

    def describe(self, user_id: str | None) -> str | None:
        if user_id is None:
            return None
        with self._lock:
            known = self._known.get(user_id)
        if known is None:
            known = self._fetch(user_id)
            self.remember(user_id, *known)
        return person(*known)

    def _fetch(self, user_id: str) -> tuple[str, str | None]:
        response = self.api.request("GET", f"contacts/{user_id}", ok_404=True)
        if response.status_code != 404:
            body = response.json()
            return body.get("name") or "", body.get("email")
        response = self.api.request("GET", f"agents/{user_id}", ok_404=True)
        if response.status_code == 404:
            return f"user {user_id}", None
        contact = response.json().get("contact") or {}
        return contact.get("name") or "", contact.get("email")


class TicketWriter:
    """Creates one ticket with its messages; ``fields`` gives the ticket field mapper and
    the account's type choices."""

    def __init__(self, api: FreshdeskApi, people: People,
                 fields: Callable[[], tuple[FieldMapper, list[str]]]) -> None:
        self.api = api
        self.people = people
        self.fields = fields

    def write(self, ticket: Ticket, ctx: WriteContext) -> WriteResult:
        def warn(message: str) -> None:
            ctx.warn(ticket.source_id, message)

        requester = ctx.user(ticket.requester_id) or ctx.user(ticket.requester_id, agent=True)
        if requester is None:
            return WriteResult(source_id=ticket.source_id,
                               error="the requester is not in Freshdesk")
        messages = self.plan(ticket, ctx, warn)
        payload = self.payload(ticket, requester, messages[0].body, ctx, warn)
        created = self._send("tickets", payload, messages[0].files)
        ticket_id = str(created["id"])
        ctx.created("ticket", ticket.source_id, ticket_id)  # before its notes: rollback
        children: list[ChildResult] = []
        if messages[0].comment is not None:
            children.append(ChildResult("comment", messages[0].comment.source_id, None))
        for message in messages[1:]:
            try:
                note_id: str | None = self._note(ticket_id, message)
            except ApiError as exc:
                warn(f"a message could not be written as a note: {exc}")
                note_id = None
            if message.comment is not None:
                children.append(ChildResult("comment", message.comment.source_id, note_id))
        return WriteResult(source_id=ticket.source_id, target_id=ticket_id,
                           children=children)

    def update(self, ticket: Ticket, target_id: str, ctx: WriteContext) -> WriteResult:
        """A delta: the ticket's fields, then only the comments the id map does not know.
        A note already on the ticket (same origin line and text) is not written twice, so
        sending the same update again after a crash adds nothing."""
        def warn(message: str) -> None:
            ctx.warn(ticket.source_id, message)

        requester = ctx.user(ticket.requester_id) or ctx.user(ticket.requester_id, agent=True)
        fields = self.payload(ticket, requester or "0", "", ctx, warn)
        changes = {k: v for k, v in fields.items()
                   if k not in ("description", "requester_id", "source")}
        self.api.request("PUT", f"tickets/{target_id}", json=changes)
        # A delta's source may send only the comments written since (Zendesk does): any
        # comment the id map does not know is new, the first one included.
        new = [c for c in ticket.comments if not ctx.known("comment", c.source_id)]
        if not new:
            return WriteResult(source_id=ticket.source_id, target_id=target_id)
        written = {_fingerprint(c.get("body_text") or ""): str(c["id"])
                   for c in rows(self.api, f"tickets/{target_id}/conversations")}
        messages = self.plan(Ticket(source_id=ticket.source_id, subject=ticket.subject,
                                    comments=[ticket.comments[0], *new]), ctx, warn)[1:]
        children = []
        for message in messages:
            note_id = written.get(_fingerprint(_text_of(message.body)))
            if note_id is None:
                note_id = self._note(target_id, message)
            if message.comment is not None:
                children.append(ChildResult("comment", message.comment.source_id, note_id))
        return WriteResult(source_id=ticket.source_id, target_id=target_id,
                           children=children)

    # -- building requests ----------------------------------------------------------------
    def plan(self, ticket: Ticket, ctx: WriteContext, warn: Callable[[str], None]
             ) -> list[Message]:
        """The description, then one note per further comment, plus a note for each
        further 20 MB of a comment's files."""
        messages: list[Message] = []
        if not ticket.comments:
            return [Message(None, f"<p>{html.escape(ticket.subject or '(no subject)')}</p>")]
        for index, comment in enumerate(ticket.comments):
            user = ctx.user(comment.author_id) or ctx.user(comment.author_id, agent=True)
            who = self.people.author(comment.author_id, ctx) or (
                f"source user {comment.author_id}" if comment.author_id else None)
            line = origin_html(who, comment.created_at)
            groups = pack(comment.attachments, warn)
            body = line + (comment.body_html or html.escape(comment.body_text) or "<p></p>")
            messages.append(Message(comment, body, groups[0], private=not comment.public,
                                    incoming=comment.incoming, user_id=user))
            for number, extra in enumerate(groups[1:], start=2):
                messages.append(Message(
                    None, f"<p>Attachments of the message above, part {number} of "
                    f"{len(groups)} (Freshdesk takes 20 MB per request)</p>", extra,
                    private=True, user_id=user))
            if index == 0 and not comment.public:
                warn("the first message was private; Freshdesk shows a description to "
                     "the requester")
        return messages

    def payload(self, ticket: Ticket, requester: str, description: str, ctx: WriteContext,
                warn: Callable[[str], None]) -> dict[str, Any]:
        mapper, type_choices = self.fields()
        ticket_type, type_tag = type_from_canonical(ticket.type, type_choices)
        tags = [*ticket.tags, *(t for t in (type_tag, STATUS_TAGS.get(ticket.status)) if t),
                marker_tag(ctx.external_id("ticket", ticket.source_id))]
        status = STATUS_FROM_CANONICAL.get(ticket.status, 2)
        payload: dict[str, Any] = {
            "subject": ticket.subject or "(no subject)", "description": description,
            "requester_id": int(requester), "status": status,
            "priority": PRIORITY_FROM_CANONICAL.get(ticket.priority or "low", 1),
            "source": CHANNEL_TO_SOURCE.get(ticket.channel, 2),
            "tags": list(dict.fromkeys(t for t in tags if t)),
            "custom_fields": mapper.values(ticket.custom_fields, warn, closing=status >= 4),
        }
        if ticket_type:
            payload["type"] = ticket_type
        if ticket.assignee_id:
            payload["responder_id"] = _int(ctx.user(ticket.assignee_id, agent=True))
        for key, kind, source_id in (("group_id", "group", ticket.group_id),
                                     ("company_id", "company", ticket.company_id)):
            target = ctx.target_id(kind, source_id)
            if target is not None:
                payload[key] = int(target)
        return {k: v for k, v in payload.items() if v is not None}

    @staticmethod
    def note(message: Message) -> dict[str, Any]:
        note: dict[str, Any] = {"body": message.body, "private": message.private,
                                "incoming": message.incoming}
        if message.user_id is not None:
            note["user_id"] = int(message.user_id)
        return note

    def _note(self, ticket_id: str, message: Message) -> str:
        """Write one message as a note; its id."""
        return str(self._send(f"tickets/{ticket_id}/notes", self.note(message),
                              message.files)["id"])

    def _send(self, path: str, payload: dict[str, Any], files: list[Upload]) -> dict:
        """JSON, or multipart/form-data when there are files."""
        if not files:
            return self.api.request("POST", path, json=payload).json()
        return self.api.request("POST", path, data=form_fields(payload),
                                files=[f.part() for f in files]).json()

    # -- finding --------------------------------------------------------------------------
    def find(self, ticket: Ticket, ctx: WriteContext) -> str | None:
        """The ticket an interrupted write created, by its marker tag among the
        requester's tickets, made whole: the notes the interruption left unwritten are
        written now, so the outcome is exactly what an uninterrupted write gives."""
        requester = ctx.user(ticket.requester_id) or ctx.user(ticket.requester_id, agent=True)
        if requester is None:
            return None
        tag = marker_tag(ctx.external_id("ticket", ticket.source_id))
        params = {"requester_id": requester, "updated_since": EPOCH,
                  "order_by": "created_at", "order_type": "desc"}
        for row in rows(self.api, "tickets", params):
            if tag in (row.get("tags") or []):
                self._complete(str(row["id"]), ticket, ctx)
                return str(row["id"])
        return None

    def _complete(self, ticket_id: str, ticket: Ticket, ctx: WriteContext) -> None:
        """Write the planned notes missing from the ticket. Notes are written in order, so
        the ones present match the plan in order; each planned note either matches the
        next note present (by origin line and text) or is missing. A note whose own
        outcome is unknown (an ambiguous write) is looked for again before going on."""
        def warn(message: str) -> None:
            ctx.warn(ticket.source_id, message)

        planned = self.plan(ticket, ctx, warn)[1:]
        for attempt in range(1, COMPLETE_ATTEMPTS + 1):
            present = [_fingerprint(c.get("body_text") or "")
                       for c in rows(self.api, f"tickets/{ticket_id}/conversations")]
            position, missing = 0, []
            for message in planned:
                if position < len(present) and present[position] == _fingerprint(
                        _text_of(message.body)):
                    position += 1
                else:
                    missing.append(message)
            try:
                for message in missing:
                    self._note(ticket_id, message)
                return
            except AmbiguousWrite:
                if attempt == COMPLETE_ATTEMPTS:
                    raise


def _text_of(body_html: str) -> str:
    return LexborHTMLParser(body_html).text(separator=" ") if body_html else ""


def _fingerprint(text: str) -> str:
    """A note's identity for de-duplication: the letters and digits of its first part
    (how markup turns into spaces and line breaks differs between HTML and body_text)."""
    return "".join(ch for ch in text if ch.isalnum())[:200]


def form_fields(payload: dict[str, Any]) -> dict[str, Any]:
    """A JSON payload as Freshdesk's multipart fields: ``tags[]``, ``custom_fields[cf_x]``."""
    data: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, list):
            data[f"{key}[]"] = [_text(v) for v in value]
        elif isinstance(value, dict):
            for inner, item in value.items():
                if item is not None:
                    data[f"{key}[{inner}]"] = _text(item)
        elif value is not None:
            data[key] = _text(value)
    return data


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _int(value: str | None) -> int | None:
    return None if value is None else int(value)
