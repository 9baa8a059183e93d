"""Helpers for targets that cannot keep a record's history: who wrote a message and when
goes into its body, and side conversations become private notes."""

from __future__ import annotations

import html
from datetime import datetime

from .records import Comment, SideConversation


def person(name: str | None, email: str | None) -> str:
    """``NAME <email>``, or whichever of the two is known ("" if neither)."""
    return f"{name} <{email}>" if name and email else (name or email or "")


def origin_text(who: str | None, when: datetime | None) -> str:
    """``Originally posted by NAME <email> on 2024-03-01 10:22 UTC`` (``who`` from
    :func:`person`; unknown parts are said to be unknown)."""
    stamp = when.strftime("%Y-%m-%d %H:%M UTC") if when else "an unknown date"
    return f"Originally posted by {who or 'an unknown user'} on {stamp}"


def origin_html(who: str | None, when: datetime | None) -> str:
    """:func:`origin_text` as one HTML paragraph opening a message body."""
    return f'<p class="deskmigrate-origin"><em>{html.escape(origin_text(who, when))}</em></p>'


def message_html(message: Comment) -> str:
    """A message's HTML body, built from its text when it has none."""
    return message.body_html or f"<p>{html.escape(message.body_text or '(no text)')}</p>"


def side_conversation_notes(conversation: SideConversation) -> list[Comment]:
    """Each message of a side conversation as a private note of its ticket, headed by the
    conversation's subject and participants (for targets without side conversations)."""
    header = (f"<p><em>Side conversation “{html.escape(conversation.subject)}” with "
              f"{html.escape(', '.join(conversation.participants))}</em></p>")
    return [Comment(source_id=f"side-{conversation.source_id}-{m.source_id}",
                    author_id=m.author_id, body_html=header + message_html(m),
                    body_text=m.body_text, public=False, created_at=m.created_at,
                    attachments=m.attachments, channel="side_conversation")
            for m in conversation.messages]
