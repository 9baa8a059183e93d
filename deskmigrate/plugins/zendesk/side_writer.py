"""Write side conversations onto imported tickets: ``POST /tickets/{id}/side_conversations``
with the first message, then ``POST .../{sc_id}/reply`` per further message. A message's
files are uploaded first (``POST /tickets/side_conversations/attachments``, multipart
``file``) and named in its ``attachment_ids``.

Zendesk keeps neither the author nor the time of a side-conversation message written through
the API (the token's agent sends it now); both travel in the message's ``external_ids``. A
create whose outcome is unknown is looked up by its external id before it is sent again."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from deskmigrate.core.connector import ChildResult, WriteContext, WriteResult
from deskmigrate.core.errors import AmbiguousWrite, ApiError
from deskmigrate.core.file_copy import file_bytes
from deskmigrate.core.filenames import safe_file_name
from deskmigrate.core.history import message_html
from deskmigrate.core.paging import NextUrlPaginator, PageRequest
from deskmigrate.core.records import Attachment, Comment, SideConversation

from .client import ZendeskApi
from .mapping import format_time
from .platform import MAX_ATTACHMENT_BYTES

MARKER = "deskmigrate"  # external_ids key holding the source id marker


class SideConversationWriter:
    """Side conversations of one target account; ``me`` is the token user's email."""

    def __init__(self, api: ZendeskApi, me: Callable[[], str]) -> None:
        self.api = api
        self.me = me

    def write(self, ticket_id: str, conversations: list[SideConversation],
              ctx: WriteContext, result: WriteResult) -> None:
        """Write each conversation; one that Zendesk refuses is a warning on the ticket."""
        for conversation in conversations:
            try:
                created = self.conversation(ticket_id, conversation, ctx, result.warnings)
            except ApiError as exc:
                result.warnings.append(f"side conversation '{conversation.subject}' was not "
                                       f"written: {exc}")
                continue
            if created is None:
                result.warnings.append(f"side conversation '{conversation.subject}' has no "
                                       "participant besides the migrating agent; not written")
                continue
            result.children.append(ChildResult("side_conversation", conversation.source_id,
                                               created))

    def conversation(self, ticket_id: str, conversation: SideConversation,
                     ctx: WriteContext, warnings: list[str]) -> str | None:
        """Create one side conversation and its replies; its target id (a UUID). Files
        that could not be copied are said in ``warnings``."""
        me = self.me().lower()
        to = [{"email": e} for e in conversation.participants if e.lower() != me]
        if not to:
            return None
        messages = conversation.messages or [Comment(
            source_id=f"{conversation.source_id}-subject", author_id=None,
            body_html="", body_text=conversation.subject)]
        marker = ctx.external_id("side_conversation", conversation.source_id)
        base = f"api/v2/tickets/{ticket_id}/side_conversations"
        created = self._post_once(base, {
            "message": {"subject": conversation.subject or "(no subject)",
                        **self._message(messages[0], to, ctx, conversation.subject, warnings)},
            "external_ids": {MARKER: marker}},
            lambda: self._find_conversation(base, marker))
        for message in messages[1:]:
            body = self._message(message, to, ctx, conversation.subject, warnings)
            self._post_once(f"{base}/{created}/reply", {"message": body},
                            partial(self._find_reply, base, created,
                                    body["external_ids"][MARKER]))
        return created

    def _message(self, message: Comment, to: list[dict[str, str]], ctx: WriteContext,
                 subject: str, warnings: list[str]) -> dict[str, Any]:
        """One message's body: HTML, recipients, origin and its uploaded files."""
        body: dict[str, Any] = {"html_body": message_html(message), "to": to,
                                "external_ids": self._origin(message, ctx)}
        mine: list[str] = []
        ids = [i for i in (self._upload(a, mine) for a in message.attachments) if i]
        warnings.extend(f"side conversation '{subject}': {w}" for w in mine)
        if ids:
            body["attachment_ids"] = ids
        return body

    def _upload(self, item: Attachment, warnings: list[str]) -> str | None:
        """Upload one file for a side-conversation message; its attachment id, or None
        (with a warning naming the file)."""
        data = file_bytes(item, MAX_ATTACHMENT_BYTES, warnings.append)
        if data is None:
            return None
        try:  # an upload nothing names is harmless: safe to send again
            answer = self.api.http.request(
                "POST", "api/v2/tickets/side_conversations/attachments.json",
                files=[("file", (safe_file_name(item.file_name), data,
                                 item.content_type or "application/octet-stream"))],
                idempotent=True).json()
        except ApiError as exc:
            warnings.append(f"attachment '{item.file_name}' was refused by Zendesk ({exc}); "
                            "not copied")
            return None
        found = answer.get("attachment", answer) if isinstance(answer, dict) else None
        if not isinstance(found, dict) or not found.get("id"):
            warnings.append(f"attachment '{item.file_name}': Zendesk's answer named no "
                            "attachment id; not copied")
            return None
        return str(found["id"])

    def _origin(self, message: Comment, ctx: WriteContext) -> dict[str, str]:
        """Where a message came from: its source marker, original time and author."""
        origin = {MARKER: ctx.external_id("side_conversation_message", message.source_id),
                  "original_created_at": format_time(message.created_at) or ""}
        author = ctx.user(message.author_id) if message.author_id else None
        if author:
            origin["original_author_id"] = author
        return origin

    def _post_once(self, path: str, payload: dict[str, Any],
                   lookup: Callable[[], str | None]) -> str:
        """POST a create; when its outcome is unknown, look it up and send it once more
        only if it is not there."""
        for attempt in (1, 2):
            try:
                response = self.api.http.request("POST", f"{path}.json", json=payload).json()
                return str(response["side_conversation"]["id"])
            except AmbiguousWrite:
                found = lookup()
                if found is not None:
                    return found
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _find_conversation(self, base: str, marker: str) -> str | None:
        pages = NextUrlPaginator("next_page", items="side_conversations")
        for item in pages.items(self.api.http, PageRequest(f"{base}.json")):
            if (item.get("external_ids") or {}).get(MARKER) == marker:
                return str(item["id"])
        return None

    def _find_reply(self, base: str, conversation: str, marker: str) -> str | None:
        pages = NextUrlPaginator("next_page", items="events")
        for event in pages.items(self.api.http,
                                 PageRequest(f"{base}/{conversation}/events.json")):
            external = ((event.get("message") or {}).get("external_ids") or {})
            if external.get(MARKER) == marker:
                return conversation
        return None
