"""Writing tickets as Intercom conversations: created from the requester's first message
with its ``created_at``, stamped with the ``deskmigrate_id`` attribute, then every further
message as a reply (``comment`` or ``note``, as the admin or the contact who wrote it,
``created_at`` kept), then tags, assignee and state.

Files: at most 10 go with one message. A file the source gives by a public link
(``Attachment.public_url``) goes by that link (``attachment_urls``: Intercom downloads it),
which every message takes, a customer's and the first one too; other files are uploaded
(``attachment_files``), which only admins' replies take. Files beyond ten, and a customer's
files that cannot go by link, follow on notes. Intercom documents no answer for a link it
cannot download: should it refuse the message (400 or 422, its documented answers to invalid
data), the message goes again with its files uploaded; should it take the message with fewer
files than sent, the message's link files follow uploaded on a note. Either way the writer
stops sending links for the rest of the run.

An interrupted write is found again by its stamp and completed: the replies already there
are recognised in order by time and text, only the missing ones are sent."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from deskmigrate.core.connector import ChildResult, WriteContext, WriteResult
from deskmigrate.core.errors import AmbiguousWrite, ApiError
from deskmigrate.core.filenames import safe_file_name
from deskmigrate.core.http import HttpClient, is_loopback
from deskmigrate.core.records import Attachment, Comment, Ticket

from .api import search
from .mapping import STATUS_TO_STATE, text_of, to_epoch
from .target_fields import STAMP, Attributes

MAX_FILES = 10
COMPLETE_ATTEMPTS = 4
MESSAGE_PARTS = ("comment", "note", "open", "close", "assignment")
EMPTY = "<p>(no text)</p>"


@dataclass
class Message:
    """One reply request: by an admin (``admin_id``) or a contact (``user_id``), with files
    uploaded (``files``, admins only) and files Intercom downloads itself (``links``)."""

    source_id: str | None
    body: str
    created_at: int | None
    admin_id: str | None = None
    user_id: str | None = None
    note: bool = False
    files: list[Attachment] = field(default_factory=list)
    links: list[Attachment] = field(default_factory=list)

    def room(self, link: bool) -> bool:
        """Whether one more file fits: ten in all; uploads only on an admin's message."""
        return len(self.files) + len(self.links) < MAX_FILES and (
            link or self.user_id is None)

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message_type": "note" if self.note else "comment",
                               "body": self.body}
        if self.user_id is not None:
            out.update(type="user", intercom_user_id=self.user_id)
        else:
            out.update(type="admin", admin_id=self.admin_id)
            if self.files:
                out["attachment_files"] = [
                    {"name": safe_file_name(f.file_name), "content_type": f.content_type,
                     "data": base64.b64encode(f.read()).decode()} for f in self.files]
        if self.links:
            out["attachment_urls"] = [f.url for f in self.links]
        if self.created_at is not None:
            out["created_at"] = self.created_at
        return out


def fingerprint(created_at: Any, body: str | None) -> tuple[int, str]:
    """A reply's identity inside its conversation: its time and the start of its text."""
    letters = "".join(ch for ch in text_of(body) if ch.isalnum())[:120]
    return int(created_at or 0), letters


def opening(first: Comment) -> str:
    """The body a conversation is created with (Intercom refuses an empty one)."""
    return first.body_html if text_of(first.body_html) else EMPTY


class ConversationWriter:
    def __init__(self, http: HttpClient, attributes: Attributes, default_admin: Any) -> None:
        self.http = http
        self.attributes = attributes
        self.default_admin = default_admin  # callable: the token's admin id
        self._tags: dict[str, str] = {}
        self._lock = threading.Lock()
        self._links_refused = False
        self._local = is_loopback(urlsplit(http.base_url).hostname or "")

    def linkable(self, item: Attachment) -> bool:
        """Whether Intercom can download the file itself: a public link of the source, on
        https (plain http only when the target is a sandbox on loopback, as is the link)."""
        if self._links_refused or not item.public_url:
            return False
        parts = urlsplit(item.url)
        return parts.scheme == "https" or (parts.scheme == "http" and self._local
                                           and is_loopback(parts.hostname or ""))

    # -- planning -------------------------------------------------------------------------
    def plan(self, ticket: Ticket, ctx: WriteContext, comments: list[Comment]
             ) -> list[Message]:
        out: list[Message] = []
        for comment in comments:
            out += self.messages(ticket, comment, ctx)
        return out

    def messages(self, ticket: Ticket, comment: Comment, ctx: WriteContext) -> list[Message]:
        """A comment as one reply with the files it may carry, plus notes with the rest."""
        when = to_epoch(comment.created_at)
        body = comment.body_html if text_of(comment.body_html) or "<img" in (
            comment.body_html or "") else EMPTY
        contact = ctx.target_id("contact", comment.author_id)
        if contact is not None and comment.public:
            first = Message(comment.source_id, body, when, user_id=contact)
        else:
            admin = (ctx.target_id("agent", comment.author_id)
                     or ctx.user(comment.author_id, agent=True) or self.default_admin())
            if contact is not None:
                ctx.warn(ticket.source_id, f"private message {comment.source_id} by a customer "
                                           "became a note by the default agent")
            first = Message(comment.source_id, body, when, admin_id=admin,
                            note=not comment.public)
        out = self.spread(first, list(comment.attachments))  # recordings arrive here too
        if len(out) > 1:
            ctx.warn(ticket.source_id, f"files of message {comment.source_id} follow on notes "
                     f"after it (Intercom takes {MAX_FILES} per message, and a customer's "
                     "only by a link it can download)")
        return out

    def spread(self, first: Message, files: list[Attachment]) -> list[Message]:
        """``first`` with the files it may carry, then notes by the default agent with the
        rest, ten each."""
        rest = []
        for item in files:
            link = self.linkable(item)
            if first.room(link):
                (first.links if link else first.files).append(item)
            else:
                rest.append(item)
        out = [first]
        for start in range(0, len(rest), MAX_FILES):
            chunk = rest[start:start + MAX_FILES]
            note = Message(None, f"<p>Files of the message above ({start + 1}-"
                                 f"{start + len(chunk)} of {len(rest)})</p>",
                           first.created_at, admin_id=self.default_admin(), note=True)
            for item in chunk:
                (note.links if self.linkable(item) else note.files).append(item)
            out.append(note)
        return out

    def opening_links(self, first: Comment | None) -> list[Attachment]:
        """The first message's files that go with it by link (a conversation is created
        without uploads)."""
        return [a for a in (first.attachments if first else []) if self.linkable(a)
                ][:MAX_FILES]

    def replies(self, ticket: Ticket, ctx: WriteContext) -> list[Message]:
        """Everything after the first message: a note with the first message's files that
        did not go with it, then every further message."""
        planned = self.plan(ticket, ctx, ticket.comments[1:])
        first = ticket.comments[0] if ticket.comments else None
        linked = self.opening_links(first)
        rest = [a for a in (first.attachments if first else []) if a not in linked]
        if first is not None and rest:
            carrier = Comment(source_id=f"{first.source_id}-files", author_id=None,
                              body_html="<p>Files of the first message</p>", public=False,
                              created_at=first.created_at, attachments=rest)
            planned = self.messages(ticket, carrier, ctx) + planned
        return planned

    # -- writing --------------------------------------------------------------------------
    def write(self, ticket: Ticket, ctx: WriteContext) -> WriteResult:
        contact = ctx.target_id("contact", ticket.requester_id)
        if contact is None:
            return WriteResult(source_id=ticket.source_id, error=(
                f"the requester {ticket.requester_id} is not an Intercom contact (an agent "
                "cannot start a conversation)"))
        comments = ticket.comments or [Comment(source_id=f"{ticket.source_id}-subject",
                                               author_id=ticket.requester_id,
                                               body_html=f"<p>{ticket.subject}</p>",
                                               created_at=ticket.created_at)]
        first = comments[0]
        if first.author_id != ticket.requester_id:
            ctx.warn(ticket.source_id, "the first message was not the requester's: it is "
                                       "written as theirs")
        created = to_epoch(first.created_at or ticket.created_at)
        payload: dict[str, Any] = {"from": {"type": "user", "id": contact},
                                   "body": opening(first)}
        if created is not None:
            payload["created_at"] = created
        if not self._unstamped(ticket, ctx):  # no lookalike: a crash's leftover is ours
            ctx.creating("ticket", ticket.source_id)
        links = [a.url for a in self.opening_links(first)]
        answer = self._send("conversations", {**payload, "attachment_urls": links} if links
                            else payload, lambda: payload)
        conversation = str(answer["conversation_id"])
        ctx.created("ticket", ticket.source_id, conversation)  # before its parts: rollback
        stamped = self.stamp(conversation, ticket, ctx)
        if links and not self._links_refused and len(
                (stamped.get("source") or {}).get("attachments") or []) < len(links):
            self._links_refused = True  # dropped: the first message's files go on a note
        children = [ChildResult("comment", first.source_id, str(answer.get("id")))]
        children += self.send_missing(conversation, self.replies(ticket, ctx), present=[])
        self.finish(conversation, ticket, ctx)
        return WriteResult(source_id=ticket.source_id, target_id=conversation,
                           children=children)

    def stamp(self, conversation: str, ticket: Ticket, ctx: WriteContext) -> dict[str, Any]:
        """Title, custom attributes and the stamp; returns the conversation as answered."""
        def warn(message: str) -> None:
            ctx.warn(ticket.source_id, message)

        custom = self.attributes.values("ticket", ticket.custom_fields, warn)
        custom[STAMP] = ctx.external_id("ticket", ticket.source_id)
        return dict(self.http.request("PUT", f"conversations/{conversation}", json={
            "title": ticket.subject, "custom_attributes": custom}).json())

    def send_missing(self, conversation: str, planned: list[Message],
                     present: list[tuple[tuple[int, str], str]]) -> list[ChildResult]:
        """Send the planned replies not among ``present`` (fingerprint, part id), in order."""
        children, position = [], 0
        for message in planned:
            if position < len(present) and present[position][0] == fingerprint(
                    message.created_at, message.body):
                part_id = present[position][1]
                position += 1
            else:
                part_id = self._reply(conversation, message)
            if message.source_id is not None:
                children.append(ChildResult("comment", message.source_id, part_id or None))
        return children

    def _reply(self, conversation: str, message: Message) -> str:
        """Send one reply (and, should its links be refused, its files uploaded instead)."""
        path = f"conversations/{conversation}/reply"
        spread: list[Message] = []

        def again() -> dict[str, Any]:
            bare = Message(message.source_id, message.body, message.created_at,
                           message.admin_id, message.user_id, message.note)
            spread[:] = self.spread(bare, message.files + message.links)
            return spread[0].payload()

        body = self._send(path, message.payload(), again if message.links else None)
        parts = (body.get("conversation_parts") or {}).get("conversation_parts") or []
        if message.links and not spread and len((parts[-1] if parts else {}).get(
                "attachments") or []) < len(message.files) + len(message.links):
            self._links_refused = True  # taken without (some of) its links' files
            note = Message(None, "<p>Files of the message above</p>", message.created_at,
                           admin_id=self.default_admin(), note=True)
            spread[:] = [message, *self.spread(note, message.links)]
        for note in spread[1:]:
            self.http.request("POST", path, json=note.payload())
        return str(parts[-1]["id"]) if parts else ""

    def _send(self, path: str, payload: dict[str, Any],
              again: Callable[[], dict[str, Any]] | None) -> dict[str, Any]:
        """POST ``payload``; when it carried links and Intercom refused it as invalid (400 or
        422: it could not download one), stop sending links and POST ``again()`` (the files
        uploaded)."""
        try:
            return dict(self.http.request("POST", path, json=payload).json())
        except ApiError as exc:
            if exc.status not in (400, 422) or again is None or not payload.get(
                    "attachment_urls"):
                raise
            self._links_refused = True
            return dict(self.http.request("POST", path, json=again()).json())

    def finish(self, conversation: str, ticket: Ticket, ctx: WriteContext,
               current: dict | None = None) -> None:
        """Tags, assignee, team and state (each left alone when already right)."""
        admin = self.default_admin()
        have = {t["name"] for t in ((current or {}).get("tags") or {}).get("tags", [])}
        for name in ticket.tags:
            if name not in have:
                self.http.request("POST", f"conversations/{conversation}/tags",
                                  json={"id": self.tag_id(name), "admin_id": admin},
                                  idempotent=True)
        team = ctx.target_id("group", ticket.group_id)
        assignee = ctx.target_id("agent", ticket.assignee_id) if ticket.assignee_id else None
        for target, key in ((team, "team_assignee_id"), (assignee, "admin_assignee_id")):
            if target is not None and str((current or {}).get(key)) != str(target):
                self.http.request("POST", f"conversations/{conversation}/parts", json={
                    "message_type": "assignment", "type": "admin", "admin_id": admin,
                    "assignee_id": target}, idempotent=True)
        state = STATUS_TO_STATE.get(ticket.status, "open")
        if state != (current or {}).get("state", "open"):
            payload: dict[str, Any] = {"message_type": "close" if state == "closed" else state,
                                       "type": "admin", "admin_id": admin}
            if state == "snoozed":
                payload["snoozed_until"] = int(datetime.now(UTC).timestamp()) + 86_400
            self.http.request("POST", f"conversations/{conversation}/parts", json=payload,
                              idempotent=True)

    def tag_id(self, name: str) -> str:
        with self._lock:
            if name not in self._tags:
                tag = self.http.request("POST", "tags", json={"name": name},
                                        idempotent=True).json()
                self._tags[name] = str(tag["id"])
            return self._tags[name]

    # -- finding and completing -----------------------------------------------------------
    def find(self, ticket: Ticket, ctx: WriteContext) -> str | None:
        """The conversation an interrupted write created, by its stamp, made whole.

        Creating a conversation and stamping it are two calls: a crash between them leaves
        an unstamped conversation. It is adopted (stamped and completed) only when the
        interrupted attempt announced it was creating it, having seen no lookalike before
        (the requester's unstamped conversation created at the very second of the first
        message, with the same text): a lookalike that was already there is never taken."""
        stamp = ctx.external_id("ticket", ticket.source_id)
        query = {"field": f"custom_attributes.{STAMP}", "operator": "=", "value": stamp}
        found = [str(c["id"]) for c in self._search(query)]
        if not found:
            if not ctx.was_absent("ticket", ticket.source_id):
                return None
            found = self._unstamped(ticket, ctx)
            if not found:
                return None
            self.stamp(found[0], ticket, ctx)
        self.complete(found[0], ticket, ctx, self.replies(ticket, ctx))
        return found[0]

    def _search(self, query: dict) -> list[dict]:
        return list(search(self.http, "conversations/search", "conversations", query))

    def _unstamped(self, ticket: Ticket, ctx: WriteContext) -> list[str]:
        contact = ctx.target_id("contact", ticket.requester_id)
        first = ticket.comments[0] if ticket.comments else None
        created = to_epoch((first.created_at if first else None) or ticket.created_at)
        if contact is None or created is None:
            return []
        query = {"operator": "AND", "value": [
            {"field": "contact_ids", "operator": "=", "value": contact},
            {"field": "created_at", "operator": ">", "value": created},  # > and < include
            {"field": "created_at", "operator": "<", "value": created}]}
        text = fingerprint(0, opening(first) if first else f"<p>{ticket.subject}</p>")[1]
        return sorted((str(c["id"]) for c in self._search(query)
                       if not (c.get("custom_attributes") or {}).get(STAMP)
                       and fingerprint(0, c["source"].get("body"))[1] == text), key=int)

    def complete(self, conversation: str, ticket: Ticket, ctx: WriteContext,
                 planned: list[Message]) -> list[ChildResult]:
        """Write the planned replies missing from the conversation, then its state. A reply
        whose own outcome is unknown is looked for again before going on."""
        for attempt in range(1, COMPLETE_ATTEMPTS + 1):
            current = self.http.get_json(f"conversations/{conversation}")
            parts = (current.get("conversation_parts") or {}).get("conversation_parts") or []
            present = [(fingerprint(p.get("created_at"), p.get("body")), str(p["id"]))
                       for p in parts if p.get("part_type") in MESSAGE_PARTS
                       and (p.get("body") or p.get("attachments"))]
            wanted = {fingerprint(m.created_at, m.body) for m in planned}
            present = [p for p in present if p[0] in wanted]
            try:
                children = self.send_missing(conversation, planned, present)
                self.finish(conversation, ticket, ctx, current)
                return children
            except AmbiguousWrite:
                if attempt == COMPLETE_ATTEMPTS:
                    raise
        return []
